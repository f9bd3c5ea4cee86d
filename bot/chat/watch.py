"""What a running bot does on its own, beside answering: it follows the index file (a `citebot index` or a build
job beside it replaces the file: the bot switches to the new one, as /reload would), rebuilds when the seeds
changed while it was down or (WATCH_SEEDS) while it runs, and beats its heart: a heartbeat goes through the
update queue like an update, so a fresh heartbeat file means updates are being handled, not only that the
process exists.

`start(application)` starts both loops (`citebot run` does, after the Application has started); the
Application's stop cancels them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.chat.holder import RebuildFailed
from bot.models import plural

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.chat.state import Context
    from bot.config import Settings

log = logging.getLogger(__name__)

class Heartbeat:
    """Put on the update queue every HEARTBEAT_INTERVAL seconds; `beat` handles it like any update."""

    def __init__(self) -> None:
        self.sent = time.time()


def start(application: Application) -> None:
    """The watch loop and the heartbeat loop, as tasks of the Application (cancelled when it stops)."""
    data = application.bot_data
    data.loops.add(application.create_task(watch(application), name="citebot-watch"))
    data.loops.add(application.create_task(heartbeat(application), name="citebot-heartbeat"))


# ---------------------------------------------------------------- the index file and the seeds


async def watch(application: Application) -> None:
    """Every INDEX_CHECK_INTERVAL seconds: switch to a replaced index file; with WATCH_SEEDS, rebuild once the
    seed files changed and then stayed as they are for WATCH_SEEDS_DEBOUNCE seconds. First, rebuild when the
    index was built from other seeds, or by other extraction code, than those here now (an image rebuilt with
    new seeds over an old volume). An index served read-only (INDEX_READ_ONLY) is only followed."""
    settings: Settings = application.bot_data.settings
    holder = application.bot_data.index
    db_path = Path(settings.db_path)
    seeds = SeedsWatch(Path(settings.seeds_dir)) if settings.watch_seeds and not settings.index_read_only else None
    if seeds is not None:
        await seeds.look()
    if not settings.index_read_only:
        from bot.index.build import stale_reason

        why = await asyncio.to_thread(stale_reason, db_path, Path(settings.seeds_dir))
        if why:
            await rebuild(application, why)
    log.info("watching %s for a new index file every %s s%s", db_path, settings.index_check_interval,
             f", and {settings.seeds_dir} for changed seeds" if seeds is not None else "")
    application.bot_data.watching.set()
    while True:
        await asyncio.sleep(settings.index_check_interval)
        try:
            await holder.follow(db_path)
            if seeds is not None and await seeds.settled(settings.watch_seeds_debounce):
                if not await rebuild(application, "the seed files changed"):
                    seeds.pending = True  # a /reload holds the slot: again at the next look
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the loop must outlive one bad look
            log.exception("watching the index file failed; trying again")


async def rebuild(application: Application, why: str) -> bool:
    """Rebuild in the background, as /reload does (the current index answers meanwhile); False when a reload
    already runs."""
    settings: Settings = application.bot_data.settings
    holder = application.bot_data.index
    if not await holder.claim_rebuild():
        return False
    try:
        log.info("%s: rebuilding the index from %s (the current one answers meanwhile)", why, settings.seeds_dir)
        report = await holder.rebuild(Path(settings.seeds_dir), Path(settings.db_path))
        log.info(
            "rebuilt the index: %s; %s added, %s changed, %s removed; %s",
            plural(report.articles, "article"), len(report.added), len(report.changed), len(report.removed),
            plural(len(report.skipped), "file") + " skipped",
        )
    except RebuildFailed as failure:
        log.warning("rebuilding the index failed (%s); still answering from the one before", failure.reason)
    finally:
        holder.release_rebuild()
    return True


class SeedsWatch:
    """The seed folder's listing (name, size, mtime, inode of each entry) as of the last look, and whether it
    changed since the last rebuild."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: frozenset[tuple[Any, ...]] | None = None
        self.changed_at = 0.0
        self.pending = False

    async def look(self) -> bool:
        """Whether the folder looks different from the last look."""
        listing = await asyncio.to_thread(_listing, self.folder)
        if listing == self.seen:
            return False
        first = self.seen is None
        self.seen = listing
        if not first:
            self.changed_at = time.monotonic()
            self.pending = True
        return not first

    async def settled(self, quiet: float) -> bool:
        """True once after a change, when the folder has stayed as it is for `quiet` seconds."""
        if await self.look() or not self.pending:
            return False
        if time.monotonic() - self.changed_at < quiet:
            return False
        self.pending = False
        return True


def _listing(folder: Path) -> frozenset[tuple[Any, ...]]:
    entries = []
    try:
        with os.scandir(folder) as scan:
            for entry in scan:
                try:
                    status = entry.stat(follow_symlinks=True)
                except OSError:
                    entries.append((entry.name, None))
                    continue
                entries.append((entry.name, status.st_size, status.st_mtime_ns, status.st_ino))
    except OSError:
        return frozenset()
    return frozenset(entries)


# ---------------------------------------------------------------- the heartbeat


async def heartbeat(application: Application) -> None:
    interval = application.bot_data.settings.heartbeat_interval
    while True:
        await application.update_queue.put(Heartbeat())
        await asyncio.sleep(interval)


async def beat(update: Heartbeat, context: Context) -> None:
    """A heartbeat reached a handler: note the time, and refresh the heartbeat file (atomically, so a health
    check never reads half of it). A file that cannot be written is said once."""
    data = context.bot_data
    data.heartbeat_at = time.monotonic()
    path = data.settings.heartbeat_path
    record = {"pid": os.getpid(), "at": time.time(), "queued_for": round(time.time() - update.sent, 3)}
    temp = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        temp.write_text(json.dumps(record) + "\n", encoding="utf-8")
        os.replace(temp, path)
    except OSError as error:
        if not data.heartbeat_failed:
            log.warning("cannot write the heartbeat file %s (%s); set HEARTBEAT_FILE to a writable place", path, error)
        data.heartbeat_failed = True
        with contextlib.suppress(OSError):
            temp.unlink()
    else:
        data.heartbeat_failed = False
