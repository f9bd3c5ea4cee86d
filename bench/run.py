"""How citebot's cost grows with the corpus, against the simplest alternatives, measured side by side.

    .venv/bin/python -m bench.run                 # 100, 1,000 and 10,000 articles (the 10,000 takes minutes)
    .venv/bin/python -m bench.run --quick         # 100 and 1,000
    .venv/bin/python -m bench.run --sizes 1000 --profile

At each size, on one generated corpus (bench/corpus.py): ingest to a finished index; in-process query + render
latency for /who, /sector, /agreements, /search; updates per second through the full Application with the
offline transport; start-up and peak RSS of a serving process (`citebot console` in a subprocess); queries
answered while /reload rebuilds the index. Baselines on the same database: the bare FTS5 MATCH (the floor
under /search) and a naive script (all sentences in a list, rapidfuzz for /who, substring scan for /sector).
Prints a table and writes bench/results.json. Benchmarks print figures; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import datetime as dt
import gc
import io
import json
import math
import os
import platform
import pstats
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.corpus import SEED, article_file, generate

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
SECTORS_JSON = ROOT / "bot" / "ingest" / "lexicon" / "sectors.json"
COMMANDS = ("who", "sector", "agreements", "search")
ADMIN_ID = 4242
NAIVE_BUDGET_S = 15.0  # per naive baseline and size: the naive scans are slow by nature; p99 over what fits
PHASE_BUDGET_S = 60.0  # per command, for updates and for the serving process: slow code still gives figures
MIN_SAMPLES = 30

# the targets at 10,000 articles (issue 11)
TARGETS = {
    "ingest_articles_per_s": ("≥", 200.0),
    "reload_incremental_s": ("≤", 5.0),
    "reload_serving_rss_mb": ("≤", 200.0),
    "reload_p99_over_idle": ("≤", 2.0),
    "p99_ms": ("≤", 10.0),
    "search_over_floor": ("≤", 1.2),
    "updates_per_s": ("≥", 500.0),
    "startup_s": ("≤", 0.5),
}
RSS_EVERY = 0.2  # seconds between samples of a build's memory

now_ns = time.perf_counter_ns


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(samples_ns: list[int], p: float) -> float:
    """The p-th percentile in milliseconds (nearest rank)."""
    if not samples_ns:
        return float("nan")
    ordered = sorted(samples_ns)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1] / 1e6


# ---------------------------------------------------------------- queries: hits, near misses, misses

_MISS_FIRST = "Bartholomew Ignatius Percival Thaddeus Evangeline Octavia Cornelius Lysander Wilhelmina Barnaby".split()
_MISS_LAST = "Quibbleworth Fenwickstone Ambrosetti Vanderpluym Okwuosa-Brandt Gundersholm Marchbanks Threlkeld".split()
_MISS_WORDS = ("quantum annealing", "basket weaving", "real estate", "cryptocurrency mining", "opera", "fashion week",
               "chess", "lottery", "volcano", "origami")


def typo(rng: random.Random, text: str) -> str:
    """One edit a hurried user makes: a letter dropped, doubled, swapped or replaced (never the first)."""
    letters = [i for i, c in enumerate(text) if c.isalpha() and i > 0]
    if not letters:
        return text + "x"
    i = rng.choice(letters)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + rng.choice("aeiourstnl") + text[i + 1:]


def _strip_marks(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def load_sectors() -> dict[str, Any]:
    return json.loads(SECTORS_JSON.read_text(encoding="utf-8"))["sectors"]


def make_queries(db: Path, n: int, seed: int) -> dict[str, list[str | None]]:
    """`n` queries per command from the built index: about half hits, a quarter near misses, a quarter misses."""
    rng = random.Random(f"{seed}:queries")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        entities = [(name, kind) for name, kind in con.execute("SELECT name, kind FROM entities ORDER BY ord")]
        aliases = [row[0] for row in con.execute("SELECT alias FROM aliases ORDER BY entity, alias")]
        sentence_count = con.execute("SELECT count(*) FROM sentences").fetchone()[0]
        sample_ids = sorted(rng.sample(range(1, sentence_count + 1), k=min(3000, sentence_count)))
        sentences = [row[0] for row in con.execute(
            f"SELECT text FROM sentences WHERE id IN ({','.join(map(str, sample_ids))})")]
    people = [name for name, kind in entities if kind == "person"] or ["Nobody"]
    orgs = [name for name, kind in entities if kind == "organization"] or ["Nothing"]
    aliases = aliases or people
    words = [w for s in sentences for w in re.findall(r"[A-Za-zÀ-ɏ]{4,}", s)]
    pairs = [m.group(1) + " " + m.group(2) for s in sentences for m in re.finditer(r"\b([a-z]{3,}) ([a-z]{3,})\b", s)]
    sectors = load_sectors()
    sector_words = [k for k in sectors] + [v["name"] for v in sectors.values()] + [
        syn for v in sectors.values() for syn in v.get("synonyms", [])]
    countries = ["Russia", "Vietnam", "India", "Germany", "Brazil", "Japan", "Kenya", "Norway", "Turkey", "Egypt"]

    def mix(hit, near, miss) -> list[str | None]:
        out: list[str | None] = []
        for i in range(n):
            r = (i * 7919 % 100) / 100
            out.append(hit() if r < 0.5 else near() if r < 0.75 else miss())
        rng.shuffle(out)
        return out

    def a_name() -> str:
        name = rng.choice(people if rng.random() < 0.7 else orgs)
        return rng.choice((name, name, name.lower(), _strip_marks(name), rng.choice(aliases)))

    def miss_name() -> str:
        return f"{rng.choice(_MISS_FIRST)} {rng.choice(_MISS_LAST)}"

    return {
        "who": mix(a_name, lambda: typo(rng, rng.choice(people + orgs)), miss_name),
        "sector": mix(lambda: rng.choice(sector_words) if rng.random() < 0.9 else None,
                      lambda: typo(rng, rng.choice([v["name"] for v in sectors.values()])),
                      lambda: rng.choice(_MISS_WORDS)),
        "agreements": mix(lambda: rng.choice((None, rng.choice(sector_words), rng.choice(countries), rng.choice(orgs),
                                              rng.choice(("roadmap", "memorandum", "declaration", "nuclear power plant")))),
                          lambda: typo(rng, rng.choice(countries + [v["name"] for v in sectors.values()])),
                          lambda: rng.choice(_MISS_WORDS)),
        "search": mix(lambda: rng.choice(pairs) if pairs and rng.random() < 0.4 else rng.choice(words).lower(),
                      lambda: typo(rng, rng.choice(words)),
                      lambda: rng.choice(_MISS_WORDS) + " " + rng.choice(_MISS_LAST)),
    }


# ---------------------------------------------------------------- in process: query + render


async def answer_and_render(index: Any, command: str, query: str | None) -> Any:
    """What the handler does between the parsed command and `reply_text`: query, then render to HTML pages."""
    from bot.chat import callbacks, handlers, render, views

    if command == "who":
        return await handlers.who_by_name(index, query or "")
    if command == "sector":
        return render.sector(await index.sector(query or None), index.sector_names())
    if command == "agreements":  # as handlers.agreements: the filter fitted to the callback data, headed "25 of N"
        return await views.screen(index, "a", callbacks.fit_arg("a", query or ""))
    return await views.screen(index, "q", callbacks.fit_arg("q", query or ""))  # as handlers._search


async def measure_queries(db: Path, queries: dict[str, list[str | None]]) -> dict[str, Any]:
    """Each command's queries in turn. For /search, the bare FTS5 query (the floor) runs right before each one,
    so that whatever else the machine is doing weighs on both alike."""
    from bot.index.query import Index, _match_expression

    floor_sql = "SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ? ORDER BY rank LIMIT 51"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    index = await Index.open(db)
    try:
        for command in COMMANDS:  # warm caches and code paths; not counted
            for query in queries[command][:10]:
                await answer_and_render(index, command, query)
        latencies: dict[str, list[int]] = {}
        floor: list[int] = []
        statuses: Counter[str] = Counter()
        for command in COMMANDS:
            samples = []
            budget_end = time.perf_counter() + PHASE_BUDGET_S
            for query in queries[command]:
                if command == "search" and (expression := _match_expression(query or "")):
                    started = now_ns()
                    con.execute(floor_sql, (expression,)).fetchall()
                    floor.append(now_ns() - started)
                started = now_ns()
                screen = await answer_and_render(index, command, query)
                samples.append(now_ns() - started)
                assert screen.pages, (command, query)
                if time.perf_counter() > budget_end and len(samples) >= MIN_SAMPLES:
                    break
            latencies[command] = samples
        for query in queries["who"][: len(latencies["who"])]:
            statuses[(await index.who(query or "")).status] += 1
    finally:
        await index.close()
        con.close()
    return {
        "p50_ms": {c: round(percentile(latencies[c], 50), 3) for c in COMMANDS},
        "p99_ms": {c: round(percentile(latencies[c], 99), 3) for c in COMMANDS},
        "max_ms": {c: round(max(latencies[c]) / 1e6, 3) for c in COMMANDS},
        "fts5_floor_p50_ms": round(percentile(floor, 50), 3),
        "fts5_floor_p99_ms": round(percentile(floor, 99), 3),
        "queries_per_command": len(queries["who"]),
        "queries_measured": {c: len(latencies[c]) for c in COMMANDS},
        "who_statuses": dict(statuses),
    }


# ---------------------------------------------------------------- baselines on the same database


def naive_baselines(db: Path, queries: dict[str, list[str | None]]) -> dict[str, Any]:
    """What a quick script would do: every sentence in a list; rapidfuzz over all of them for a name,
    a substring scan for a sector's words. Run for at most NAIVE_BUDGET_S per baseline."""
    from rapidfuzz import fuzz, process

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        sentences = [row[0] for row in con.execute("SELECT text FROM sentences")]
    lowered = [s.lower() for s in sentences]
    sectors = load_sectors()
    children: dict[str, list[str]] = {}
    for key, value in sectors.items():
        if value.get("parent"):
            children.setdefault(value["parent"], []).append(key)
    by_name = {}
    for key, value in sectors.items():
        for name in [key, value["name"], *value.get("synonyms", [])]:
            by_name.setdefault(name.lower(), key)

    def naive_who(name: str) -> list:
        return process.extract(name, sentences, scorer=fuzz.partial_ratio, limit=20, score_cutoff=85)

    def naive_sector(name: str | None) -> list[str]:
        key = by_name.get((name or "").lower())
        if key is None:
            return []
        terms = [t.lower() for k in [key, *children.get(key, [])] for t in sectors[k]["terms"]]
        return [s for s, low in zip(sentences, lowered) if any(t in low for t in terms)]

    out: dict[str, Any] = {"naive_sentences": len(sentences)}
    for label, function, items in (("who", naive_who, queries["who"]), ("sector", naive_sector, queries["sector"])):
        samples = []
        budget_end = time.perf_counter() + NAIVE_BUDGET_S
        for query in items:
            started = now_ns()
            function(query or "")
            samples.append(now_ns() - started)
            if time.perf_counter() > budget_end and len(samples) >= 10:
                break
        out[f"naive_{label}_p50_ms"] = round(percentile(samples, 50), 3)
        out[f"naive_{label}_p99_ms"] = round(percentile(samples, 99), 3)
        out[f"naive_{label}_queries"] = len(samples)
    return out


# ---------------------------------------------------------------- through the Application (offline transport)


def _settings(db: Path, seeds: Path) -> Any:
    from bot.config import Settings

    return Settings(_env_file=None, bot_token=None, db_path=db, seeds_dir=seeds, admin_ids=frozenset({ADMIN_ID}),
                    log_level="WARNING")


def command_lines(queries: dict[str, list[str | None]]) -> list[str]:
    """The query mix as messages a user sends: commands, and plain text (a search in a private chat)."""
    lines = []
    for i in range(len(queries["who"])):
        for command in COMMANDS:
            query = queries[command][i]
            lines.append(f"/{command} {query}" if query else f"/{command}")
        if i % 4 == 0 and queries["search"][i]:
            lines.append(str(queries["search"][i]))
    return lines


async def _send(conversation: Any, request: Any, text: str) -> list[Any]:
    calls = await conversation.send(text)
    conversation.history.clear()
    request.forget({c.update_id for c in calls})  # keep calls_for O(recent)
    return calls


def _failed(calls: list[Any]) -> bool:
    replies = [c for c in calls if c.method in ("sendMessage", "editMessageText")]
    return not replies or any("something went wrong" in (c.text or "") for c in replies)


async def measure_updates(db: Path, seeds: Path, lines: list[str]) -> dict[str, Any]:
    from bot.chat.app import build_application
    from bot.chat.offline import Conversation, OfflineRequest, running

    request = OfflineRequest()
    app = build_application(_settings(db, seeds), request)
    async with running(app):
        conversation = Conversation(app, request)
        for line in lines[:20]:
            await _send(conversation, request, line)
        failed = 0
        done = 0
        started = now_ns()
        budget_end = time.perf_counter() + 2 * PHASE_BUDGET_S
        for line in lines:
            failed += _failed(await _send(conversation, request, line))
            done += 1
            if time.perf_counter() > budget_end and done >= MIN_SAMPLES:
                break
        elapsed = (now_ns() - started) / 1e9
    return {"updates_per_s": round(done / elapsed, 1), "updates": done, "updates_failed": failed}


def group_rss_mb(pgid: int) -> float:
    """The resident memory of every process of a process group (a build and its workers), in MB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total / 2**20


class PeakSampler:
    """Samples a process group's memory every RSS_EVERY seconds in a thread; `peak` is the largest sum seen."""

    def __init__(self) -> None:
        import threading

        self.pgid: int | None = None
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(RSS_EVERY):
            if self.pgid is not None:
                self.peak = max(self.peak, group_rss_mb(self.pgid))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return round(self.peak, 1)


def all_cores() -> list[str]:
    """`taskset` over every core, for a child of this (pinned) process that should use both, as a bot's build does."""
    return ["taskset", "-c", f"0-{(os.cpu_count() or 1) - 1}"] if shutil.which("taskset") else []


def measure_build(seeds: Path, db: Path) -> dict[str, Any]:
    """The full build as a bot runs it: `citebot index --json` in a session of its own, on every core, with
    the default workers and an empty cache; wall time to the report (the new file validated and swapped in), and
    the peak memory of its process group, sampled."""
    db.unlink(missing_ok=True)
    db.with_name(db.name + ".cache").unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING", "BUILD_MEMORY_MB": "0", "BOT_TOKEN": ""}
    sampler = PeakSampler()
    started = now_ns()
    process = subprocess.Popen(
        [*all_cores(), sys.executable, "-m", "bot", "index", "--seeds", str(seeds), "--db", str(db), "--json"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    sampler.pgid = process.pid
    outcome: dict[str, Any] = {}
    assert process.stdout is not None
    for line in process.stdout:
        message = json.loads(line)
        if "report" in message or "error" in message:
            outcome = message
    process.wait()
    seconds = (now_ns() - started) / 1e9
    peak = sampler.stop()
    if "report" not in outcome:
        raise RuntimeError(f"the build failed: {outcome.get('error') or process.returncode}")
    report = outcome["report"]
    return {
        "articles_indexed": report["articles"], "files_skipped": len(report["skipped"]),
        "ingest_s": round(seconds, 2), "build_workers": report["workers"], "build_peak_rss_mb": peak,
        "build_main_peak_rss_mb": outcome.get("peak_rss_mb"), "build_worker_peak_rss_mb": outcome.get("worker_peak_rss_mb"),
    }


async def serve_and_reload(db: Path, seeds: Path, lines: list[str], extra: Path) -> dict[str, Any]:
    """In a serving process of its own (not pinned: its builds use every core, as a bot's do): the query mix idle,
    then while an admin's /reload rebuilds everything (the cache emptied first) in a child process, then an
    admin's /reload after one article is added. Its own memory is sampled throughout; every answer counts."""
    from bot.chat.app import build_application
    from bot.chat.offline import Conversation, OfflineRequest, running
    from bot.chat.state import holder_of

    request = OfflineRequest()
    app = build_application(_settings(db, seeds), request)
    own = Path("/proc/self/status")

    def rss() -> float:
        return next(int(r.split()[1]) / 1024 for r in own.read_text().splitlines() if r.startswith("VmRSS:"))

    async with running(app):
        user = Conversation(app, request)
        admin = Conversation(app, request, user_id=ADMIN_ID)
        for line in lines[:20]:
            await _send(user, request, line)
        idle: list[int] = []
        budget_end = time.perf_counter() + PHASE_BUDGET_S / 2
        for line in lines[:400]:
            t0 = now_ns()
            await _send(user, request, line)
            idle.append(now_ns() - t0)
            if time.perf_counter() > budget_end and len(idle) >= MIN_SAMPLES:
                break
        rss_idle = rss()

        async def reload_while_asking(label: str, asking: bool = True) -> dict[str, Any]:
            holder = holder_of(app.bot_data)
            sampler = PeakSampler()
            old_inode = db.stat().st_ino
            reload_task = asyncio.create_task(admin.send("/reload"))
            samples: list[int] = []
            failed = 0
            errors: Counter[str] = Counter()
            peak_rss = rss()
            started = now_ns()
            i = 0
            while not reload_task.done():
                if holder.building is not None:
                    sampler.pgid = holder.building
                if not asking:
                    await asyncio.sleep(0.05)
                    continue
                line = lines[i % len(lines)]
                i += 1
                t0 = now_ns()
                try:
                    calls = await _send(user, request, line)
                    if _failed(calls):
                        failed += 1
                        errors["no answer or error reply"] += 1
                except Exception as error:  # a query that raised is a failed query
                    failed += 1
                    errors[type(error).__name__] += 1
                samples.append(now_ns() - t0)
                peak_rss = max(peak_rss, rss())
            window = (now_ns() - started) / 1e9
            admin_calls = reload_task.result()
            build_peak = sampler.stop()
            report = " | ".join((c.text or "")[:160].replace("\n", " ") for c in admin_calls
                                if c.method == "editMessageText")[-300:]
            return {
                f"{label}_s": round(window, 2), f"{label}_qps": round(len(samples) / window, 1) if samples else None,
                f"{label}_p50_ms": round(percentile(samples, 50), 3) if samples else None,
                f"{label}_p99_ms": round(percentile(samples, 99), 3) if samples else None,
                f"{label}_failed_queries": failed, f"{label}_queries": len(samples), f"{label}_errors": dict(errors),
                f"{label}_swapped": db.stat().st_ino != old_inode, f"{label}_serving_rss_mb": round(peak_rss, 1),
                f"{label}_build_peak_rss_mb": build_peak, f"{label}_report": report,
            }

        db.with_name(db.name + ".cache").unlink(missing_ok=True)  # a full rebuild: nothing cached
        full = await reload_while_asking("reload")
        shutil.copy(extra, seeds / extra.name)
        incremental = await reload_while_asking("reload_incremental", asking=False)  # what the admin waits for
        after = 0
        for line in lines[:50]:  # the new index answers
            after += _failed(await _send(user, request, line))
    idle_p99 = percentile(idle, 99)
    return {
        **full, **incremental,
        "reload_idle_p50_ms": round(percentile(idle, 50), 3), "reload_idle_p99_ms": round(idle_p99, 3),
        "reload_p99_over_idle": round(full["reload_p99_ms"] / idle_p99, 2) if idle_p99 else None,
        "reload_idle_serving_rss_mb": round(rss_idle, 1), "reload_failed_after_swap": after,
    }


def measure_reload(db: Path, seeds: Path, lines: list[str], extra: Path) -> dict[str, Any]:
    """`serve_and_reload` in a fresh process (so its memory is a serving process's, not this one's)."""
    work = Path(tempfile.mkdtemp(prefix="citebot-reload-"))
    try:
        (work / "lines.json").write_text(json.dumps(lines), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "BUILD_MEMORY_MB": "0"}
        done = subprocess.run(
            [*all_cores(), sys.executable, "-m", "bench.run", "--serve-reload", str(db), str(seeds),
             str(work / "lines.json"), str(extra)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=4 * 3600,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the serving process failed: {done.stderr[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------- a serving process: start-up and peak RSS


def _console(db: Path, seeds: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING", "BOT_TOKEN": ""}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--json", "--db", str(db), "--seeds", str(seeds)],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, encoding="utf-8", bufsize=1,
    )


def _ask(process: subprocess.Popen, line: str) -> dict[str, Any]:
    assert process.stdin and process.stdout
    process.stdin.write(line + "\n")
    process.stdin.flush()
    out = process.stdout.readline()
    if not out:
        raise RuntimeError(f"the console exited (code {process.poll()}) on {line!r}")
    return json.loads(out)


def _vm(pid: int, field: str) -> float:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith(field + ":"):
            return int(row.split()[1]) / 1024
    return float("nan")


def measure_serving(db: Path, seeds: Path, lines: list[str], first: str) -> dict[str, Any]:
    """`citebot console` with an existing index: process start → first answer (median of 3), then the whole
    query mix through one process and its peak RSS (VmHWM)."""
    startups = []
    for _ in range(3):
        started = time.perf_counter()
        process = _console(db, seeds)
        reply = _ask(process, first)
        startups.append(time.perf_counter() - started)
        assert reply["replies"], reply
        process.stdin.close()  # type: ignore[union-attr]
        process.wait(timeout=30)
    process = _console(db, seeds)
    samples = []
    failed = 0
    budget_end = time.perf_counter() + PHASE_BUDGET_S
    for line in lines:
        t0 = now_ns()
        reply = _ask(process, line)
        samples.append(now_ns() - t0)
        failed += not reply["replies"]
        if time.perf_counter() > budget_end and len(samples) >= MIN_SAMPLES:
            break
    rss = _vm(process.pid, "VmHWM")
    current = _vm(process.pid, "VmRSS")
    process.stdin.close()  # type: ignore[union-attr]
    process.wait(timeout=30)
    startups.sort()
    return {
        "startup_s": round(startups[1], 3),
        "startup_runs_s": [round(s, 3) for s in startups],
        "rss_mb": round(rss, 1),
        "rss_after_mb": round(current, 1),
        "serving_lines": len(samples),
        "serving_failed": failed,
        "serving_p50_ms": round(percentile(samples, 50), 3),
        "serving_p99_ms": round(percentile(samples, 99), 3),
    }


# ---------------------------------------------------------------- one size


def profile_text(profiler: cProfile.Profile, limit: int = 22) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)
    return out.getvalue()


def measure_size(size: int, work: Path, n_queries: int, seed: int, profile: bool,
                 save: Any = None) -> dict[str, Any]:
    """One size, phase by phase; `save(result)` after each phase records the figures so far (marked partial)."""
    save = save or (lambda result: None)
    from bot.index.build import build_index

    seeds, db = work / f"corpus-{size}", work / f"index-{size}.sqlite3"
    (work / "extra").mkdir(exist_ok=True)
    started = time.perf_counter()
    corpus = generate(size, seeds, seed=seed)
    file_words = sum(len(p.read_text(encoding="utf-8").split()) for p in corpus.files)
    log(f"[{size}] corpus: {len(corpus.files)} articles, {corpus.words:,} body words ({file_words:,} with page chrome) "
        f"in {corpus.seconds:.1f} s")

    built = measure_build(seeds, db)
    ingest_s = built["ingest_s"]
    result: dict[str, Any] = {
        "articles": size,
        **built,
        "words": file_words,
        "body_words": corpus.words,
        "ingest_articles_per_s": round(size / ingest_s, 1),
        "ingest_words_per_s": round(file_words / ingest_s),
        "index_mb": round(db.stat().st_size / 2**20, 2),
        "cache_mb": round(db.with_name(db.name + ".cache").stat().st_size / 2**20, 2),
    }
    if profile:  # the build in this process, one worker, for the hot spots (the figure above is the child's)
        gc.collect()
        profiler = cProfile.Profile()
        profiler.enable()
        build_index(seeds, work / f"profiled-{size}.sqlite3", cache=False)
        profiler.disable()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        for table in ("sentences", "entities", "aliases", "mentions", "agreements", "figures", "sector_tags"):
            result[f"rows_{table}"] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    log(f"[{size}] ingest: {ingest_s:.1f} s = {result['ingest_articles_per_s']} articles/s with "
        f"{result['build_workers']} workers, build peak RSS {result['build_peak_rss_mb']} MB, "
        f"{result['index_mb']} MB, {result['rows_sentences']:,} sentences, {result['rows_entities']:,} entities")
    if profile:
        result["_profile_ingest"] = profile_text(profiler)
    save(result)

    queries = make_queries(db, n_queries, seed)
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    result.update(asyncio.run(measure_queries(db, queries)))
    if profiler:
        profiler.disable()
        result["_profile_queries"] = profile_text(profiler)
    log(f"[{size}] queries p50 {result['p50_ms']} p99 {result['p99_ms']} ms; who statuses {result['who_statuses']}")
    result.update(naive_baselines(db, queries))
    log(f"[{size}] baselines: FTS5 p99 {result['fts5_floor_p99_ms']} ms, naive who p99 {result['naive_who_p99_ms']} ms "
        f"({result['naive_who_queries']} q), naive sector p99 {result['naive_sector_p99_ms']} ms")
    save(result)

    lines = command_lines(queries)
    first = "/who " + next(q for q in queries["who"] if q)
    phases = (
        ("updates", lambda: asyncio.run(measure_updates(db, seeds, lines)),
         lambda r: f"{r['updates_per_s']}/s over {r['updates']} ({r['updates_failed']} failed)"),
        ("serving", lambda: measure_serving(db, seeds, lines[: 4 * 100], first),
         lambda r: f"start-up {r['startup_s']} s, peak RSS {r['rss_mb']} MB"),
        ("reload", lambda: measure_reload(db, seeds, lines, article_file(size, work / "extra", seed)),
         lambda r: f"full: {r['reload_qps']} q/s, p99 {r['reload_p99_ms']} ms (idle {r['reload_idle_p99_ms']}), "
                   f"{r['reload_failed_queries']} failed, {r['reload_s']} s, serving RSS {r['reload_serving_rss_mb']} MB, "
                   f"build {r['reload_build_peak_rss_mb']} MB; one article added: {r['reload_incremental_s']} s"),
    )
    for name, measure, summary in phases:
        try:
            figures = measure()
        except Exception as error:  # record it and go on: the other figures still say something
            result.setdefault("errors", {})[name] = f"{type(error).__name__}: {error}"
            log(f"[{size}] {name}: FAILED {type(error).__name__}: {error}")
            continue
        result.update(figures)
        log(f"[{size}] {name}: {summary(figures)}")
        save(result)
    result["wall_s"] = round(time.perf_counter() - started, 1)
    return result


# ---------------------------------------------------------------- reporting


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    uname = platform.uname()
    return {
        "uname": f"{uname.system} {uname.release} {uname.machine}",
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def _commit() -> str | None:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _dirty() -> list[str]:
    """Tracked files changed in the working tree (the run measured them, not the commit)."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                             capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [line[3:] for line in out.splitlines() if line.strip()]


def _ratio(a: float, b: float) -> str:
    try:
        return f"{a / b:.1f}×"
    except (TypeError, ZeroDivisionError):
        return "—"


def table(results: dict[str, Any]) -> str:
    """Rows: figures; columns: sizes; the baselines and their ratios side by side; the target and whether the
    largest size meets it."""
    sizes = list(results["sizes"])
    expected = ("updates_per_s", "rss_mb", "startup_s", "reload_qps", "reload_p99_ms", "reload_failed_queries",
                "naive_who_p99_ms", "naive_sector_p99_ms", "fts5_floor_p99_ms", "reload_incremental_s",
                "reload_serving_rss_mb", "reload_idle_p99_ms", "reload_p99_over_idle")
    data = [{**{k: float("nan") for k in expected}, **results["sizes"][s]} for s in sizes]
    rows: list[tuple[str, list[str], str, str]] = []

    def row(label: str, values: list[str], target: str = "", ok: bool | None = None) -> None:
        if target and values and values[-1] == "—":  # not measured (a partial run): no verdict
            rows.append((label, values, target, "n/a"))
            return
        rows.append((label, values, target, "" if ok is None else ("ok" if ok else "MISSED")))

    def fmt(value: Any, digits: int = 1) -> str:
        if isinstance(value, float) and math.isnan(value):
            return "—"
        if isinstance(value, float):
            return f"{value:,.{digits}f}"
        return f"{value:,}" if isinstance(value, int) else str(value)

    last = data[-1]

    def value(d: dict[str, Any], key: str) -> float:
        got = d.get(key)
        return float("nan") if got is None else got

    def meets(key: str, figure: float) -> bool | None:
        if isinstance(figure, float) and math.isnan(figure):
            return None
        sign, bound = TARGETS[key]
        return figure >= bound if sign == "≥" else figure <= bound

    def target(key: str, unit: str = "") -> str:
        sign, bound = TARGETS[key]
        return f"{sign} {bound:g}{unit}"

    row("full build articles/s (all cores)", [fmt(d["ingest_articles_per_s"]) for d in data],
        target("ingest_articles_per_s"), meets("ingest_articles_per_s", last["ingest_articles_per_s"]))
    row("  build workers", [fmt(d.get("build_workers", "—")) for d in data])
    row("  build peak RSS MB (all its processes)", [fmt(value(d, "build_peak_rss_mb")) for d in data])
    row("ingest words/s", [fmt(d["ingest_words_per_s"]) for d in data])
    row("index size MB (+ cache MB)", [f"{d['index_mb']:,.1f} + {value(d, 'cache_mb'):,.1f}" for d in data])
    row("/reload after adding 1 article s", [fmt(value(d, "reload_incremental_s"), 2) for d in data],
        target("reload_incremental_s"), meets("reload_incremental_s", value(last, "reload_incremental_s")))
    row("full /reload s (cache emptied)", [fmt(value(d, "reload_s"), 1) for d in data])
    row("serving RSS MB during a full /reload", [fmt(value(d, "reload_serving_rss_mb")) for d in data],
        target("reload_serving_rss_mb"), meets("reload_serving_rss_mb", value(last, "reload_serving_rss_mb")))
    row("  serving RSS MB idle, before it", [fmt(value(d, "reload_idle_serving_rss_mb")) for d in data])
    row("query p99 ms idle / during a full /reload",
        [f"{value(d, 'reload_idle_p99_ms'):,.1f} / {value(d, 'reload_p99_ms'):,.1f}" for d in data])
    row("  during ÷ idle (p99)", [_ratio(value(d, "reload_p99_ms"), value(d, "reload_idle_p99_ms")) for d in data],
        target("reload_p99_over_idle", "×"), meets("reload_p99_over_idle", value(last, "reload_p99_over_idle")))
    row("  queries answered/s during it, failed", [f"{fmt(value(d, 'reload_qps'))}, {fmt(d.get('reload_failed_queries', '—'))}"
                                                   for d in data])
    for command in COMMANDS:
        row(f"/{command} p50 / p99 ms", [f"{d['p50_ms'][command]:,.2f} / {d['p99_ms'][command]:,.2f}" for d in data],
            "p99 " + target("p99_ms"), meets("p99_ms", last["p99_ms"][command]))
        if command == "who":
            row("  naive rapidfuzz scan p99 ms", [fmt(d["naive_who_p99_ms"], 1) for d in data])
            row("  naive ÷ /who (p99)", [_ratio(d["naive_who_p99_ms"], d["p99_ms"]["who"]) for d in data])
        if command == "sector":
            row("  naive substring scan p99 ms", [fmt(d["naive_sector_p99_ms"], 1) for d in data])
            row("  naive ÷ /sector (p99)", [_ratio(d["naive_sector_p99_ms"], d["p99_ms"]["sector"]) for d in data])
        if command == "search":
            row("  bare FTS5 MATCH p99 ms", [fmt(d["fts5_floor_p99_ms"], 2) for d in data])
            row("  /search ÷ FTS5 (p99)", [_ratio(d["p99_ms"]["search"], d["fts5_floor_p99_ms"]) for d in data],
                target("search_over_floor", "×"), meets("search_over_floor", last["p99_ms"]["search"] / last["fts5_floor_p99_ms"]))
    row("updates/s (Application)", [fmt(d["updates_per_s"]) for d in data], target("updates_per_s"),
        meets("updates_per_s", last["updates_per_s"]))
    row("peak RSS MB (serving, queries only)", [fmt(d["rss_mb"]) for d in data])
    row("start-up s (first answer)", [fmt(d["startup_s"], 2) for d in data], target("startup_s"),
        meets("startup_s", last["startup_s"]))

    header = ("figure", [f"{int(s):,} articles" for s in sizes], "target (10k)", f"@{int(sizes[-1]):,}")
    widths = [max(len(r[0]) for r in [header, *rows])]
    widths += [max(len(r[1][i]) for r in [header, *rows]) for i in range(len(sizes))]
    widths += [max(len(r[2]) for r in [header, *rows]), max(len(r[3]) for r in [header, *rows])]
    lines = []
    for label, values, target, ok in [header, *rows]:
        cells = [label.ljust(widths[0])] + [v.rjust(widths[i + 1]) for i, v in enumerate(values)]
        cells += [target.ljust(widths[-2]), ok.ljust(widths[-1])]
        lines.append("| " + " | ".join(cells) + " |")
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _import_the_bot() -> None:
    """Import every layer now: the run takes minutes, and a lazy import later would load whatever the working
    tree holds then (the serving subprocess still does: it starts fresh)."""
    import bot.chat.app  # noqa: F401
    import bot.chat.handlers  # noqa: F401
    import bot.chat.offline  # noqa: F401
    import bot.chat.render  # noqa: F401
    import bot.index.build  # noqa: F401
    import bot.index.query  # noqa: F401
    import bot.ingest.pipeline  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 100 and 1,000 articles")
    parser.add_argument("--sizes", default=None, help="comma-separated corpus sizes (default 100,1000,10000)")
    parser.add_argument("--queries", type=int, default=300, help="queries per command (default 300)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora and indexes")
    parser.add_argument("--profile", action="store_true", help="cProfile ingest and queries; print the hot spots")
    parser.add_argument("--no-pin", action="store_true", help="do not pin this process to one core")
    parser.add_argument("--table", type=Path, metavar="RESULTS_JSON", help="only print the table of a results file")
    parser.add_argument("--serve-reload", nargs=4, metavar=("DB", "SEEDS", "LINES_JSON", "EXTRA_ARTICLE"),
                        help=argparse.SUPPRESS)  # the serving process of the reload phase
    args = parser.parse_args(argv)
    if args.serve_reload:
        import logging

        logging.basicConfig(level=logging.ERROR)
        db, seeds, lines, extra = args.serve_reload
        lines_list = json.loads(Path(lines).read_text(encoding="utf-8"))
        print(json.dumps(asyncio.run(serve_and_reload(Path(db), Path(seeds), lines_list, Path(extra)))))
        return 0
    if args.table:
        print(table(json.loads(args.table.read_text(encoding="utf-8"))))
        return 0
    sizes = [int(s.replace("_", "")) for s in (args.sizes or ("100,1000" if args.quick else "100,1000,10000")).split(",")]

    pinned = False
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # children (the console) inherit it
            pinned = True
        except OSError:
            pass
    import logging

    logging.basicConfig(level=logging.ERROR)
    _import_the_bot()
    results: dict[str, Any] = {
        "machine": machine(),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": _commit(),
        "uncommitted_changes": _dirty(),
        "pinned_to_one_core": pinned,
        "queries_per_command": args.queries,
        "seed": args.seed,
        "sizes": {},
    }
    log(f"citebot bench: sizes {sizes}, {args.queries} queries per command, "
        f"{'pinned to one core' if pinned else 'not pinned'}; {results['machine']['cpu']}")
    work = Path(tempfile.mkdtemp(prefix="citebot-bench-"))
    try:
        for size in sizes:
            def save(partial: dict[str, Any], size: int = size) -> None:
                results["sizes"][str(size)] = {**{k: v for k, v in partial.items() if not k.startswith("_")},
                                               "partial": True}
                args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

            result = measure_size(size, work, args.queries, args.seed, args.profile, save)
            for key in [k for k in result if k.startswith("_profile")]:
                print(f"\n==== {key[1:]} at {size:,} articles\n{result.pop(key)}")
            results["sizes"][str(size)] = result
            args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, {results['machine']['uname']}; "
          f"{'pinned to one core' if pinned else 'not pinned'}; {results['date']}; commit {results['commit']}")
    print(table(results))
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
