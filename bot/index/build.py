"""Facts → a new SQLite index file beside the old one, validated, then swapped in with `os.replace`.

Readers that still hold the old file keep reading it; a build that fails leaves it in place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from bot.ingest.lexicon import READ_TAGS, lexicon, taxonomy, vocabulary
from bot.ingest.names import fold
from bot.text import searchable as _searchable
from bot.models import STATUS_RANK, Citation, Facts, Skipped, plural

if TYPE_CHECKING:
    from bot.ingest.pipeline import Ingested

log = logging.getLogger(__name__)

SCHEMA_VERSION = 8  # 3: person descriptions; 4: the meta table (what the index was built from); 5: alias flags;
# 6: agreements' and figures' citation counts, lexicon words; 7: each entity's agreements; 8: agreements' rank
# (generic, shown), alias words with theirs, figures' first cited sentence (their keyset)
# PRAGMA application_id of every index file ('cite'): what tells a citebot index from any other SQLite file.
APPLICATION_ID = 0x63697465
# The tables that mark an index written before it carried APPLICATION_ID.
_MARKER_TABLES = frozenset({"articles", "article_texts", "sentences", "sentences_fts", "entities", "aliases"})
UNIT_SEPARATOR = "\x1f"  # joins an agreement's parties (and sectors) in one column
Progress = Callable[[int, int, str], None]


class BuildError(Exception):
    """The index could not be built; the old index file (if any) is untouched."""

    def __init__(self, message: str, skipped: Iterable[Skipped] = ()) -> None:
        super().__init__(message)
        self.skipped = list(skipped)


class NotAnIndex(BuildError):
    """The index path holds a file that is not a citebot index; it is left as it is."""


def is_index(db_path: Path) -> bool | None:
    """Whether the file is a citebot index: True (its application_id, or an index written before it carried
    one), False (anything else: another application's SQLite file, text, a folder), None (missing or empty: there
    is nothing to lose). Reads the 100-byte header first, so a file that is not SQLite at all is never opened as
    a database."""
    path = Path(db_path)
    if not path.exists():
        return None
    if not path.is_file():
        return False
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError:
        return False
    if not header:
        return None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return False
    application_id = int.from_bytes(header[68:72], "big", signed=True)
    if application_id == APPLICATION_ID:
        return True
    if application_id != 0:
        return False
    try:
        with read_only(path) as con:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error:
        return False
    return _MARKER_TABLES <= tables


def check_replaceable(db_path: Path) -> None:
    """Raise NotAnIndex unless the index path is missing, empty, or a citebot index: whatever else is there
    (a README given as --db, another application's database) is never overwritten."""
    if is_index(db_path) is False:
        path = Path(db_path)
        what = "a folder" if path.is_dir() else "not a citebot index"
        raise NotAnIndex(
            f"{path} is {what}; refusing to replace it with the index (move it away or choose another DB_PATH)"
        )


class BuildReport(BaseModel):
    """What one build indexed, what it skipped and why, and what changed since the previous index."""

    db_path: Path | None = None
    articles: int = 0
    sentences: int = 0
    people: int = 0
    organizations: int = 0
    agreements: int = 0
    figures: int = 0
    sector_tags: int = 0
    skipped: list[Skipped] = Field(default_factory=list)
    warnings: list[Skipped] = Field(default_factory=list)  # indexed, but with a remark (e.g. no headline)
    added: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    reused: int = 0  # files whose article and candidates came from the cache (unchanged since the last build)
    extracted: int = 0  # files read and extracted anew
    workers: int = 1  # processes that extracted them

    def summary_lines(self) -> list[str]:
        where = f" into {self.db_path}" if self.db_path else ""
        lines = [
            f"Indexed {plural(self.articles, 'article')} ({plural(self.sentences, 'sentence')}){where} in {self.seconds:.2f} s",
            f"People: {self.people}, organisations: {self.organizations}, agreements: {self.agreements}, "
            f"figures: {self.figures}, sector tags: {self.sector_tags}",
            f"Since the previous index: {len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed",
            f"Files read anew: {self.extracted}"
            + (f" (in {self.workers} processes)" if self.workers > 1 else "")
            + f", unchanged and taken from the cache: {self.reused}",
        ]
        if self.skipped:
            lines.append(f"Skipped {plural(len(self.skipped), 'file')}:")
            lines.extend(f"  {item.file}: {item.reason}" for item in self.skipped)
        else:
            lines.append("Skipped: none")
        if self.warnings:
            lines.append(f"Warnings ({len(self.warnings)}):")
            lines.extend(f"  {item.file}: {item.reason}" for item in self.warnings)
        return lines


def schema_sql() -> str:
    return resources.files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")


def read_only_uri(db_path: Path) -> str:
    """The SQLite URI that opens an existing index file read-only: never created, never written."""
    return f"{Path(db_path).resolve().as_uri()}?mode=ro"


@contextlib.contextmanager
def read_only(db_path: Path) -> Iterator[sqlite3.Connection]:
    """An existing index file opened read-only, closed on leaving the block."""
    con = sqlite3.connect(read_only_uri(db_path), uri=True)
    try:
        yield con
    finally:
        con.close()


# ---------------------------------------------------------------- building


def build_index(seeds_dir: Path, db_path: Path, progress: Progress | None = None, cache: bool = True) -> BuildReport:
    """Ingest every seed file and swap a new index in; raises BuildError (old index kept) if no article was read.

    With `cache` (the default) the per-article results of earlier builds are kept beside the index
    (`<index>.cache`, see bot.ingest.cache), so only new and changed files are read and extracted again.
    `bot.ingest.pipeline.SeedsError` (missing folder) propagates unchanged.
    """
    from bot.ingest.pipeline import no_collections  # the ingest layer is only needed when building

    with no_collections():  # until the build's facts and rows are gone (pipeline.no_collections says why)
        return _build_index(seeds_dir, db_path, progress, cache)


def _build_index(seeds_dir: Path, db_path: Path, progress: Progress | None, cache: bool) -> BuildReport:
    from bot.ingest.cache import ArticleCache, cache_path, extractor_version
    from bot.ingest.pipeline import ingest_folder

    started = time.perf_counter()
    db_path = Path(db_path)
    check_replaceable(db_path)  # before the work, not only before the swap
    check_writable(db_path)
    ingested: Ingested = ingest_folder(Path(seeds_dir), progress, cache=cache_path(db_path) if cache else None)
    facts: Facts = ingested.facts
    skipped = list(ingested.skipped)
    if not facts.articles:
        raise BuildError(f"no article could be read from {seeds_dir}; the index was not changed", skipped)
    previous = article_hashes(db_path)
    with contextlib.ExitStack() as stack:
        folds = FoldMemo()
        if cache:
            store = stack.enter_context(ArticleCache(cache_path(db_path)))
            folds = FoldMemo(store.load_folded())
        write_index(facts, db_path, meta={"seeds_digest": ingested.seeds_digest, "extractor": extractor_version()},
                    searchable=ingested.searchable, folds=folds)
        if cache:
            store.store_folded(folds.used)
    current = {article.id: article.content_hash for article in facts.articles}
    return BuildReport(
        db_path=db_path,
        articles=len(facts.articles),
        sentences=_count(db_path, "sentences"),
        people=len({p.key for p in facts.people}),
        organizations=len({o.key for o in facts.organizations}),
        agreements=len(facts.agreements),
        figures=len(facts.figures),
        sector_tags=len({(hit.sector, hit.citation.article, hit.citation.start) for hit in facts.sector_hits}),
        skipped=skipped,
        warnings=list(ingested.warnings),
        added=sorted(set(current) - set(previous)),
        changed=sorted(key for key in current if key in previous and previous[key] != current[key]),
        removed=sorted(set(previous) - set(current)),
        seconds=time.perf_counter() - started,
        reused=ingested.reused,
        extracted=ingested.extracted,
        workers=ingested.workers,
    )


def check_writable(db_path: Path) -> None:
    """Raise BuildError when the index's folder cannot be written (a read-only mount): said before the work,
    not after minutes of it."""
    folder = Path(db_path).parent
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise BuildError(f"cannot write the index: {existing} is read-only here; the index was not changed")


def index_meta(db_path: Path) -> dict[str, str]:
    """What an existing index records it was built from (`seeds_digest`, `extractor`); empty when it records
    nothing (written before it did) or cannot be read."""
    if not Path(db_path).is_file():
        return {}
    try:
        with read_only(db_path) as con:
            return dict(con.execute("SELECT key, value FROM meta"))
    except sqlite3.Error:
        return {}


def stale_reason(db_path: Path, seeds_dir: Path) -> str | None:
    """Why the index at `db_path` is not what a build would make now: the seed files, or the extraction code and
    lexicon, changed since it was built. None when it is, and when there is nothing to build from (no seeds
    folder, no article file in it). Reads every seed file (to digest it): call it off the event loop."""
    from bot.ingest.cache import extractor_version
    from bot.ingest.pipeline import SeedsError, article_files, seeds_digest

    try:
        if not article_files(Path(seeds_dir))[0]:
            return None
        digest = seeds_digest(Path(seeds_dir))
    except (SeedsError, OSError):
        return None
    meta = index_meta(db_path)
    if meta.get("seeds_digest") != digest:
        return "the seed files changed since the index was built"
    if meta.get("extractor") != extractor_version():
        return "the extraction code or lexicon changed since the index was built"
    return None


def article_hashes(db_path: Path) -> dict[str, str]:
    """Article id → content hash of an existing index; empty when there is none or it cannot be read."""
    if not Path(db_path).is_file():
        return {}
    try:
        with read_only(db_path) as con:
            return dict(con.execute("SELECT id, content_hash FROM articles"))
    except sqlite3.Error:
        return {}


def _count(db_path: Path, table: str) -> int:
    with read_only(db_path) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # table is one of ours, not input


def remove_leftovers(db_path: Path, *, ours_too: bool = False) -> list[Path]:
    """Remove the temporary files (`<index>.building-<pid>-<thread>`) of builds whose process is gone, killed
    mid-build; with `ours_too` also those of this process id (at start-up none of ours is running: a previous
    process may have had the same id, as every container's first process has). What was removed."""
    db_path = Path(db_path)
    removed = []
    for temp in db_path.parent.glob(f"{db_path.name}.building-*"):
        pid = temp.name[len(db_path.name) + len(".building-") :].split("-", 1)[0]
        if not pid.isdigit() or (int(pid) == os.getpid() and not ours_too) or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            temp.unlink()
            removed.append(temp)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # asked only with ours_too: not one of this process's builds
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to someone else
        return True
    return True


class FoldMemo:
    """`searchable(text)` of the texts an index makes of several articles, remembered from the last build
    (`ArticleCache.load_folded`); `used` is what this build made or used, what the next one may reuse."""

    def __init__(self, known: dict[str, str] | None = None) -> None:
        self.known = known or {}
        self.used: dict[str, str] = {}

    def searchable(self, text: str) -> str:
        from bot.ingest.cache import text_key

        key = text_key(text)
        folded = self.known.get(key)
        if folded is None:
            folded = searchable(text)
        self.used[key] = folded
        return folded


def write_index(
    facts: Facts, db_path: Path, meta: dict[str, str] | None = None, searchable: dict[str, list[str]] | None = None,
    folds: FoldMemo | None = None,
) -> None:
    """Write `facts` (and `meta`, what they were built from) to a temporary file beside `db_path`, validate it,
    then `os.replace` it over `db_path`. `searchable` (article id → `searchable(text)` of each of its sentences,
    as the pipeline made and cached them) spares folding those sentences again; any sentence it lacks is folded.
    `folds` does the same for an agreement's words (its title, parties and cited sentences).

    Raises BuildError on invalid facts or a failed validation; the temporary file is removed and the old
    index is left as it was.
    """
    db_path = Path(db_path)
    check_replaceable(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # One temporary name per process and thread, so two reloads at once never write the same file.
    temp = db_path.with_name(f"{db_path.name}.building-{os.getpid()}-{threading.get_ident()}")
    temp.unlink(missing_ok=True)
    try:
        rows = _Rows.of(facts, searchable, folds)
        rows.meta = sorted((meta or {}).items())
        _write(rows, temp)
        _validate(temp, rows)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        check_replaceable(db_path)  # something may have appeared there while the index was written
        os.replace(temp, db_path)
    except sqlite3.Error as error:
        temp.unlink(missing_ok=True)
        raise BuildError(f"writing the index failed: {error}") from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@dataclass
class _Rows:
    """Every row of the new index, computed in memory so the write is a handful of executemany calls."""

    articles: list[tuple] = field(default_factory=list)
    article_texts: list[tuple] = field(default_factory=list)
    sentences: list[tuple] = field(default_factory=list)
    fts: list[tuple] = field(default_factory=list)
    entities: list[tuple] = field(default_factory=list)
    aliases: list[tuple] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)
    entity_citations: list[tuple] = field(default_factory=list)
    agreements: list[tuple] = field(default_factory=list)
    agreement_parties: list[tuple] = field(default_factory=list)
    agreement_sectors: list[tuple] = field(default_factory=list)
    agreement_citations: list[tuple] = field(default_factory=list)
    sectors: list[tuple] = field(default_factory=list)
    sector_tags: list[tuple] = field(default_factory=list)
    figures: list[tuple] = field(default_factory=list)
    figure_citations: list[tuple] = field(default_factory=list)
    agreements_fts: list[tuple] = field(default_factory=list)
    person_descriptions: list[tuple] = field(default_factory=list)
    alias_words: list[tuple] = field(default_factory=list)
    lexicon_words: list[tuple] = field(default_factory=list)
    entity_agreements: list[tuple] = field(default_factory=list)
    meta: list[tuple] = field(default_factory=list)

    def add_alias_words(self) -> None:
        """Each word of the folded aliases once, in the order the reader loads the aliases (entity, ord), with
        its "generic" flag (fuzzy /who never takes a typo of a generic word for a name)."""
        words: dict[str, int] = {}
        for _entity, _ord, _alias, folded, _generic, _shown in sorted(self.aliases, key=lambda row: (row[0], row[1])):
            for word in folded.split():
                words.setdefault(word, len(words))
        self.alias_words = [(number, word, int(generic_word(word))) for word, number in words.items()]

    def rank_agreements(self, dates: dict[str, dt.date]) -> None:
        """Each agreement's place in the order answers list them: by status, newest first (the date of the article
        that first reported it), then as first written; so the reader sorts integers at open, not tuples."""
        def order(row: tuple) -> tuple[int, int, int, int]:
            number, status, first, article = row[0], row[4], row[5], row[11]
            reported = dates.get(article) if article is not None else None
            return (STATUS_RANK.get(status, len(STATUS_RANK)), -(reported.toordinal() if reported else 0), first or 0, number)

        place = {row[0]: rank for rank, row in enumerate(sorted(self.agreements, key=order))}
        self.agreements = [(*row, place[row[0]]) for row in self.agreements]

    def add_entity_agreements(self, mentioned: dict[str, set[int]]) -> None:
        """Each entity's agreements: those it is a party to, and those a sentence naming it cites — so that /who
        reads one key range instead of joining every sentence that names, say, a country."""
        cited_by: dict[int, list[int]] = defaultdict(list)
        for number, _ord, sentence in self.agreement_citations:
            cited_by[sentence].append(number)
        pairs = {(entity, number) for number, _ord, _party, _folded, entity in self.agreement_parties if entity}
        for key, sentences in mentioned.items():
            for sentence in sentences:
                pairs.update((key, number) for number in cited_by.get(sentence, ()))
        self.entity_agreements = sorted(pairs)

    @classmethod
    def of(cls, facts: Facts, known: dict[str, list[str]] | None = None, folds: FoldMemo | None = None) -> _Rows:
        rows = cls()
        known = known or {}
        folds = folds or FoldMemo()
        articles = {}
        for article in facts.articles:
            if article.id in articles:
                raise BuildError(f"two articles share the id {article.id!r}")
            articles[article.id] = article

        # Sentence spans: the articles' own, plus any span a citation points at that is not one of them.
        spans: dict[str, dict[tuple[int, int], tuple[int, str, str]]] = {}
        for article in facts.articles:
            own = spans[article.id] = {}
            for sentence in article.sentences:
                if article.text[sentence.start : sentence.end] != sentence.text:
                    raise BuildError(
                        f"{article.file}: sentence {sentence.index} is not the text at {sentence.start}:{sentence.end}"
                    )
                own.setdefault((sentence.start, sentence.end), (sentence.index, sentence.text, sentence.kind, sentence.heading))
        extra_index = defaultdict(lambda: 1_000_000)
        checked: set[int] = set()  # a sentence's Citation is one object, cited by many facts: checked once
        for citation in _all_citations(facts):
            if id(citation) in checked:
                continue
            checked.add(id(citation))
            article = articles.get(citation.article)
            if article is None:
                raise BuildError(f"a citation points at an unknown article {citation.article!r}")
            own = spans[article.id]
            if (citation.start, citation.end) not in own:
                if article.text[citation.start : citation.end] != citation.sentence:
                    raise BuildError(
                        f"{article.file}: cited sentence is not the text at {citation.start}:{citation.end}: "
                        f"{citation.sentence[:60]!r}"
                    )
                extra_index[article.id] += 1
                own[(citation.start, citation.end)] = (extra_index[article.id], citation.sentence, citation.kind, None)

        sentence_id: dict[tuple[str, int, int], int] = {}
        next_id = 0
        for ord_, article in enumerate(facts.articles):
            rows.articles.append(
                [article.id, ord_, article.file, article.outlet, article.date.isoformat(), article.title,
                 article.url, article.content_hash, 0, int(article.title_from == "headline")]
            )
            rows.article_texts.append((article.id, article.text))
        for article in sorted(facts.articles, key=lambda a: (a.date, a.id)):
            by_index: dict[int, int] = {}
            folded = known.get(article.id)
            if folded is not None and len(folded) != len(article.sentences):
                folded = None
            for (start, end), (index, text, kind, heading) in sorted(spans[article.id].items()):
                next_id += 1
                sentence_id[(article.id, start, end)] = next_id
                by_index.setdefault(index, next_id)
                rows.sentences.append((next_id, article.id, index, text, start, end, kind, heading))
                own = folded is not None and index < len(folded) and article.sentences[index].text == text
                rows.fts.append((next_id, folded[index] if own else searchable(text)))
            for number in range(len(rows.sentences) - len(spans[article.id]), len(rows.sentences)):
                row = rows.sentences[number]  # a bullet's heading: from its index in the article to its id
                rows.sentences[number] = (*row[:7], by_index.get(row[7]) if row[7] is not None else None)

        by_object: dict[int, int] = {}  # id(citation) → sentence id; the citations outlive this function

        def sid(citation: Citation) -> int:
            known = by_object.get(id(citation))
            if known is None:
                known = by_object[id(citation)] = sentence_id[(citation.article, citation.start, citation.end)]
            return known

        article_of = {row[0]: row[1] for row in rows.sentences}
        facts_in: dict[str, set[tuple[str, object]]] = defaultdict(set)

        # Entities, merged by key (an extractor slip must not fail the whole build).
        entities: dict[str, dict] = {}
        for kind, items in (("person", facts.people), ("organization", facts.organizations)):
            for item in items:
                entry = entities.get(item.key)
                if entry is None:
                    entry = entities[item.key] = {
                        "kind": kind, "name": item.name, "role": getattr(item, "role", None),
                        "organization": getattr(item, "organization", None),
                        "description": getattr(item, "description", None),
                        "aliases": [], "citations": [],
                    }
                else:
                    log.warning("entity key %r appears twice; merging", item.key)
                for alias in (item.name, *item.aliases):
                    if alias not in entry["aliases"]:
                        entry["aliases"].append(alias)
                entry["citations"].extend(sid(c) for c in item.citations)
                for description in getattr(item, "descriptions", ()):
                    entry.setdefault("descriptions", []).append(description)

        alias_keys: dict[str, set[str]] = defaultdict(set)
        org_alias_keys: dict[str, set[str]] = defaultdict(set)
        for key, entry in entities.items():
            shown = set(shown_aliases(entry["kind"], entry["name"], entry["aliases"]))
            for ord_, alias in enumerate(entry["aliases"]):
                folded = fold(alias)
                if not folded:
                    continue
                generic = all(generic_word(word) for word in folded.split())
                rows.aliases.append((key, ord_, alias, folded, int(generic), int(alias in shown)))
                alias_keys[folded].add(key)
                if entry["kind"] == "organization":
                    org_alias_keys[folded].add(key)
        rows.add_alias_words()
        rows.lexicon_words = [(word, " ".join(sorted(tags))) for word, tags in sorted(vocabulary().word_tags(READ_TAGS).items())]

        mentioned: dict[str, set[int]] = defaultdict(set)
        for key, entry in entities.items():
            mentioned[key].update(entry["citations"])
            for ord_, sentence in enumerate(dict.fromkeys(entry["citations"])):
                rows.entity_citations.append((key, sentence, ord_))
        for mention in facts.mentions:
            if mention.entity in entities:
                mentioned[mention.entity].add(sid(mention.citation))
        for key, sentences in mentioned.items():
            for sentence in sentences:
                rows.mentions.append((key, sentence))
                facts_in[article_of[sentence]].add(("entity", key))

        for key, entry in entities.items():
            described: dict[str, list[str]] = {}
            for description in entry.get("descriptions", ()):
                folded = description_key(description)
                if folded:
                    described.setdefault(folded, []).append(description)
            for folded, written in described.items():
                rows.person_descriptions.append((key, folded, written[0], len(written)))

        for ord_, (key, entry) in enumerate(entities.items()):
            org_key = _resolve(entry["organization"], org_alias_keys) if entry["organization"] else None
            rows.entities.append(
                (key, ord_, entry["kind"], entry["name"], entry["role"], entry["organization"], org_key,
                 entry["description"], len(mentioned.get(key, ())))
            )

        folded_party: dict[str, tuple[str, str | None]] = {}  # parties repeat: fold and resolve each once
        for number, agreement in enumerate(facts.agreements, start=1):
            cited = list(dict.fromkeys(sid(c) for c in agreement.citations))
            words = [agreement.title, *agreement.parties, *(c.sentence for c in agreement.citations)]
            rows.agreements_fts.append((number, folds.searchable(" \n".join(words))))
            for ord_, party in enumerate(agreement.parties):
                if party not in folded_party:
                    folded_party[party] = (fold(party), _resolve(party, alias_keys))
                rows.agreement_parties.append((number, ord_, party, *folded_party[party]))
            sector_keys = list(dict.fromkeys(agreement.sectors))
            rows.agreements.append(
                (number, agreement.key, agreement.title, agreement.type, agreement.status, min(cited, default=None),
                 UNIT_SEPARATOR.join(agreement.parties),
                 " | ".join(folded_party[party][0] for party in agreement.parties),
                 UNIT_SEPARATOR.join(sector_keys), len(cited), len({article_of[s] for s in cited}),
                 article_of[min(cited)] if cited else None)
            )
            for ord_, sector in enumerate(sector_keys):
                rows.agreement_sectors.append((number, ord_, sector))
            for ord_, sentence in enumerate(cited):
                rows.agreement_citations.append((number, ord_, sentence))
                facts_in[article_of[sentence]].add(("agreement", number))
        rows.add_entity_agreements(mentioned)
        rows.rank_agreements({article.id: article.date for article in facts.articles})

        for number, figure in enumerate(facts.figures, start=1):
            cited_figure = list(dict.fromkeys(sid(c) for c in figure.citations))
            rows.figures.append((number, figure.value, figure.unit, figure.about, UNIT_SEPARATOR.join(figure.variants),
                                 cited_figure[0] if cited_figure else None, len(cited_figure),
                                 len({article_of[s] for s in cited_figure})))
            for ord_, sentence in enumerate(cited_figure):
                rows.figure_citations.append((number, ord_, sentence))
                facts_in[article_of[sentence]].add(("figure", number))

        # Sector tags: direct ones, then each ancestor's derived ones.
        sectors = taxonomy().sectors
        tags: dict[tuple[str, int], int] = {}
        extra_sectors: list[str] = []
        for hit in facts.sector_hits:
            sentence = sid(hit.citation)
            tags[(hit.sector, sentence)] = 1
            facts_in[article_of[sentence]].add(("sector", sentence))
            if hit.sector not in sectors and hit.sector not in extra_sectors:
                extra_sectors.append(hit.sector)
            parent = sectors[hit.sector].parent if hit.sector in sectors else None
            while parent:
                tags.setdefault((parent, sentence), 0)
                parent = sectors[parent].parent if parent in sectors else None
        rows.sector_tags = [(sector, sentence, direct) for (sector, sentence), direct in tags.items()]
        counts: dict[str, int] = defaultdict(int)
        for sector, _sentence in tags:
            counts[sector] += 1
        for agreement_sector in {row[2] for row in rows.agreement_sectors}:
            if agreement_sector not in sectors and agreement_sector not in extra_sectors:
                extra_sectors.append(agreement_sector)
        for ord_, sector in enumerate(sectors.values()):
            rows.sectors.append((sector.key, ord_, sector.name, sector.parent, counts[sector.key]))
        for ord_, key in enumerate(extra_sectors, start=len(sectors)):
            rows.sectors.append((key, ord_, key, None, counts[key]))

        for row in rows.articles:
            row[8] = len(facts_in[row[0]])
        rows.articles = [tuple(row) for row in rows.articles]
        return rows


def searchable(text: str) -> str:
    """What FTS indexes for a text: its folded words, the spellings of one name as one more word
    (`bot.text.searchable`) — the same words queries are made of."""
    return _searchable(text)


def description_key(description: str) -> str:
    """How a description is looked up: folded, without its article (`The Party chief` → `party chief`)."""
    words = fold(description).split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def _all_citations(facts: Facts) -> Iterable[Citation]:
    for group in (facts.people, facts.organizations, facts.agreements, facts.figures):
        for item in group:
            yield from item.citations
    for hit in facts.sector_hits:
        yield hit.citation
    for mention in facts.mentions:
        yield mention.citation


@lru_cache(maxsize=1)
def _family_names() -> dict[str, frozenset[str]]:
    """Folded family names by naming tradition (name_parts.json)."""
    from bot.ingest.lexicon import load

    return {
        culture: frozenset(fold(name) for name in names)
        for culture, names in load("name_parts.json")["family_names"].items()
    }


def shown_aliases(kind: str, name: str, aliases: Sequence[str]) -> list[str]:
    """The aliases a page lists under "Also written": not a lone given name (`Pavel` of Pavel Orlov,
    `Wei` of Li Wei; the Vietnamese `Hùng` of Trần Hùng is how Vietnamese news refers to him, and stays) nor
    a lone patronymic (`Ivanovich`). They still find the entity; they only do not describe it."""
    if kind != "person":
        return list(aliases)
    name_words = fold(name).split()
    if len(name_words) < 2:
        return list(aliases)
    families = _family_names()
    first = name_words[0]
    vietnamese = first in families.get("vietnamese", frozenset())
    family_first = not vietnamese and any(first in names for culture, names in families.items() if culture != "vietnamese")
    given = set(name_words[1:] if family_first else name_words[:-1])
    endings = tuple(lexicon().patronymic_endings)
    surnames = {  # words other spellings of the name end with: a surname, whatever its place in the name
        fold(alias).split()[-1]
        for alias in aliases
        if len(fold(alias).split()) > 1 and fold(alias) != fold(name) and not fold(alias).endswith(endings)
    }
    shown = []
    for alias in aliases:
        words = fold(alias).split()
        if words and len(words) < len(name_words) and words[-1] not in surnames:
            if len(words) == 1 and words[0].endswith(endings) and words[0] != name_words[-1]:
                continue  # a patronymic alone
            if not vietnamese and set(words) <= given:
                continue  # given names alone
        shown.append(alias)
    return shown


@lru_cache(maxsize=8192)
def generic_word(word: str) -> bool:
    """A folded word that names no one on its own: a title, an organisation head noun, a country or demonym, a
    function word (`president`, `board`, `russian`, `the`). Stored per alias and alias word at build time; the
    reader asks it only of query words no alias holds."""
    vocab = vocabulary()
    return any(vocab.generic(form) for form in (word, word.capitalize(), word.upper()))


def _resolve(text: str, alias_keys: dict[str, set[str]]) -> str | None:
    """The one entity whose alias is `text`, or the longest run of its words (`Russia's Andes Power` → Andes Power)."""
    words = fold(text).split()
    for size in range(len(words), 0, -1):
        for first in range(len(words) - size + 1):
            phrase = " ".join(words[first : first + size])
            if len(phrase) < 3:
                continue
            keys = alias_keys.get(phrase)
            if keys and len(keys) == 1:
                return next(iter(keys))
    return None


_INSERTS = {
    "articles": "INSERT INTO articles (id, ord, file, outlet, date, title, url, content_hash, facts, headline) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "article_texts": "INSERT INTO article_texts (article, text) VALUES (?, ?)",
    "sentences": 'INSERT INTO sentences (id, article, idx, text, start, "end", kind, heading) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    "fts": "INSERT INTO sentences_fts (rowid, text) VALUES (?, ?)",
    "entities": "INSERT INTO entities (key, ord, kind, name, role, organization, org_key, description, mentions) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "aliases": "INSERT INTO aliases (entity, ord, alias, folded, generic, shown) VALUES (?, ?, ?, ?, ?, ?)",
    "mentions": "INSERT OR IGNORE INTO mentions (entity, sentence) VALUES (?, ?)",
    "entity_citations": "INSERT INTO entity_citations (entity, sentence, ord) VALUES (?, ?, ?)",
    "agreements": "INSERT INTO agreements (id, key, title, type, status, first_sentence, parties, parties_folded, sectors, "
    "sources, articles, first_article, rank) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "agreement_parties": "INSERT INTO agreement_parties (agreement, ord, party, folded, entity) VALUES (?, ?, ?, ?, ?)",
    "agreement_sectors": "INSERT INTO agreement_sectors (agreement, ord, sector) VALUES (?, ?, ?)",
    "agreement_citations": "INSERT INTO agreement_citations (agreement, ord, sentence) VALUES (?, ?, ?)",
    "sectors": "INSERT INTO sectors (key, ord, name, parent, count) VALUES (?, ?, ?, ?, ?)",
    "sector_tags": "INSERT INTO sector_tags (sector, sentence, direct) VALUES (?, ?, ?)",
    "figures": "INSERT INTO figures (id, value, unit, about, variants, first_sentence, sources, articles) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "figure_citations": "INSERT INTO figure_citations (figure, ord, sentence) VALUES (?, ?, ?)",
    "agreements_fts": "INSERT INTO agreements_fts (rowid, text) VALUES (?, ?)",
    "person_descriptions": "INSERT INTO person_descriptions (entity, folded, description, mentions) VALUES (?, ?, ?, ?)",
    "alias_words": "INSERT INTO alias_words (id, word, generic) VALUES (?, ?, ?)",
    "lexicon_words": "INSERT INTO lexicon_words (word, tags) VALUES (?, ?)",
    "entity_agreements": "INSERT INTO entity_agreements (entity, agreement) VALUES (?, ?)",
    "meta": "INSERT INTO meta (key, value) VALUES (?, ?)",
}


def schema_parts() -> tuple[str, list[str]]:
    """The schema as (the tables, each index's statement): an index made after its table is filled is made by
    one sort, where one made before is updated by each insert, in no order."""
    tables, indexes, statement = [], [], ""
    for line in schema_sql().splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            code = "".join(part for part in statement.splitlines(keepends=True) if not part.lstrip().startswith("--"))
            (indexes if code.lstrip().upper().startswith("CREATE INDEX") else tables).append(statement)
            statement = ""
    return "".join(tables) + statement, indexes


def _write(rows: _Rows, path: Path) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    try:
        # A half-written temporary file is thrown away, so it needs neither a journal nor syncs until the end.
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA cache_size = -65536")
        tables, indexes = schema_parts()
        con.executescript(tables)
        con.execute("BEGIN")
        for table, sql in _INSERTS.items():
            con.executemany(sql, getattr(rows, table))
        for statement in indexes:
            con.execute(statement)
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        con.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
        con.execute("COMMIT")
        con.execute("INSERT INTO sentences_fts (sentences_fts) VALUES ('optimize')")
        con.execute("INSERT INTO agreements_fts (agreements_fts) VALUES ('optimize')")
    finally:
        con.close()


def _validate(path: Path, rows: _Rows) -> None:
    with read_only(path) as con:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise BuildError("the new index does not carry citebot's application_id")
        if version != SCHEMA_VERSION:
            raise BuildError(f"the new index has schema version {version}, expected {SCHEMA_VERSION}")
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        sentences = con.execute("SELECT count(*) FROM sentences").fetchone()[0]
        if articles == 0 or sentences == 0:
            raise BuildError(f"the new index is empty ({articles} articles, {sentences} sentences)")
        if (articles, sentences) != (len(rows.articles), len(rows.sentences)):
            raise BuildError("the new index lost rows while writing")
        # Offsets were checked against each article's text in memory; spot-check what landed on disk too.
        bad = con.execute(
            'SELECT s.id FROM sentences s JOIN article_texts a ON a.article = s.article '
            'WHERE s.id IN (SELECT min(id) FROM sentences GROUP BY article) '
            'AND substr(a.text, s.start + 1, s."end" - s.start) != s.text LIMIT 1'
        ).fetchone()
        if bad:
            raise BuildError(f"sentence {bad[0]} of the new index is not the text at its offsets")
        result = con.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BuildError(f"the new index failed its integrity check: {result}")
