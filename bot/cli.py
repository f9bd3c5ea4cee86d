"""The `citebot` command: run | index | export | console | explain | health (see docs/INTERFACES.md). Thin: parse, call a layer, print."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, TextIO

from bot.config import ConfigError, Settings, load_settings
from bot.logs import setup_logging

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="citebot", description="A Telegram bot that answers from news articles with cited sentences."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot against Telegram (polling, or a webhook when WEBHOOK_URL is set)")
    index = commands.add_parser("index", help="(re)build the index from the seed folder, atomically")
    index.add_argument("--seeds", type=Path, help="folder of article files (default: SEEDS_DIR)")
    index.add_argument("--db", type=Path, help="index file (default: DB_PATH)")
    index.add_argument("--if-stale", action="store_true", help="only when the index is missing, of another version, "
                       "or older than a seed file, the seeds folder or citebot's extraction rules; silent otherwise")
    index.add_argument("--no-cache", action="store_true", help="read every file anew; leave the cache beside the index alone")
    index.add_argument("--json", action="store_true",
                       help="progress and the report (or the failure) as JSON lines on stdout, for a bot running this build")
    index.add_argument("--parent", type=int, metavar="PID",
                       help="stop, removing what this build wrote, when process PID is gone (the bot that started it)")
    index.add_argument("--nice", type=int, default=0, metavar="N", help="run at a lower CPU priority (os.nice)")
    commands.add_parser(
        "health", help="exit 0 when a running bot handles updates (a recent heartbeat) and its index opens; 1 if not"
    )
    export = commands.add_parser("export", help="print the whole index as one JSON document")
    export.add_argument("--db", type=Path, help="index file (default: DB_PATH); built first if missing")
    console = commands.add_parser("console", help="talk to the real bot offline, one message per input line")
    console.add_argument("--seeds", type=Path, help="folder of article files (default: SEEDS_DIR)")
    console.add_argument("--db", type=Path, help="index file (default: DB_PATH)")
    console.add_argument("--json", action="store_true", help="one JSON object per input line")
    console.add_argument("--user-id", type=int, help="who is talking")
    console.add_argument("--chat-id", type=int, help="in which chat")
    console.add_argument("--admin", action="store_true", help="make that user one of ADMIN_IDS")
    explain = commands.add_parser(
        "explain", help="show which extraction rules fired on a sentence or an article file, and what they found"
    )
    explain.add_argument("what", nargs="+", metavar="SENTENCE|FILE", help="a sentence (quoted, or as several words), or an article file")
    explain.add_argument("--kind", default="paragraph", help="the block a sentence stands in: paragraph (default), "
                         "caption, credit, byline, source, dateline, bullet, heading, standfirst")
    explain.add_argument("--all", action="store_true", help="for a file: every sentence, not only those where something fired")
    explain.add_argument("--json", action="store_true", help="one JSON document instead of text")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.command == "explain":  # pure: no settings, no index
        return _explain(args, parser)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"citebot: {error}", file=sys.stderr)
        return 2
    overrides = {}
    if getattr(args, "seeds", None):
        overrides["seeds_dir"] = args.seeds
    if getattr(args, "db", None):
        overrides["db_path"] = args.db
    if overrides:
        settings = settings.model_copy(update=overrides)
    secrets = [s.get_secret_value() for s in (settings.bot_token, settings.webhook_secret) if s is not None]
    level = settings.log_level
    if args.command == "console" and "log_level" not in settings.model_fields_set:
        level = "WARNING"  # the console reads like the chat: log lines only for trouble, unless LOG_LEVEL asks
    setup_logging(level, secrets=secrets)  # the token is redacted from every line, whatever the command

    if args.command == "run":
        from bot.chat.runner import run  # the chat layer is only needed to serve

        return run(settings) or 0
    if args.command == "console":
        from bot.chat.console import main as console_main

        return console_main(args, settings) or 0
    if args.command == "index":
        if args.if_stale and not _stale(settings):
            return 0
        from bot.index import child
        from bot.ingest.pipeline import WORKERS_VARIABLE

        if settings.citebot_build_workers:  # from .env too, where the pipeline would not look
            os.environ[WORKERS_VARIABLE] = str(settings.citebot_build_workers)
        child.prepare(settings.build_memory_mb, parent=args.parent, nice=args.nice)
        if args.json:  # a build a bot started and follows
            return child.report_as_json(settings, cache=not args.no_cache)
        return _index(settings, cache=not args.no_cache)
    if args.command == "export":
        return _export(settings)
    if args.command == "health":
        from bot.health import check

        healthy, line = check(settings)
        print(f"citebot health: {line}", file=sys.stdout if healthy else sys.stderr)
        return 0 if healthy else 1
    parser.error(f"unknown command {args.command}")
    return 2


def _build(settings: Settings, summary_to: TextIO | None = None, cache: bool = True) -> int:
    """Build the index and print its summary; on failure one line (plus skipped files) on stderr. Exit code."""
    from bot.index.build import BuildError, build_index
    from bot.ingest.pipeline import SeedsError

    try:
        report = build_index(settings.seeds_dir, settings.db_path, cache=cache)
    except SeedsError as error:
        print(f"citebot: {error}", file=sys.stderr)
        return 1
    except BuildError as error:
        print(f"citebot: {error}", file=sys.stderr)
        for item in error.skipped:
            print(f"  skipped {item.file}: {item.reason}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"citebot: cannot write the index {settings.db_path}: {error.strerror or error}", file=sys.stderr)
        return 1
    except MemoryError:
        from bot.index.child import out_of_memory

        print(f"citebot: {out_of_memory(settings.build_memory_mb)}", file=sys.stderr)
        return 1
    for line in report.summary_lines():
        print(line, file=summary_to or sys.stdout)
    return 0 if report.articles else 1


def _index(settings: Settings, cache: bool = True) -> int:
    return _build(settings, cache=cache)


def _stale(settings: Settings) -> bool:
    """Whether the index needs building: missing, of another schema version, or older than what it is made of
    (a seed file, the seeds folder — a file added or removed — or the extraction rules and word lists)."""
    from bot.index.build import SCHEMA_VERSION

    db_path = Path(settings.db_path)
    if _schema_version(db_path) != SCHEMA_VERSION:
        return True
    built = db_path.stat().st_mtime
    seeds = Path(settings.seeds_dir)
    ingest = Path(__file__).parent / "ingest"
    sources = [seeds, *seeds.glob("*.txt"), *ingest.glob("*.py"), *ingest.glob("lexicon/*.json")]
    try:
        return any(path.stat().st_mtime > built for path in sources)
    except OSError:  # a seed removed while looking, a folder that is not there: build, and let that say why
        return True


def _export(settings: Settings) -> int:
    from bot.index.build import SCHEMA_VERSION, NotAnIndex, check_replaceable

    db_path = Path(settings.db_path)
    try:
        check_replaceable(db_path)  # nor exported: someone else's database is not ours to print either
    except NotAnIndex as error:
        print(f"citebot: {error}", file=sys.stderr)
        return 1
    if _schema_version(db_path) != SCHEMA_VERSION:
        code = _build(settings, summary_to=sys.stderr)  # stdout carries only the JSON document
        if code:
            return code
    try:
        document = export_document(db_path)
    except (sqlite3.Error, KeyError) as error:  # damaged past its header, or rows pointing at missing ones
        print(
            f"citebot: cannot read the index {db_path} ({error}); rebuild it with `citebot index`", file=sys.stderr
        )
        return 1
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return 0


def _explain(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`citebot explain SENTENCE|FILE`: a file when the one argument names a file, else the words as a sentence."""
    from bot.ingest import explain
    from bot.ingest.reader import ArticleError

    if args.kind not in explain.SENTENCE_KINDS:
        parser.error(f"--kind must be one of {', '.join(explain.SENTENCE_KINDS)}")
    text = " ".join(args.what)
    path = Path(args.what[0]) if len(args.what) == 1 else None
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    if path is not None and (path.is_file() or _looks_like_a_path(args.what[0])):
        if not path.is_file():
            print(f"citebot: no such file: {path}", file=sys.stderr)
            return 1
        try:
            report = explain.explain_file(path)
        except ArticleError as error:
            print(f"citebot: {path} is not an article: {error}", file=sys.stderr)
            return 1
        except OSError as error:
            print(f"citebot: cannot read {path}: {error.strerror or error}", file=sys.stderr)
            return 1
        if args.json:
            sys.stdout.write(json.dumps(explain.as_json(report, args.all), ensure_ascii=False, indent=2) + "\n")
        else:
            sys.stdout.write(explain.render_article(report, args.all) + "\n")
        return 0
    if not text.strip():
        print("citebot: nothing to explain (give a sentence or a file)", file=sys.stderr)
        return 2
    sentence = explain.explain_sentence(text, args.kind)
    if args.json:
        sys.stdout.write(json.dumps(explain.as_json(sentence), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(explain.render_sentence(sentence) + "\n")
    return 0


def _looks_like_a_path(word: str) -> bool:
    """One word ending in .txt or holding a slash is meant as a file, even when there is none."""
    return not any(c.isspace() for c in word) and (word.lower().endswith(".txt") or "/" in word or os.sep in word)


def _schema_version(db_path: Path) -> int | None:
    from bot.index.build import read_only

    if not db_path.is_file():
        return None
    try:
        with read_only(db_path) as con:
            return con.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error:
        return None


def export_document(db_path: Path) -> dict[str, Any]:
    """The whole index as the JSON document of INTERFACES.md (plain dicts, dates as YYYY-MM-DD)."""
    from bot.index.build import read_only

    with read_only(db_path) as con:
        return _document(con)


def _document(con: sqlite3.Connection) -> dict[str, Any]:
    citation: dict[int, dict[str, Any]] = {
        number: {"article": article, "outlet": outlet, "date": date, "url": url, "sentence": text, "start": start, "end": end}
        for number, article, outlet, date, url, text, start, end in con.execute(
            'SELECT s.id, s.article, a.outlet, a.date, a.url, s.text, s.start, s."end" '
            "FROM sentences s JOIN articles a ON a.id = s.article"
        )
    }

    def grouped(sql: str) -> dict[Any, list[Any]]:
        groups: dict[Any, list[Any]] = defaultdict(list)
        for owner, value in con.execute(sql):
            groups[owner].append(value)
        return groups

    aliases = grouped("SELECT entity, alias FROM aliases ORDER BY entity, ord")
    entity_cited = grouped("SELECT entity, sentence FROM entity_citations ORDER BY entity, ord")
    people, organizations = [], []
    for key, kind, name, role, organization in con.execute(
        "SELECT key, kind, name, role, organization FROM entities ORDER BY ord"
    ):
        cited = [citation[s] for s in entity_cited.get(key, ())]
        if kind == "person":
            people.append(
                {"name": name, "aliases": aliases.get(key, []), "role": role, "organization": organization,
                 "citations": cited}
            )
        else:
            organizations.append({"name": name, "aliases": aliases.get(key, []), "citations": cited})

    parties = grouped("SELECT agreement, party FROM agreement_parties ORDER BY agreement, ord")
    sectors_of = grouped("SELECT agreement, sector FROM agreement_sectors ORDER BY agreement, ord")
    agreement_cited = grouped("SELECT agreement, sentence FROM agreement_citations ORDER BY agreement, ord")
    agreements = [
        {"title": title, "type": type_, "parties": parties.get(number, []), "status": status,
         "sectors": sectors_of.get(number, []), "citations": [citation[s] for s in agreement_cited.get(number, ())]}
        for number, title, type_, status in con.execute("SELECT id, title, type, status FROM agreements ORDER BY id")
    ]

    tagged = grouped("SELECT sector, sentence FROM sector_tags ORDER BY sector, sentence")
    sectors = {
        name: [citation[s] for s in tagged[key]]
        for key, name in con.execute("SELECT key, name FROM sectors WHERE count > 0 ORDER BY ord")
    }

    figure_cited = grouped("SELECT figure, sentence FROM figure_citations ORDER BY figure, ord")
    figures = [
        {"value": value, "unit": unit, "about": about, "citations": [citation[s] for s in figure_cited.get(number, ())]}
        for number, value, unit, about in con.execute("SELECT id, value, unit, about FROM figures ORDER BY id")
    ]

    articles = [
        {"id": id_, "file": file, "outlet": outlet, "date": date, "title": title, "url": url, "text": text}
        for id_, file, outlet, date, title, url, text in con.execute(
            "SELECT a.id, a.file, a.outlet, a.date, a.title, a.url, t.text "
            "FROM articles a JOIN article_texts t ON t.article = a.id ORDER BY a.ord"
        )
    ]
    return {
        "articles": articles,
        "people": people,
        "organizations": organizations,
        "agreements": agreements,
        "sectors": sectors,
        "figures": figures,
    }
