"""The open index shared by all handlers, swapped atomically by /reload while queries keep being answered."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from telegram.ext import Application

from bot.index.query import Index

if TYPE_CHECKING:
    from bot.chat.render import Screen

T = TypeVar("T")
INDEX_HOLDER = "index_holder"  # bot_data key
BACKGROUND_TASKS = "background_tasks"  # bot_data key: update_id → tasks the handlers started for it


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
    the old index's readers to finish before closing it, so no query ever sees a closed connection."""

    def __init__(self, index: Index | None = None) -> None:
        self._index = index
        self._readers: dict[int, int] = {}  # id(index) → queries in flight on it
        self._idle = asyncio.Condition()
        self.reload_lock = asyncio.Lock()  # one /reload at a time; also guards the swap
        self.screens = ScreenCache()
        self.screens.clear(index)

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
        if old is None or old is new:
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


def holder_of(bot_data: dict[str, Any]) -> IndexHolder:
    holder = bot_data.get(INDEX_HOLDER)
    if holder is None:
        holder = bot_data[INDEX_HOLDER] = IndexHolder()
    return holder


def track_background(app: Application, update_id: int | None, task: asyncio.Task[Any]) -> None:
    """Remember a task a handler started for an update (a /reload's rebuild), so whoever fed the update — the
    console, a test — can wait for what it caused."""
    if update_id is None:
        return
    tasks: dict[int, set[asyncio.Task[Any]]] = app.bot_data.setdefault(BACKGROUND_TASKS, {})
    tasks.setdefault(update_id, set()).add(task)

    def forget(done: asyncio.Task[Any]) -> None:
        pending = tasks.get(update_id)
        if pending is not None:
            pending.discard(done)
            if not pending:
                tasks.pop(update_id, None)

    task.add_done_callback(forget)


def background_tasks(app: Application, update_id: int | None = None) -> list[asyncio.Task[Any]]:
    """The unfinished background tasks of one update (or of all updates)."""
    tasks: dict[int, set[asyncio.Task[Any]]] = app.bot_data.get(BACKGROUND_TASKS, {})
    chosen = tasks.get(update_id, set()) if update_id is not None else {t for group in tasks.values() for t in group}
    return [task for task in chosen if not task.done()]
