"""Ingest speed of this checkout against another revision, side by side on the same corpus, in one run.

    python -m bench.compare --against 0861bfc --sizes 1000,10000 [--rounds 2] [--queries 300]

The other revision is checked out (read-only, `git worktree`) into a temporary folder; each round builds the
index of the same generated corpus with each checkout in turn, in a fresh subprocess pinned to the same core,
so the machine's load weighs on both alike. Prints articles per second for each, and their ratio.

With `--queries N`, each checkout then answers the same N queries per command on its own index (made once from
this checkout's index: the two hold the same facts when their exports are equal), alternating, each in a fresh
process pinned to the same core: `bench.run`'s per-command p50/p99, updates/s through the Application, and
start-up to the first answer of `citebot console` (median of 3). The other revision needs `bench.run`'s
`measure_queries`, `measure_updates`, `_console` and `_ask`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.corpus import SEED, generate

ROOT = Path(__file__).resolve().parents[1]
_BUILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from bot.index.build import build_index
started = time.perf_counter()
report = build_index(Path({seeds!r}), Path({db!r}))
print(json.dumps({{"seconds": time.perf_counter() - started, "articles": report.articles, "agreements": report.agreements,
                  "people": report.people, "organizations": report.organizations, "figures": report.figures}}))
"""


_QUERIES = """
import asyncio, json, statistics, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from bench import run
db, seeds = Path({db!r}), Path({seeds!r})
queries = json.loads(Path({queries!r}).read_text())
lines = run.command_lines(queries)
answered = asyncio.run(run.measure_queries(db, queries))
updates = asyncio.run(run.measure_updates(db, seeds, lines))
startups = []
for _ in range(3):
    started = time.perf_counter()
    process = run._console(db, seeds)
    run._ask(process, "/who " + next(q for q in queries["who"] if q))
    startups.append(time.perf_counter() - started)
    process.stdin.close()
    process.wait(timeout=60)
print(json.dumps({{"p50": answered["p50_ms"], "p99": answered["p99_ms"], "updates_per_s": updates["updates_per_s"],
                  "startup_s": statistics.median(startups)}}))
"""


def _answer(root: Path, seeds: Path, db: Path, queries: Path, core: int | None) -> dict:
    return _run(root, _QUERIES.format(root=str(root), seeds=str(seeds), db=str(db), queries=str(queries)), core)


def _run(root: Path, script: str, core: int | None) -> dict:
    """A script in a fresh interpreter of this Python, pinned to `core`; its last line of output, as JSON."""
    command = [sys.executable, "-c", script]
    if core is not None and hasattr(os, "sched_setaffinity"):
        command = ["taskset", "-c", str(core), *command]
    result = subprocess.run(command, check=True, capture_output=True, text=True, cwd=root)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _compare_queries(size: int, seeds: Path, work: Path, others: dict[str, Path], rounds: int, n: int, core: int) -> dict:
    """Both checkouts on the same queries: the best of `rounds` alternating runs of each figure."""
    from bench.run import COMMANDS, make_queries

    dbs = {label: work / f"{size}-{label}.sqlite3".replace("/", "_") for label in others}
    queries = work / f"queries-{size}.json"
    queries.write_text(json.dumps(make_queries(dbs["this"], n, SEED)))
    runs: dict[str, list[dict]] = {label: [] for label in others}
    for _ in range(rounds):
        for label, root in others.items():
            runs[label].append(_answer(root, seeds, dbs[label], queries, core))
    best = {
        label: {
            "p50": {c: min(r["p50"][c] for r in found) for c in COMMANDS},
            "p99": {c: min(r["p99"][c] for r in found) for c in COMMANDS},
            "updates_per_s": max(r["updates_per_s"] for r in found),
            "startup_s": min(r["startup_s"] for r in found),
        }
        for label, found in runs.items()
    }
    this, other = best["this"], best[next(label for label in others if label != "this")]
    for command in COMMANDS:
        print(f"        /{command:<10} p50 {this['p50'][command]:7.2f} vs {other['p50'][command]:7.2f} ms, "
              f"p99 {this['p99'][command]:7.2f} vs {other['p99'][command]:7.2f} ms "
              f"(÷ {this['p99'][command] / max(other['p99'][command], 1e-9):.2f})")
    print(f"        updates/s {this['updates_per_s']:.1f} vs {other['updates_per_s']:.1f} "
          f"(× {this['updates_per_s'] / max(other['updates_per_s'], 1e-9):.2f}); start-up {this['startup_s']:.2f} vs "
          f"{other['startup_s']:.2f} s (best of {rounds}, core {core})", flush=True)
    return {"best": best, "runs": runs}


def _worktree(revision: str, folder: Path) -> Path:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), revision], check=True, capture_output=True)
    return folder


def _build(root: Path, seeds: Path, db: Path, core: int | None) -> dict:
    db.unlink(missing_ok=True)
    db.with_name(db.name + ".cache").unlink(missing_ok=True)  # a full build each time, also where builds are cached
    return _run(root, _BUILD.format(root=str(root), seeds=str(seeds), db=str(db)), core)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the git revision to compare with (e.g. the commit before a change)")
    parser.add_argument("--sizes", default="1000", help="comma-separated corpus sizes (default 1000)")
    parser.add_argument("--rounds", type=int, default=2, help="builds per checkout and size, alternating (default 2)")
    parser.add_argument("--core", type=int, default=1, help="the core both builds run on (default 1)")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here too")
    parser.add_argument("--queries", type=int, default=0, help="then answer N queries per command with each (default: none)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="citebot-compare-"))
    other = _worktree(args.against, work / "other")
    results = []
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            seeds = work / f"corpus-{size}"
            generate(size, seeds, seed=SEED)
            times: dict[str, list[float]] = {"this": [], args.against: []}
            counts: dict[str, dict] = {}
            for _ in range(args.rounds):
                for label, root in (("this", ROOT), (args.against, other)):
                    figures = _build(root, seeds, work / f"{size}-{label}.sqlite3".replace("/", "_"), args.core)
                    times[label].append(figures["seconds"])
                    counts[label] = figures
            best = {label: min(values) for label, values in times.items()}
            rate = {label: size / seconds for label, seconds in best.items()}
            row = {"size": size, "articles_per_s": rate, "seconds": times, "counts": counts,
                   "ratio": rate["this"] / rate[args.against]}
            results.append(row)
            print(f"{size:>6} articles: this {rate['this']:6.1f}/s, {args.against} {rate[args.against]:6.1f}/s, "
                  f"ratio {row['ratio']:.2f} (best of {args.rounds}, core {args.core})", flush=True)
            for label, figures in counts.items():
                print(f"        {label}: {figures['people']} people, {figures['organizations']} organisations, "
                      f"{figures['agreements']} agreements, {figures['figures']} figures")
            if args.queries:
                row["queries"] = _compare_queries(size, seeds, work, {"this": ROOT, args.against: other}, args.rounds,
                                                  args.queries, args.core)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    if args.out:
        args.out.write_text(json.dumps({"against": args.against, "results": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
