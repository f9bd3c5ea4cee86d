"""The one composition root: `build_application(settings, request=None)` wires every handler, the index
lifecycle and the command menus. `citebot run`, `citebot console`, the tests and the benchmarks all use it."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import json
import logging
import os
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from telegram import (
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    LinkPreviewOptions,
    MenuButtonCommands,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.chat import callbacks, commands, handlers, notify, watch
from bot.chat.follows import SqliteFollowStore, follows_file
from bot.chat.sending import BotApiRequest, ResendOnDroppedConnection
from bot.chat.holder import IndexHolder
from bot.chat.state import BotData, background_tasks, track_background, update_of
from bot.config import Settings
from bot.index.child import build_in_child, child_environment
from bot.index.query import Index, IndexUnavailable
from bot.models import plural

log = logging.getLogger(__name__)

OFFLINE_TOKEN = "0:offline"
SEND_RETRIES = 3
DESCRIPTION = (
    "citebot answers questions about news articles — people, organisations, agreements, sectors, figures — "
    "and quotes the exact sentence behind every fact, with outlet, date and link, so you can check it."
)
SHORT_DESCRIPTION = "Cited answers from news articles: every fact with its source sentence."


STOP_GRACE = 5.0  # seconds the updates still queued at a stop get to be answered; the rest are dropped
CONCURRENT_UPDATES = 32  # updates of different chats handled at the same time


class PerChatUpdates(BaseUpdateProcessor):
    """Updates of different chats are handled at the same time (up to CONCURRENT_UPDATES), those of one chat
    (or, for inline queries, of one user) one after the other, in order. PTB's default handles every update
    after the previous one: one slow answer kept every other chat waiting.

    An update waits for its chat's turn before it takes one of the places, so a chat that sends a hundred
    messages does not take them all. Once `close()` is called, updates still waiting are dropped."""

    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._turns: dict[object, tuple[asyncio.Lock, list[int]]] = {}
        self.waiting = 0
        self.closing = False

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        lock, users = self._turns.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        self.waiting += 1
        started = False
        try:
            async with lock:
                if not self.closing:
                    self.waiting -= 1
                    started = True
                    await super().process_update(update, coroutine)
        finally:
            if not started:
                self.waiting -= 1
                if inspect.iscoroutine(coroutine):
                    coroutine.close()  # dropped at a stop: never to be run
            users[0] -= 1
            if not users[0]:
                self._turns.pop(key, None)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        self.closing = False

    async def shutdown(self) -> None:
        return None

    def close(self) -> int:
        """Drop the updates still waiting for their turn; how many they are."""
        self.closing = True
        return self.waiting


def _chat_key(update: object) -> object:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return None


class CitebotApplication(Application):
    """PTB's Application, except that stopping takes at most STOP_GRACE seconds for what is queued: PTB answers
    every queued update first (1,500 of them at Telegram's 30 a second took 46 s, past the deploy files' 30 s
    grace), and waits for background tasks such as a /reload's build. Here the queue gets STOP_GRACE seconds,
    the updates left are dropped (one WARNING line says how many), and background tasks are cancelled."""

    async def stop(self) -> None:
        for task in self.bot_data.loops:  # the watch and the heartbeat (bot.chat.watch): nothing new while stopping
            task.cancel()
        if self.running:
            await self._drain(STOP_GRACE)
        await super().stop()

    async def _drain(self, grace: float) -> None:
        loop = asyncio.get_running_loop()
        processor = self.update_processor
        waiting = processor if isinstance(processor, PerChatUpdates) else None
        deadline = loop.time() + grace
        while (not self.update_queue.empty() or (waiting is not None and waiting.waiting)) and loop.time() < deadline:
            await asyncio.sleep(0.05)
        dropped = waiting.close() if waiting is not None else 0
        while True:
            try:
                queued = self.update_queue.get_nowait()
            except asyncio.QueueEmpty:
                break
            self.update_queue.task_done()
            dropped += isinstance(queued, Update)
        if dropped:
            log.warning("stopping: %s left unanswered", plural(dropped, "queued update"))
        for task in background_tasks(self):
            task.cancel()



def build_application(settings: Settings, request: BaseRequest | None = None) -> Application:
    """The bot as an Application. With `request` (e.g. an OfflineRequest) no network is ever used."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if request is not None:  # offline (console, tests): a real BOT_TOKEN in the environment must never be used
        token = OFFLINE_TOKEN
    elif settings.bot_token is not None:
        token = settings.bot_token.get_secret_value()
    else:
        raise ValueError("BOT_TOKEN is not set; pass an offline request (citebot console) or set BOT_TOKEN")
    builder = (
        ApplicationBuilder()
        .application_class(CitebotApplication)
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .context_types(ContextTypes(bot_data=BotData))
        .concurrent_updates(PerChatUpdates())
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:  # real Telegram: queue sends within flood limits, retry a 429 after `retry_after`, resend a lost send
        builder = (
            builder.request(BotApiRequest(connection_pool_size=256))
            .get_updates_request(BotApiRequest(connection_pool_size=1))
            .rate_limiter(ResendOnDroppedConnection(AIORateLimiter(max_retries=SEND_RETRIES)))
        )
    application = builder.build()
    application.bot_data.settings = settings
    register_handlers(application, settings)
    return application


def register_handlers(application: Application, settings: Settings) -> None:
    """Every handler, in one place. Order matters within group 0: deep links before the plain /start, commands,
    then unknown commands, then text; each kind of button press before the catch-all for stale ones."""
    admins = filters.User(user_id=settings.admin_ids)
    for kind, deep_link in (
        ("help", handlers.start_help),
        ("who", handlers.start_who),
        ("sector", handlers.start_sector),
        ("search", handlers.start_search),
        ("named", handlers.start_view),
        ("agreements", handlers.start_view),
        ("sources", handlers.start_view),
        ("figures", handlers.start_view),
        ("timeline", handlers.start_timeline),
    ):
        application.add_handler(CommandHandler("start", deep_link, filters.Regex(callbacks.start_pattern(kind))))
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("who", handlers.who))
    application.add_handler(CommandHandler("sector", handlers.sector))
    application.add_handler(CommandHandler("agreements", handlers.agreements))
    application.add_handler(CommandHandler("search", handlers.search))
    application.add_handler(CommandHandler("sources", handlers.sources))
    application.add_handler(CommandHandler("figures", handlers.figures))
    application.add_handler(CommandHandler("timeline", handlers.timeline))
    application.add_handler(CommandHandler("follow", handlers.follow))
    application.add_handler(CommandHandler("unfollow", handlers.unfollow))
    application.add_handler(CommandHandler("following", handlers.following))
    application.add_handler(CommandHandler("reload", handlers.reload, filters=admins))
    application.add_handler(CommandHandler("reload", handlers.reload_refused))
    application.add_handler(CallbackQueryHandler(handlers.open_entry, pattern=callbacks.OPEN_PATTERN))
    application.add_handler(CallbackQueryHandler(handlers.turn_page, pattern=callbacks.page_pattern()))
    application.add_handler(CallbackQueryHandler(handlers.open_view, pattern=callbacks.open_view_pattern()))
    application.add_handler(CallbackQueryHandler(handlers.page_indicator, pattern=callbacks.NOOP_PATTERN))
    application.add_handler(CallbackQueryHandler(handlers.follow_press, pattern=callbacks.FOLLOW_PATTERN))
    application.add_handler(CallbackQueryHandler(handlers.notice_page, pattern=callbacks.NOTICE_PATTERN))
    application.add_handler(CallbackQueryHandler(handlers.timeline_press, pattern=callbacks.TIMELINE_PATTERN))
    application.add_handler(CallbackQueryHandler(handlers.stale_button))  # anything else
    application.add_handler(InlineQueryHandler(handlers.inline))
    application.add_handler(MessageHandler(filters.COMMAND & ADDRESSED_TO_ME, handlers.unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, handlers.plain_text))
    application.add_handler(TypeHandler(watch.Heartbeat, watch.beat), group=-1)  # before any other handler
    application.add_error_handler(handlers.on_error)


class _AddressedToMe(filters.MessageFilter):
    """A command meant for this bot: `/x@thisbot` anywhere, bare `/x` only in a private chat. In a group a bare
    unknown command, or one addressed to another bot, is none of our business."""

    def filter(self, message: Message) -> bool:
        return commands.addressed_to(message.text or "", message.chat.type, message.get_bot().username)


ADDRESSED_TO_ME = _AddressedToMe(name="ADDRESSED_TO_ME")


async def post_init(application: Application) -> None:
    """Open the index (building it from the seeds first when there is none, or it is of another schema version),
    then publish the command menus."""
    settings = application.bot_data.settings
    db_path = Path(settings.db_path)
    holder = application.bot_data.index
    holder.build_environment.update(child_environment(settings))
    holder.read_only = settings.index_read_only
    from bot.index.build import remove_leftovers

    if not settings.index_read_only:
        for leftover in remove_leftovers(db_path, ours_too=True):
            log.info("removed %s, left by a build that was stopped", leftover.name)
    try:
        await holder.open_file(db_path)
    except IndexUnavailable as why:
        if settings.index_read_only:
            raise IndexUnavailable(f"{why}; INDEX_READ_ONLY is set, so build it with `citebot index` first") from why
        log.info("%s; building the index from %s", why, settings.seeds_dir)
        await _build_and_open(holder, settings, db_path)
    store_path = follows_path(settings)
    if store_path is None:
        log.info("following is off: INDEX_READ_ONLY is set and FOLLOWS_PATH is not (nothing is written beside the index)")
    else:
        application.bot_data.follows = await SqliteFollowStore.open(store_path)
        holder.on_swap.append(functools.partial(notify_followers, application))
    await publish_menus(application, settings)


def follows_path(settings: Settings) -> Path | None:
    """FOLLOWS_PATH, else beside the index; None for a read-only replica without FOLLOWS_PATH (it writes nothing
    beside an index built elsewhere), which then has no follows."""
    if settings.follows_path:
        return Path(settings.follows_path)
    return None if settings.index_read_only else follows_file(Path(settings.db_path))


async def notify_followers(application: Application, old: Index | None, new: Index) -> None:
    """The index holder's swap hook: what the new index says about what users follow goes to them, sent in the
    background (waited on with the update that caused the swap, such as a /reload)."""
    store = application.bot_data.follows
    if old is None or store is None:
        return
    news = await notify.news(old, new, store)
    if not news or not await store.claim(notify.batch_of(new)):  # another replica sharing the store sends them
        return
    task = application.create_task(notify.send_news(application.bot, store, news), name="citebot-notify")
    track_background(application, update_of(application, asyncio.current_task()), task)


async def _build_and_open(holder: IndexHolder, settings: Settings, db_path: Path) -> None:
    """Build the index in a child process (as /reload does: the build's memory never becomes the bot's), open it."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    report = await build_in_child(
        Path(settings.seeds_dir), db_path, command=holder.build_command, environment=holder.build_environment
    )
    log.info("built the index: %s, %s skipped", plural(report.articles, "article"), plural(len(report.skipped), "file"))
    await holder.open_file(db_path)


async def publish_menus(application: Application, settings: Settings) -> None:
    """The public menu, each admin's menu with /reload, and the descriptions, each published on its own: menus
    are a nicety, so a refusal (an admin who never wrote to the bot: "chat not found") is one WARNING line and
    the rest still go out. Ids that had the admin menu and are no longer admins lose it again; who had it is
    kept in a file beside the index, so that holds across restarts."""
    bot = application.bot
    record = admin_menus_file(Path(settings.db_path))
    had = _read_admin_menus(record)
    have: set[int] = set()

    async def attempt(what: str, call: Awaitable[object]) -> bool:
        try:
            await call
        except TelegramError as error:
            log.warning("could not %s: %s", what, error)
            return False
        return True

    for language in (None, *commands.MENU_LANGUAGES):
        suffix = f" ({language})" if language else ""
        await attempt(f"publish the command menu{suffix}", bot.set_my_commands(
            commands.bot_commands(language=language), scope=BotCommandScopeDefault(), language_code=language))
        await attempt(f"publish the group menu{suffix}", bot.set_my_commands(
            commands.bot_commands(language=language, groups=True), scope=BotCommandScopeAllGroupChats(),
            language_code=language))
    await attempt("set the menu button", bot.set_chat_menu_button(menu_button=MenuButtonCommands()))
    for admin_id in sorted(settings.admin_ids):
        published = True
        for language in (None, *commands.MENU_LANGUAGES):
            menu = commands.bot_commands(include_admin=True, language=language)
            published &= await attempt(f"publish the admin menu for {admin_id}", bot.set_my_commands(
                menu, scope=BotCommandScopeChat(admin_id), language_code=language))
            if not published:  # e.g. "chat not found": the other languages would fail alike
                break
        if published:
            have.add(admin_id)
    for former in sorted(had - settings.admin_ids):
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(former))
        except BadRequest as error:  # no such chat: there is no menu to take back
            log.info("no admin menu to remove for %s: %s", former, error)
        except TelegramError as error:
            log.warning("could not remove the admin menu of %s, no longer an admin: %s", former, error)
            have.add(former)  # try again at the next start
        else:
            for language in commands.MENU_LANGUAGES:
                with contextlib.suppress(TelegramError):
                    await bot.delete_my_commands(scope=BotCommandScopeChat(former), language_code=language)
            log.info("removed the admin menu of %s, no longer an admin", former)
    await attempt("publish the description", bot.set_my_description(DESCRIPTION))
    await attempt("publish the short description", bot.set_my_short_description(SHORT_DESCRIPTION))
    if have != had and not settings.index_read_only:  # a read-only replica writes nothing beside the index
        _write_admin_menus(record, have)


def admin_menus_file(db_path: Path) -> Path:
    """Where the ids that were given the admin menu are kept: beside the index, `<DB_PATH>.admin-menus.json`."""
    return db_path.with_name(db_path.name + ".admin-menus.json")


def _read_admin_menus(path: Path) -> set[int]:
    try:
        ids = json.loads(path.read_text(encoding="utf-8")).get("admin_menus", [])
        return {int(i) for i in ids}
    except FileNotFoundError:
        return set()
    except (OSError, ValueError, TypeError, AttributeError) as error:
        log.warning("ignoring %s, which cannot be read: %s", path, error)
        return set()


def _write_admin_menus(path: Path, ids: set[int]) -> None:
    temp = path.with_name(path.name + f".{os.getpid()}")
    try:
        temp.write_text(json.dumps({"admin_menus": sorted(ids)}) + "\n", encoding="utf-8")
        os.replace(temp, path)
    except OSError as error:
        log.warning("could not record who has the admin menu in %s: %s", path, error)
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


async def post_shutdown(application: Application) -> None:
    await application.bot_data.index.close()
    store, application.bot_data.follows = application.bot_data.follows, None
    if store is not None:
        await store.close()
