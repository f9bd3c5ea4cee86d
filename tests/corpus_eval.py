"""Score the extractor against a gold annotation, the way the project's evaluation does: through the index's
export and the bot's answers (in-process, through the real Application and the offline transport).

    python -m tests.corpus_eval tests/data/dev/articles tests/data/dev/gold.json [--queries] [--verbose]

Measures (fractions): outlet_ok, people_recall, people_precision, people_role_ok, org_recall, org_precision,
agreements_recall, agreements_precision, sector_recall, query_recall, empty_correct; and
citations_not_verbatim (a count). The matching rules (folded substrings, 4-letter stems of role words) are
those of the evaluation, so a threshold here means the same as a figure in an issue.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import re
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("đ", "d").replace("Đ", "D")
    s = re.sub(r"[\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb\"']", "", s)
    s = re.sub(r"[\u2010-\u2015\-]", " ", s)
    return re.sub(r"\s+", " ", s).strip().casefold()


def strip_html(s: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", s or ""))


MORE = re.compile(r"(more|next|›|»|▶|→|⏩|page \d)", re.I)
OUTLET_STOP = {"the", "group", "copy", "news", "agency", "and", "com"}
ROLE_STOP = {"of", "the", "and", "a", "an", "in", "to", "for", "on", "at", "s"}


@dataclass
class Score:
    results: dict[str, float] = field(default_factory=dict)
    details: dict[str, list[Any]] = field(default_factory=dict)

    def line(self) -> str:
        return " ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in self.results.items())


def build(articles: Path, db: Path) -> dict[str, Any]:
    from bot.cli import export_document
    from bot.index.build import build_index

    build_index(articles, db)
    return export_document(db)


def score_export(ex: dict[str, Any], gold: dict[str, Any], raw: dict[str, str]) -> Score:
    score = Score()
    res, det = score.results, score.details
    corpus_folded = fold(" ".join(raw.values()))
    cits: list[str] = []

    def walk(o: Any) -> None:
        if isinstance(o, dict):
            if isinstance(o.get("sentence"), str):
                cits.append(o["sentence"])
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(ex)
    res["citations_not_verbatim"] = sum(1 for c in cits if fold(c) not in corpus_folded)
    got_outlet = {a.get("file"): fold(str(a.get("outlet") or "")) for a in ex.get("articles") or []}
    ga = gold.get("articles", [])
    ok = [g["file"] for g in ga if g.get("outlet") and got_outlet.get(g["file"])
          and fold(Path(g["file"]).stem) != got_outlet[g["file"]]
          and ({w for w in re.findall(r"\w+", fold(g["outlet"])) if len(w) > 2} - OUTLET_STOP) & set(re.findall(r"\w+", got_outlet[g["file"]]))]
    if ga:
        res["outlet_ok"] = len(ok) / len(ga)
        det["outlets_wrong"] = [(g["file"], got_outlet.get(g["file"])) for g in ga if g["file"] not in ok]

    def names(lst: Any) -> list[str]:
        return [fold(" | ".join([str(it.get("name") or it.get("title") or "")] + [str(x) for x in (it.get("aliases") or [])]))
                for it in lst or [] if isinstance(it, dict)]

    pn = names(ex.get("people"))
    on = names(ex.get("organizations")) + pn

    def hit(gname: str, galiases: list[str] | None, pool: list[str]) -> bool:
        keys = [fold(gname)] + [fold(x) for x in galiases or []]
        return any(any(k and k in cand for k in keys) for cand in pool)

    gp = gold.get("people", [])
    ph = [g["name"] for g in gp if hit(g["name"], g.get("aliases"), pn)]
    res["people_recall"] = len(ph) / max(1, len(gp))
    gkeys = [k for g in gp for k in [fold(g["name"])] + [fold(x) for x in g.get("aliases") or [] if len(x) >= 4]]
    extra = [c.split(" | ")[0] for c in pn if not any(k in c or c.split(" | ")[0] in k for k in gkeys)]
    res["people_precision"] = (len(pn) - len(extra)) / max(1, len(pn))
    det["people_missing"] = [g["name"] for g in gp if g["name"] not in ph]
    det["people_extra"] = extra
    ok_role = 0
    misses = []
    for g in gp:
        for it in ex.get("people") or []:
            cand = fold(" | ".join([str(it.get("name", ""))] + [str(x) for x in it.get("aliases") or []]))
            if fold(g["name"]) in cand or any(fold(x) in cand for x in g.get("aliases") or [] if len(x) > 4):
                r = fold(str(it.get("role") or "")) + " " + fold(str(it.get("organization") or ""))
                have = {w[:4] for w in re.findall(r"\w+", r)}
                role = re.sub(r"\(.*?\)", " ", g.get("role") or "")
                want = {w[:4] for w in re.findall(r"\w+", fold(role)) if w not in ROLE_STOP and len(w) > 1}
                if want <= have:
                    ok_role += 1
                elif want:
                    misses.append(f"{g['name']} [{str(g.get('file') or g.get('files'))[:5]}]: want {g.get('role')!r}, got {it.get('role')!r} / {it.get('organization')!r}")
                break
    res["people_role_ok"] = ok_role / max(1, len(gp))
    det["role_misses"] = misses
    go = gold.get("organizations", [])
    oh = [g["name"] for g in go if hit(g["name"], g.get("aliases"), on)]
    res["org_recall"] = len(oh) / max(1, len(go))
    okeys = [k for g in go for k in [fold(g["name"])] + [fold(x) for x in g.get("aliases") or [] if len(x) >= 3]]
    on_only = names(ex.get("organizations"))
    oextra = [c.split(" | ")[0] for c in on_only if not any(k in c or c.split(" | ")[0] in k for k in okeys)]
    res["org_precision"] = (len(on_only) - len(oextra)) / max(1, len(on_only))
    det["orgs_missing"] = [f"{g['name']} [{str(g.get('file') or g.get('files'))[:5]}]" for g in go if g["name"] not in oh]
    det["orgs_extra"] = oextra
    gag = [g for g in gold.get("agreements", []) if not g.get("optional")]
    ea = ex.get("agreements") or []
    eat = [fold(json.dumps(x, ensure_ascii=False)) for x in ea]
    found = [g for g in gag if any(fold(g["evidence"])[:60][:40] in t for t in eat)]
    res["agreements_recall"] = len(found) / max(1, len(gag))
    det["agreements_missing"] = [f"[{str(g.get('file') or g.get('files'))[:5]}] {g['evidence'][:90]}" for g in gag if g not in found]
    gev = [fold(g["evidence"]) for g in gold.get("agreements", [])]

    def ex_ok(x: dict[str, Any]) -> bool:
        cs = [fold(c.get("sentence", "")) for c in x.get("citations") or []]
        t = fold(str(x.get("title", "")))
        return any(t and (t[:30] in e or e[:30] in t) for e in gev) or any(any(e[:40] in c or c[:40] in e for e in gev) for c in cs)

    res["agreements_precision"] = sum(1 for x in ea if ex_ok(x)) / max(1, len(ea))
    det["agreements_extra"] = [f"{x['title'][:80]} ({x['status']})" for x in ea if not ex_ok(x)]
    gs = gold.get("sectors", {})
    es = ex.get("sectors") or {}
    tot = hitn = 0
    sector_misses = []
    for sname, items in gs.items():
        pool = " ".join(fold(json.dumps(v, ensure_ascii=False)) for k, v in es.items()
                        if any(w in fold(k).replace("_", " ") for w in fold(sname).replace("_", " ").replace(" and ", " ").split() if len(w) > 2)
                        or fold(k) in fold(sname))
        for it in items:
            tot += 1
            if fold(it["evidence"])[:50] in pool:
                hitn += 1
            else:
                sector_misses.append(f"{sname} [{str(it.get('file'))[:3]}]: {it['evidence'][:70]}")
    res["sector_recall"] = hitn / max(1, tot)
    det["sector_misses"] = sector_misses
    return score


async def _ask(articles: Path, db: Path, lines: list[tuple[int, str]], pages: int) -> dict[int, tuple[list[str], list[str]]]:
    """Send each command, then press the 'more' button up to `pages - 1` times; the texts and the quotes shown."""
    from bot.chat.app import build_application
    from bot.chat.offline import Conversation, OfflineRequest, running
    from bot.config import Settings

    settings = Settings(_env_file=None, bot_token=None, seeds_dir=articles, db_path=db)
    request = OfflineRequest()
    app = build_application(settings, request)
    shown: dict[int, tuple[list[str], list[str]]] = {}
    async with running(app):
        for n, (qid, command) in enumerate(lines):
            conversation = Conversation(app, request, user_id=5000 + n)
            texts: list[str] = []
            quotes: list[str] = []
            calls = await conversation.send(command)
            for _ in range(pages):
                replies = [c for c in calls if c.text is not None and c.method != "answerCallbackQuery"]
                for reply in replies:
                    texts.append(strip_html(reply.text or ""))
                    quotes += [strip_html(m) for m in re.findall(r"<blockquote[^>]*>(.*?)</blockquote>", reply.text or "", re.S)]
                more = [b for r in replies for b in r.buttons() if MORE.search(b.get("text", "")) and "callback_data" in b]
                if not more:
                    break
                calls = await conversation.press_data(more[-1]["callback_data"])
            shown[qid] = (texts, quotes)
    return shown


def score_queries(articles: Path, gold: dict[str, Any], raw: dict[str, str], work: Path, pages: int = 4) -> Score:
    from bot.index.build import build_index

    score = Score()
    qs = gold.get("queries", [])
    groups: dict[str, list[int]] = {}
    for i, q in enumerate(qs):
        f = q.get("file")
        key = f if (q.get("scope") == "this file only" and isinstance(f, str)) else "*"
        groups.setdefault(key, []).append(i)
    shown: dict[int, tuple[list[str], list[str]]] = {}
    for key, members in groups.items():
        if key == "*":
            seeds, db = articles, work / "all.sqlite3"
        else:
            seeds = work / f"one-{len(shown)}"
            seeds.mkdir()
            (seeds / key).write_text(raw[key], encoding="utf-8")
            db = work / f"one-{len(shown)}.sqlite3"
        if not db.exists():
            build_index(seeds, db)
        shown.update(asyncio.run(_ask(seeds, db, [(i, qs[i]["command"]) for i in members], pages)))
    words = fold(" ".join(raw.values())).split()
    any_quotes = any(q for _, q in shown.values())
    recall_n = recall_d = empty_ok = empty_n = 0
    fails = []
    for i, q in enumerate(qs):
        texts, quotes = shown.get(i, ([], []))
        body = fold(" \n ".join(texts))
        if q.get("expect_empty"):
            empty_n += 1
            qbody = fold(" \n ".join(quotes)) if any_quotes else body
            leak = any(" ".join(words[j : j + 8]) in qbody for j in range(0, max(0, len(words) - 8), 3))
            empty_ok += not leak
            if leak:
                fails.append(f"{q['command']}: answered from the corpus where nothing should be found")
            continue
        mm = q.get("must_mention", [])
        got = [m for m in mm if fold(m) in body]
        recall_n += len(got)
        recall_d += len(mm)
        if len(got) < len(mm):
            where = "" if not q.get("scope") else f" [{str(q.get('file'))[:3]}]"
            fails.append(f"{q['command']}{where}: missing {', '.join(m for m in mm if m not in got)}")
    score.results["query_recall"] = recall_n / max(1, recall_d)
    score.results["empty_correct"] = empty_ok / max(1, empty_n)
    score.details["query_fails"] = fails
    return score


def evaluate(articles: Path, gold_path: Path, queries: bool = True) -> Score:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    raw = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in sorted(articles.glob("*.txt"))}
    work = Path(tempfile.mkdtemp(prefix="citebot-eval-"))
    try:
        score = score_export(build(articles, work / "all.sqlite3"), gold, raw)
        if queries:
            q = score_queries(articles, gold, raw, work)
            score.results.update(q.results)
            score.details.update(q.details)
        return score
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("articles", type=Path)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)
    score = evaluate(args.articles, args.gold, args.queries)
    if args.verbose:
        for key, values in score.details.items():
            print(f"--- {key} ({len(values)})")
            for value in values:
                print("   ", value)
    print("score:", score.line())


if __name__ == "__main__":
    main()
