"""The one composition root: `build_application(settings, request=None)` wires every handler, the index
lifecycle and the command menus. `citebot run`, `citebot console`, the tests and the benchmarks all use it."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram import BotCommandScopeChat, BotCommandScopeDefault, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.chat import commands, handlers
from bot.chat.sending import ResendOnDroppedConnection
from bot.chat.state import holder_of
from bot.config import Settings
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
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:  # real Telegram: queue sends within flood limits, retry a 429 after `retry_after`, resend a dropped send
        builder = builder.rate_limiter(ResendOnDroppedConnection(AIORateLimiter(max_retries=SEND_RETRIES)))
    application = builder.build()
    application.bot_data[handlers.SETTINGS] = settings
    register_handlers(application, settings)
    return application


def register_handlers(application: Application, settings: Settings) -> None:
    """Every handler, in one place. Order matters within group 0: commands, then unknown commands, then text."""
    admins = filters.User(user_id=settings.admin_ids)
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("who", handlers.who))
    application.add_handler(CommandHandler("sector", handlers.sector))
    application.add_handler(CommandHandler("agreements", handlers.agreements))
    application.add_handler(CommandHandler("search", handlers.search))
    application.add_handler(CommandHandler("sources", handlers.sources))
    application.add_handler(CommandHandler("figures", handlers.figures))
    application.add_handler(CommandHandler("reload", handlers.reload, filters=admins))
    application.add_handler(CommandHandler("reload", handlers.reload_refused))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(InlineQueryHandler(handlers.inline))
    application.add_handler(MessageHandler(filters.COMMAND & ADDRESSED_TO_ME, handlers.unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, handlers.plain_text))
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
    settings: Settings = application.bot_data[handlers.SETTINGS]
    db_path = Path(settings.db_path)
    try:
        index = await Index.open(db_path)
    except IndexUnavailable as why:
        log.info("%s; building the index from %s", why, settings.seeds_dir)
        index = await _build_and_open(settings, db_path)
    holder = holder_of(application.bot_data)
    await holder.swap(index)
    await publish_menus(application, settings)


async def _build_and_open(settings: Settings, db_path: Path) -> Index:
    from bot.index.build import build_index  # the ingest layer is only needed when there is something to build

    db_path.parent.mkdir(parents=True, exist_ok=True)
    report = await asyncio.to_thread(build_index, Path(settings.seeds_dir), db_path)
    log.info("built the index: %s, %s skipped", plural(report.articles, "article"), plural(len(report.skipped), "file"))
    return await Index.open(db_path)


async def publish_menus(application: Application, settings: Settings) -> None:
    bot = application.bot
    try:
        await bot.set_my_commands(commands.bot_commands(), scope=BotCommandScopeDefault())
        for admin_id in sorted(settings.admin_ids):
            await bot.set_my_commands(commands.bot_commands(include_admin=True), scope=BotCommandScopeChat(admin_id))
        await bot.set_my_description(DESCRIPTION)
        await bot.set_my_short_description(SHORT_DESCRIPTION)
    except TelegramError:  # menus are a nicety; the bot answers without them (e.g. an admin who never started it)
        log.warning("could not publish the command menus", exc_info=True)


async def post_shutdown(application: Application) -> None:
    await holder_of(application.bot_data).close()
