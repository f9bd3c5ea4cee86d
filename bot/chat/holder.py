"""The open index shared by all handlers: borrowed by every query, rebuilt and swapped in by /reload while the
old one keeps answering, closed once no query still uses it; and the screens rendered from it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.index.query import Index, IndexUnavailable, unavailable_errors
from bot.models import Skipped, plural

if TYPE_CHECKING:
    from bot.chat.render import Screen
    from bot.index.build import BuildReport

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], Awaitable[None]]  # (files read, files in all, the name of the last one)
SwapHook = Callable[["Index | None", Index], Awaitable[None]]  # (the index before, the one now current)


READ_ONLY_REASON = (
    "this bot serves an index built elsewhere (INDEX_READ_ONLY is set): rebuild it where it is built "
    "(`citebot index`), and every bot serving it switches to the new file by itself"
)


class RebuildFailed(Exception):
    """No new index could be built or opened; the current one is still answering."""

    def __init__(self, reason: str, skipped: Iterable[Skipped] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.skipped = list(skipped)


class ScreenCache:
    """Rendered answers of the open index by (view, argument), so that ▶ and ◀ take a page of an answer
    rendered a moment ago instead of rendering all of it again. Bounded by entries and by characters; emptied
    when the index is swapped (and an answer of an index no longer current is never kept)."""

    def __init__(self, entries: int = 64, characters: int = 4_000_000) -> None:
        self.entries = entries
        self.characters = characters
        self._screens: OrderedDict[tuple[int, str, str], tuple[Screen, int]] = OrderedDict()
        self._size = 0
        self.current: object | None = None  # the index whose answers may be kept

    def get(self, index: object, view: str, arg: str) -> Screen | None:
        key = (id(index), view, arg)
        entry = self._screens.get(key)
        if entry is None or index is not self.current:
            return None
        self._screens.move_to_end(key)
        return entry[0]

    def put(self, index: object, view: str, arg: str, screen: Screen) -> None:
        size = sum(len(page) for page in screen.pages)
        if index is not self.current or size > self.characters // 4:
            return
        key = (id(index), view, arg)
        if key in self._screens:
            self._size -= self._screens.pop(key)[1]
        self._screens[key] = (screen, size)
        self._size += size
        while len(self._screens) > self.entries or self._size > self.characters:
            self._size -= self._screens.popitem(last=False)[1][1]

    def clear(self, current: object | None = None) -> None:
        self._screens.clear()
        self._size = 0
        self.current = current


class IndexHolder:
    """Holds the current `Index`. Readers borrow it with `async with holder.use() as index:`; a swap waits for
    the old index's readers to finish before closing it, so no query ever sees a closed connection. A rebuild
    (/reload) is asked of the holder: it builds beside the current index, then opens and swaps the new one."""

    def __init__(self, index: Index | None = None) -> None:
        self._index = index
        self._readers: dict[int, int] = {}  # id(index) → queries in flight on it
        self._idle = asyncio.Condition()
        self.reload_lock = asyncio.Lock()  # one rebuild at a time
        self.screens = ScreenCache()
        self.screens.clear(index)
        # Awaited after every swap, whatever made it (/reload, a new index file), while the old index is still
        # open: what a hook compares or reads of it is there. A hook that fails is logged; the swap stands.
        self.on_swap: list[SwapHook] = []
        self.file: FileState | None = None  # of the index file the current index was opened from
        self._unusable: FileState | None = None  # a replacement that could not be opened, until it changes
        self.build_command: Sequence[str] | None = None  # how a rebuild starts its child; None: `citebot index`
        self.build_environment: dict[str, str] = {}  # what the child must see of the settings
        self.building: int | None = None  # the process id of the build running now
        self.read_only = False  # INDEX_READ_ONLY: the index is built elsewhere; a rebuild is refused
        # Indexes swapped out but not closed yet (their last readers are still at work). `close` closes them too:
        # a swap cut short by the bot stopping must not leave their connections' threads to keep the process alive.
        self._retired: list[Index] = []

    @property
    def current(self) -> Index | None:
        return self._index

    @contextlib.asynccontextmanager
    async def use(self) -> AsyncIterator[Index]:
        index = self._index
        if index is None:
            raise RuntimeError("the index is not open")
        self._readers[id(index)] = self._readers.get(id(index), 0) + 1
        try:
            yield index
        finally:
            async with self._idle:
                self._readers[id(index)] -= 1
                if not self._readers[id(index)]:
                    del self._readers[id(index)]
                self._idle.notify_all()

    async def swap(self, new: Index) -> None:
        """Make `new` current, then close the old index once its in-flight queries are done."""
        old, self._index = self._index, new
        self.screens.clear(new)
        if old is new:
            return
        for hook in list(self.on_swap):
            try:
                await hook(old, new)
            except Exception:
                log.exception("a swap hook failed; the new index is in place")
        if old is None:
            return
        self._retired.append(old)
        await self._retire(old)

    async def _retire(self, index: Index) -> None:
        async with self._idle:
            await self._idle.wait_for(lambda: id(index) not in self._readers)
        await index.close()
        if index in self._retired:
            self._retired.remove(index)

    async def close(self) -> None:
        """Close the current index and any swapped-out one still open, each once its readers are done."""
        index, self._index = self._index, None
        self.screens.clear()
        for each in ([index] if index is not None else []) + list(self._retired):
            await self._retire(each)

    async def claim_rebuild(self) -> bool:
        """Take the one rebuild slot; False when a rebuild holds it. Whoever asks for a rebuild takes it before the
        rebuild's task starts (a second /reload of the same batch of updates then finds it taken) and gives it back
        with `release_rebuild` once that task is done, or was cancelled before it ever ran."""
        if self.reload_lock.locked():
            return False
        await self.reload_lock.acquire()  # free: taken at once, without letting another update in
        return True

    def release_rebuild(self) -> None:
        self.reload_lock.release()

    async def open_file(self, db_path: Path) -> Index:
        """Open the index file at `db_path` and make it current; raises IndexUnavailable (the current one kept)."""
        state = file_state(db_path)
        index = await Index.open(Path(db_path))
        await self.swap(index)
        self.file = state
        return index

    async def follow(self, db_path: Path) -> bool:
        """Switch to the file at `db_path` when it is no longer the one the current index was opened from (a
        `citebot index` or a build job replaced it); whether it switched. A file that cannot be opened (another
        schema version, not an index) is said once and not tried again until it changes; the current index keeps
        answering. Never while a rebuild runs: the rebuild swaps its own file in."""
        state = file_state(db_path)
        if state is None or state == self.file or state == self._unusable or self._index is None:
            return False
        if not await self.claim_rebuild():
            return False
        try:
            index = await Index.open(Path(db_path))
        except IndexUnavailable as why:
            self._unusable = state
            log.warning("the index file was replaced, but the new one cannot be used (%s); still answering from the "
                        "one before", why)
            return False
        finally:
            self.release_rebuild()
        try:
            articles = (await index.stats()).articles
        except BaseException:  # the bot stopping: the new index is nobody's to close but ours
            await index.close()
            raise
        self.file = state
        log.info("switched to the index file written beside the bot (%s)", plural(articles, "article"))
        await self.swap(index)
        return True

    async def rebuild(
        self,
        seeds_dir: Path,
        db_path: Path,
        progress: Progress | None = None,
        every: float = 1.0,
        interrupted: Callable[[], Awaitable[None]] | None = None,
    ) -> BuildReport:
        """Build a new index from the seeds in a child process (`citebot index --json`: the build's memory and
        cores are not this process's) while the current one keeps answering, then open it and swap it in; its
        report. `progress` is awaited at most every `every` seconds while files are read.

        Raises RebuildFailed, the current index kept, when no index could be built or opened. When the task is
        cancelled during the build (the bot stopping), the child is stopped, `interrupted` is awaited, and the
        cancellation goes on."""
        from bot.index import child  # the build's side is only needed when there is something to build

        if self.read_only:
            raise RebuildFailed(READ_ONLY_REASON)
        read: dict[str, Any] = {"done": 0, "total": 0, "file": ""}

        def on_progress(done: int, total: int, file_name: str) -> None:
            read.update(done=done, total=total, file=file_name)

        def started(pid: int) -> None:
            self.building = pid

        building = asyncio.ensure_future(child.build_in_child(
            Path(seeds_dir), Path(db_path), on_progress, command=self.build_command,
            environment=self.build_environment, started=started,
        ))
        try:
            while not building.done():
                await asyncio.wait({building}, timeout=every)
                if not building.done() and read["total"] and progress is not None:
                    await progress(read["done"], read["total"], read["file"])
        except asyncio.CancelledError:  # the bot is stopping: the build is stopped, the old index stays
            building.cancel()
            with contextlib.suppress(BaseException):
                await building
            log.warning("reload interrupted: the bot is stopping; the index was not changed")
            if interrupted is not None:
                await interrupted()
            raise
        finally:
            self.building = None
        try:
            report = building.result()
            state = file_state(db_path)
            new_index = await Index.open(Path(db_path))
        except unavailable_errors() as error:
            log.warning("reload failed: %s", error)
            raise RebuildFailed(str(error), getattr(error, "skipped", ())) from error
        except Exception as error:
            log.exception("reload failed")
            raise RebuildFailed("the new index could not be built (the log has the details)") from error
        await self.swap(new_index)  # before anyone is told: a failed message must not keep the old index
        self.file = state
        log.info("reload done: %s articles, %s skipped", report.articles, len(report.skipped))
        return report


FileState = tuple[int, int, int, int]


def file_state(path: Path) -> FileState | None:
    """What tells one file at a path from the next one put there (device, inode, mtime, size); None if absent."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino, status.st_mtime_ns, status.st_size)
