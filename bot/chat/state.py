"""What the handlers share, typed: `context.bot_data` is a BotData (the Application is built with
`ContextTypes(bot_data=BotData)`): the settings, the index holder, and the background work of each update."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.chat.answers import AnswerMemory
from bot.chat.follows import FollowStore
from bot.chat.holder import IndexHolder
from bot.config import Settings


class BotData:
    """The bot's shared state. PTB makes it without arguments; `build_application` sets the settings."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self.index = IndexHolder()
        self.follows: FollowStore | None = None  # opened in post_init
        self.answers = AnswerMemory()  # which message answered which question, for edited questions
        self.background: dict[int, set[asyncio.Task[Any]]] = {}  # update_id → tasks its handlers started
        self.loops: set[asyncio.Task[Any]] = set()  # what runs as long as the bot does (bot.chat.watch)
        self.heartbeat_at: float | None = None  # loop time of the last heartbeat handled
        self.heartbeat_failed = False  # the heartbeat file could not be written (said once)
        self.watching = asyncio.Event()  # set once the watch has taken its first look (bot.chat.watch)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            raise RuntimeError("no settings: the Application was not made by build_application")
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = settings


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]  # what every handler is given


def holder_of(bot_data: BotData) -> IndexHolder:
    return bot_data.index


def track_background(app: Application, update_id: int | None, task: asyncio.Task[Any]) -> None:
    """Remember a task a handler started for an update (a /reload's rebuild), so whoever fed the update — the
    console, a test — can wait for what it caused."""
    if update_id is None:
        return
    tasks = app.bot_data.background
    tasks.setdefault(update_id, set()).add(task)

    def forget(done: asyncio.Task[Any]) -> None:
        pending = tasks.get(update_id)
        if pending is not None:
            pending.discard(done)
            if not pending:
                tasks.pop(update_id, None)

    task.add_done_callback(forget)


def update_of(app: Application, task: asyncio.Task[Any] | None) -> int | None:
    """The update a background task was started for (so what it starts in turn is waited on with it)."""
    for update_id, tasks in app.bot_data.background.items():
        if task in tasks:
            return update_id
    return None


def background_tasks(app: Application, update_id: int | None = None) -> list[asyncio.Task[Any]]:
    """The unfinished background tasks of one update (or of all updates)."""
    tasks: dict[int, set[asyncio.Task[Any]]] = app.bot_data.background
    chosen = tasks.get(update_id, set()) if update_id is not None else {t for group in tasks.values() for t in group}
    return [task for task in chosen if not task.done()]
