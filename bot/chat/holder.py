"""The open index shared by all handlers: borrowed by every query, rebuilt and swapped in by /reload while the
old one keeps answering, closed once no query still uses it; and the screens rendered from it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.index.query import Index, unavailable_errors
from bot.models import Skipped

if TYPE_CHECKING:
    from bot.chat.render import Screen
    from bot.index.build import BuildReport

log = logging.getLogger(__name__)

T = TypeVar("T")
Progress = Callable[[int, int, str], Awaitable[None]]  # (files read, files in all, the name of the last one)
SwapHook = Callable[["Index | None", Index], Awaitable[None]]  # (the index before, the one now current)


class RebuildFailed(Exception):
    """No new index could be built or opened; the current one is still answering."""

    def __init__(self, reason: str, skipped: Iterable[Skipped] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.skipped = list(skipped)


class BuildStopped(Exception):
    """Raised in the build thread, at its next file, when the bot stops during a rebuild."""


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
        async with self._idle:
            await self._idle.wait_for(lambda: id(old) not in self._readers)
        await old.close()

    async def close(self) -> None:
        index, self._index = self._index, None
        self.screens.clear()
        if index is not None:
            async with self._idle:
                await self._idle.wait_for(lambda: id(index) not in self._readers)
            await index.close()

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

    async def rebuild(
        self,
        seeds_dir: Path,
        db_path: Path,
        progress: Progress | None = None,
        every: float = 1.0,
        interrupted: Callable[[], Awaitable[None]] | None = None,
    ) -> BuildReport:
        """Build a new index from the seeds in a thread while the current one keeps answering, then open it and
        swap it in; its report. `progress` is awaited at most every `every` seconds while files are read.

        Raises RebuildFailed, the current index kept, when no index could be built or opened. When the task is
        cancelled during the build (the bot stopping), the build ends at its next file, `interrupted` is awaited,
        and the cancellation goes on."""
        from bot.index import build  # the ingest layer is only needed when there is something to build

        loop = asyncio.get_running_loop()
        read: dict[str, Any] = {"done": 0, "total": 0, "file": ""}
        stopping = threading.Event()

        def on_file(done: int, total: int, file_name: str) -> None:  # called from the build thread
            if stopping.is_set():
                raise BuildStopped("the bot is stopping")
            with contextlib.suppress(RuntimeError):  # the loop is closed: the bot has stopped
                loop.call_soon_threadsafe(read.update, {"done": done, "total": total, "file": file_name})

        building = in_daemon_thread(build.build_index, Path(seeds_dir), Path(db_path), on_file)
        try:
            while not building.done():
                await asyncio.wait({building}, timeout=every)
                if not building.done() and read["total"] and progress is not None:
                    await progress(read["done"], read["total"], read["file"])
        except asyncio.CancelledError:  # the bot is stopping: the build ends at its next file, the old index stays
            stopping.set()
            building.cancel()  # nobody will look at its result
            log.warning("reload interrupted: the bot is stopping; the index was not changed")
            if interrupted is not None:
                await interrupted()
            raise
        try:
            report = building.result()
            new_index = await Index.open(Path(db_path))
        except unavailable_errors() as error:
            log.warning("reload failed: %s", error)
            raise RebuildFailed(str(error), error.skipped if isinstance(error, build.BuildError) else ()) from error
        except Exception as error:
            log.exception("reload failed")
            raise RebuildFailed("the new index could not be built (the log has the details)") from error
        await self.swap(new_index)  # before anyone is told: a failed message must not keep the old index
        log.info("reload done: %s articles, %s skipped", report.articles, len(report.skipped))
        return report


def in_daemon_thread(function: Callable[..., T], *args: Any) -> asyncio.Future[T]:
    """`function(*args)` in a daemon thread of its own, as a future of the running loop. Unlike
    asyncio.to_thread, nothing waits for that thread when the process ends: a stopping bot does not wait for
    an index build (whose temporary file the next start removes)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def work() -> None:
        try:
            result, error = function(*args), None
        except BaseException as failure:  # noqa: BLE001 - handed to whoever awaits the future
            result, error = None, failure
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is waiting any more
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name=f"citebot-{getattr(function, '__name__', 'work')}", daemon=True).start()
    return future
