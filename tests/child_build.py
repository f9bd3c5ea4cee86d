"""`citebot index` as the tests' child build: the real command, made to behave as a big or a troubled build would,
by environment variables (a test sets them in `IndexHolder.build_environment`):

  CITEBOT_TEST_DELAY=S        sleep S seconds before each progress report (a big folder)
  CITEBOT_TEST_POOL=1         extract in a pool of two worker processes, however few the files
  CITEBOT_TEST_BUILDS=FILE    append this process's id to FILE when a build starts (to count builds)
  CITEBOT_TEST_HOLD=FILE      at the first file, wait until FILE exists (a build that does not finish)
  CITEBOT_TEST_HOLD_WRITTEN=FILE  once the temporary index file is written, wait until FILE exists
  CITEBOT_TEST_ALLOCATE_MB=N  ask for N MB at the first file (a build that outgrows its memory)

    python tests/child_build.py index --seeds ... --db ... --json ...
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.index import build  # noqa: E402
from bot.ingest import pipeline  # noqa: E402


def _hold(variable: str) -> None:
    release = os.environ.get(variable)
    if release:
        while not Path(release).exists():
            time.sleep(0.02)


def _patch() -> None:
    delay = float(os.environ.get("CITEBOT_TEST_DELAY") or 0)
    allocate = int(os.environ.get("CITEBOT_TEST_ALLOCATE_MB") or 0)
    if os.environ.get("CITEBOT_TEST_POOL"):
        pipeline.POOL_FROM = 1
        os.environ[pipeline.WORKERS_VARIABLE] = "2"
    real_build = build.build_index
    real_validate = build._validate

    def build_index(seeds_dir, db_path, progress=None, cache=True):  # noqa: ANN001, ANN202
        log = os.environ.get("CITEBOT_TEST_BUILDS")
        if log:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()}\n")

        def slow_progress(done: int, total: int, name: str) -> None:
            if done == 1:
                _hold("CITEBOT_TEST_HOLD")
                if allocate:
                    bytearray(allocate * 1024 * 1024)
            time.sleep(delay)
            if progress:
                progress(done, total, name)

        return real_build(seeds_dir, db_path, slow_progress, cache)

    def validate(path, rows):  # noqa: ANN001, ANN202
        real_validate(path, rows)
        _hold("CITEBOT_TEST_HOLD_WRITTEN")

    build.build_index = build_index
    build._validate = validate


if __name__ == "__main__":
    _patch()
    from bot.cli import main

    sys.exit(main(sys.argv[1:]))
