"""Ingest speed of this checkout against another revision, side by side on the same corpus, in one run.

    python -m bench.compare --against 0861bfc --sizes 1000,10000 [--rounds 2]

The other revision is checked out (read-only, `git worktree`) into a temporary folder; each round builds the
index of the same generated corpus with each checkout in turn, in a fresh subprocess pinned to the same core,
so the machine's load weighs on both alike. Prints articles per second for each, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
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


def _worktree(revision: str, folder: Path) -> Path:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), revision], check=True, capture_output=True)
    return folder


def _build(root: Path, seeds: Path, db: Path, core: int | None) -> dict:
    db.unlink(missing_ok=True)
    db.with_name(db.name + ".cache").unlink(missing_ok=True)  # a full build each time, also where builds are cached
    command = [sys.executable, "-c", _BUILD.format(root=str(root), seeds=str(seeds), db=str(db))]
    if core is not None and hasattr(os, "sched_setaffinity"):
        command = ["taskset", "-c", str(core), *command]
    result = subprocess.run(command, check=True, capture_output=True, text=True, cwd=root)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the git revision to compare with (e.g. the commit before a change)")
    parser.add_argument("--sizes", default="1000", help="comma-separated corpus sizes (default 1000)")
    parser.add_argument("--rounds", type=int, default=2, help="builds per checkout and size, alternating (default 2)")
    parser.add_argument("--core", type=int, default=1, help="the core both builds run on (default 1)")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here too")
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
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], capture_output=True)
    if args.out:
        args.out.write_text(json.dumps({"against": args.against, "results": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
