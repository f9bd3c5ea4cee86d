"""The index build as a process of its own: `citebot index --json`, started and followed by the bot.

A build holds the whole corpus's facts in memory (gigabytes at 10,000 articles) and keeps its cores busy for
minutes. Run inside the serving process, that memory stayed with the bot and its answers slowed down. Here the
bot starts `citebot index --json --parent <its pid> --nice 10` in a session of its own, reads its progress as
JSON lines on stdout, and gets the report (or the failure) as the last line. The new file is swapped in by the
child's `os.replace`, as with any build; the bot then opens it.

A child that is stopped (the bot stopping, SIGTERM) removes its temporary file and ends its workers; a child that
is killed (SIGKILL, the kernel's OOM killer) cannot, so the bot ends whatever is left of its process group and
removes its temporary file. A child whose bot is gone stops by itself. Each of its processes is limited to
BUILD_MEMORY_MB of address space, so a build that outgrows it fails with a reason instead of taking the machine's
memory.

Lines on stdout, one JSON object each: `{"progress": {"done", "total", "file"}}` (at most ten a second), then
`{"report": BuildReport, "peak_rss_mb": ...}` or `{"error": "...", "kind": "seeds" | "not_an_index" | "build" |
"memory" | "os", "skipped": [{"file", "reason"}]}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.index.build import BuildError, BuildReport, NotAnIndex, remove_leftovers

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

BUILD_COMMAND: tuple[str, ...] = (sys.executable, "-m", "bot", "index")
BUILD_NICE = 10  # the serving process keeps answering at full speed while its build runs
STOP_WAIT = 3.0  # seconds a stopped build gets to clean up before its process group is killed
PROGRESS_EVERY = 0.1  # seconds between progress lines
LINE_LIMIT = 32 * 1024 * 1024  # bytes of one line: a report that lists thousands of skipped files is one line
_SECRET_VARIABLES = ("BOT_TOKEN", "WEBHOOK_SECRET")  # a build needs neither


# ---------------------------------------------------------------- the child: `citebot index --json`


def prepare(memory_mb: int = 0, parent: int | None = None, nice: int = 0) -> None:
    """Set up a build process: a lower CPU priority, its address space capped at `memory_mb` (0: no cap), SIGTERM
    ending it as an exception (so the temporary index file is removed and the workers ended), and with `parent`,
    a watch that stops it when that process is gone."""
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    if memory_mb:
        _limit_memory(memory_mb)
    signal.signal(signal.SIGTERM, _stopped)
    if parent:
        threading.Thread(target=_watch_parent, args=(parent,), name="citebot-parent-watch", daemon=True).start()


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform
        return
    limit = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _stopped(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    log.warning("the bot that started this build is gone; stopping the build")
    os.kill(os.getpid(), signal.SIGTERM)


def out_of_memory(memory_mb: int) -> str:
    if memory_mb:
        return (f"the build needed more memory than BUILD_MEMORY_MB allows ({memory_mb} MB per process); "
                "the index was not changed")
    return "the build ran out of memory; the index was not changed"


class _Lines:
    """JSON lines on a stream, each flushed at once; progress lines at most every PROGRESS_EVERY seconds."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._last = 0.0

    def __call__(self, message: dict[str, Any]) -> None:
        self.out.write(json.dumps(message, ensure_ascii=False) + "\n")
        self.out.flush()

    def progress(self, done: int, total: int, file_name: str) -> None:
        now = time.monotonic()
        if done in (1, total) or now - self._last >= PROGRESS_EVERY:
            self._last = now
            self({"progress": {"done": done, "total": total, "file": file_name}})


def report_as_json(settings: Settings, cache: bool = True, out: TextIO | None = None) -> int:
    """`citebot index --json`: build, with progress and the outcome as JSON lines. The exit code is that of
    `citebot index` (0 built, 1 not)."""
    from bot.index.build import build_index
    from bot.ingest.pipeline import SeedsError

    stream = out or sys.stdout
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")
    emit = _Lines(stream)
    try:
        report = build_index(Path(settings.seeds_dir), Path(settings.db_path), emit.progress, cache=cache)
    except SeedsError as error:
        emit({"error": str(error), "kind": "seeds", "skipped": []})
        return 1
    except BuildError as error:
        kind = "not_an_index" if isinstance(error, NotAnIndex) else "build"
        emit({"error": str(error), "kind": kind, "skipped": [item.model_dump() for item in error.skipped]})
        return 1
    except MemoryError:
        emit({"error": out_of_memory(settings.build_memory_mb), "kind": "memory", "skipped": []})
        return 1
    except OSError as error:
        emit({"error": f"cannot write the index {settings.db_path}: {error.strerror or error}", "kind": "os", "skipped": []})
        return 1
    emit({"report": report.model_dump(mode="json"), **peak_rss()})
    return 0


def peak_rss() -> dict[str, float]:
    """The peak resident memory of this process and of its largest worker, in MB (for the bench's figures)."""
    try:
        import resource
    except ImportError:
        return {}
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "worker_peak_rss_mb": round(workers, 1)}


# ---------------------------------------------------------------- the bot's side


Progress = Callable[[int, int, str], None]


async def build_in_child(
    seeds_dir: Path,
    db_path: Path,
    progress: Progress | None = None,
    *,
    command: Sequence[str] | None = None,
    environment: Mapping[str, str] | None = None,
    started: Callable[[int], None] | None = None,
) -> BuildReport:
    """Build the index in a child process and return its report once the new file is in place. `progress(done,
    total, file)` is called as the child reports; `started(pid)` once it runs; `environment` adds variables to
    what the child inherits (the token and the webhook secret are left out).

    Raises BuildError (NotAnIndex for a path that holds something else) with the child's reason, or the way it
    ended, when no index was built: the old file is untouched. Cancelled, the child is stopped (and killed if it
    does not stop within STOP_WAIT seconds) before the cancellation goes on. Either way nothing of the child is
    left: no process of its group, no temporary file."""
    argv = [*(command or BUILD_COMMAND), "--seeds", str(seeds_dir), "--db", str(db_path), "--json",
            "--parent", str(os.getpid()), "--nice", str(BUILD_NICE)]
    env = {key: value for key, value in os.environ.items() if key not in _SECRET_VARIABLES}
    env.update(environment or {})
    process = await asyncio.create_subprocess_exec(
        *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, env=env, start_new_session=True,
        limit=LINE_LIMIT,
    )
    if started is not None:
        started(process.pid)
    outcome: dict[str, Any] = {}
    reaper = asyncio.ensure_future(_reap(process))
    try:
        assert process.stdout is not None
        while line := await process.stdout.readline():
            try:
                message = json.loads(line)
            except ValueError:
                log.debug("the build printed what is not a JSON line: %r", line[:200])
                continue
            if not isinstance(message, dict):
                continue
            if "progress" in message and progress is not None:
                step = message["progress"]
                progress(int(step.get("done", 0)), int(step.get("total", 0)), str(step.get("file", "")))
            elif "report" in message or "error" in message:
                outcome = message
        code = await process.wait()
    except BaseException:  # cancelled (the bot stopping), or reading failed: the build goes too
        await _stop(process)
        raise
    finally:
        reaper.cancel()
        _signal_group(process.pid, signal.SIGKILL)  # what a killed child left running (its workers)
        await _group_gone(process.pid)
        remove_leftovers(Path(db_path))
    if "report" in outcome and code == 0:
        return BuildReport.model_validate(outcome["report"])
    if "error" in outcome:
        error = NotAnIndex if outcome.get("kind") == "not_an_index" else BuildError
        skipped = outcome.get("skipped") or []
        from bot.models import Skipped

        raise error(str(outcome["error"]), [Skipped.model_validate(item) for item in skipped])
    raise BuildError(ended(code))


def ended(code: int) -> str:
    """How a build that said nothing ended, in words."""
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        hint = " (out of memory?)" if -code == signal.SIGKILL else ""
        return f"the index build was killed ({name}){hint}; the index was not changed"
    return f"the index build failed (exit code {code}; the log has the details); the index was not changed"


async def _reap(process: asyncio.subprocess.Process) -> None:
    """Once the child has ended, end what is left of its group: a worker of a child that was killed would keep
    the child's stdout open, and the end of its output (and `wait()`, which waits for it) would never come."""
    while process.returncode is None:
        await asyncio.sleep(0.2)
    _signal_group(process.pid, signal.SIGKILL)


async def _stop(process: asyncio.subprocess.Process) -> None:
    """Ask the child (and its workers) to stop, then kill what is left after STOP_WAIT seconds."""
    _signal_group(process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(asyncio.shield(process.wait()), STOP_WAIT)
    except (asyncio.TimeoutError, asyncio.CancelledError):
        pass
    _signal_group(process.pid, signal.SIGKILL)
    with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
        await asyncio.wait_for(asyncio.shield(process.wait()), STOP_WAIT)


async def _group_gone(pgid: int, timeout: float = STOP_WAIT) -> None:
    """Wait (a moment at most) until no process of the group is alive: SIGKILL is delivered, not awaited."""
    deadline = time.monotonic() + timeout
    while group_alive(pgid) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


def group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (zombies, which hold nothing, do not count)."""
    proc = Path("/proc")
    if not proc.is_dir():  # no /proc: ask the kernel, which counts zombies too
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            return True
    return False


def _signal_group(pid: int, sig: int) -> None:
    """Signal every process of the child's group (it leads a session of its own, so its group id is its pid)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def child_environment(settings: Settings) -> dict[str, str]:
    """What a child build must see of the bot's settings (the rest it reads as the bot did, or is given as
    arguments): the log level, its memory cap, its workers."""
    environment = {"LOG_LEVEL": settings.log_level, "BUILD_MEMORY_MB": str(settings.build_memory_mb)}
    if settings.citebot_build_workers:
        environment["CITEBOT_BUILD_WORKERS"] = str(settings.citebot_build_workers)
    return environment
