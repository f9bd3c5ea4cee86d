"""`citebot run`: serve the bot against the Bot API, by long polling or (with WEBHOOK_URL) on citebot's own
webhook server (bot.chat.webhook).

The Application comes from `bot.chat.app.build_application`; this module decides how updates arrive and makes
start-up and shutdown explicit: one clear line (no traceback) for settings that cannot work, a token Telegram
rejects or a Bot API it cannot reach; on SIGTERM/SIGINT a stop within STOP_TIMEOUT seconds whatever is queued
(post_shutdown closes the index), and one closing log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus, urlsplit

from telegram import Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError

from bot.config import MIN_SECRET, SECRET_TOKEN, ConfigError, Settings, load_settings
from bot.logs import DropRecords, redact, setup_logging

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.chat.webhook import WebhookServer

logger = logging.getLogger(__name__)

# Only the update types the handlers use; Telegram then does not even send the rest.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
STOP_TIMEOUT = 9.0  # seconds from SIGTERM to exit at the most (the deploy files give 30 before SIGKILL)
NO_TOKEN_MESSAGE = (
    "citebot run: BOT_TOKEN is not set. Create a bot with @BotFather in Telegram (/newbot), put "
    "BOT_TOKEN=<token> in .env or the environment, and run again; or try the bot offline now with `citebot console`."
)
INVALID_TOKEN_MESSAGE = "citebot run: Telegram rejected BOT_TOKEN (401 Unauthorized); check it with @BotFather (/token)"
# A token Telegram rejects stays rejected: the deploy files do not restart on this code (sysexits' EX_CONFIG).
EXIT_TOKEN_REJECTED = 78
# PTB logs a failed start-up with a full traceback ("Network Retry Loop (Bootstrap Initialize Application): ...");
# run() says the same in one line instead.
_BOOTSTRAP_LOG = "Network Retry Loop (Bootstrap"


def token_status() -> int:
    """For citebot.sh: 0 when BOT_TOKEN is set, 1 when it is not, 2 (after one line on stderr) for bad settings."""
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"citebot: {error}", file=sys.stderr)
        return 2
    return 0 if settings.bot_token else 1


def webhook_url_path(webhook_url: str) -> str:
    """The local path PTB serves: the public URL's path (a reverse proxy forwards it unchanged), without slashes."""
    return urlsplit(webhook_url).path.strip("/")


def _carries(url: str, token: str) -> bool:
    """Whether the URL holds the token, or its secret part, in any percent-encoding (`123456%3AAAH…`)."""
    secret_part = token.partition(":")[2] or token
    for _ in range(10):  # %253A → %3A → ':'
        if token in url or secret_part in url:
            return True
        decoded = unquote_plus(url)
        if decoded == url:
            break
        url = decoded
    return False


def _check_webhook(settings: Settings, token: str) -> str:
    """The webhook secret, after refusing settings that would accept forged updates or expose the token."""
    url = settings.webhook_url or ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError("WEBHOOK_URL must be a full URL such as https://bot.example.org/telegram")
    if _carries(url, token):
        raise ConfigError("WEBHOOK_URL must not contain the bot token; WEBHOOK_SECRET authenticates Telegram")
    if settings.webhook_secret is None:
        raise ConfigError(
            "WEBHOOK_URL is set but WEBHOOK_SECRET is not: without it anyone could post forged updates; "
            f"set WEBHOOK_SECRET to {MIN_SECRET}-256 characters of A-Z a-z 0-9 _ -"
        )
    secret = settings.webhook_secret.get_secret_value()
    if not SECRET_TOKEN.fullmatch(secret):
        raise ConfigError(f"WEBHOOK_SECRET must be {MIN_SECRET}-256 characters of A-Z a-z 0-9 _ -")
    return secret


async def serve(application: Application, settings: Settings, secret: str | None) -> None:
    """Start the bot (updates by long polling, or on the webhook server when `secret` is given), serve until
    SIGTERM/SIGINT, then stop. A failure to start propagates after whatever had started is stopped again."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, _stop_requested, stop)
    server: WebhookServer | None = None
    try:
        starting = asyncio.ensure_future(_start(application, settings, secret))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():  # a stop signal while building the index: no need to finish starting
            logger.info("stop requested while starting")
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            return
        stopping.cancel()
        server = starting.result()  # raises what kept the bot from starting
        from bot.chat import watch

        watch.start(application)  # follow the index file, rebuild on changed seeds, beat the heart
        await stop.wait()
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
        await _stop(application, server)


async def _start(application: Application, settings: Settings, secret: str | None) -> WebhookServer | None:
    """What PTB's run_polling/run_webhook do before serving, minus their retry loops and tracebacks: getMe,
    post_init (the index, the menus), the source of updates, then the Application."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    server = None
    if secret is not None and settings.webhook_url:
        from bot.chat.webhook import WebhookServer

        path = webhook_url_path(settings.webhook_url)
        logger.info("citebot starting: webhook on %s:%s/%s", settings.webhook_listen, settings.webhook_port, path)
        from bot.health import alive

        server = WebhookServer(
            application, listen=settings.webhook_listen, port=settings.webhook_port, path=path, secret=secret,
            max_body=settings.webhook_max_body,
            health=lambda: alive(settings, application.bot_data.heartbeat_at),
        )
        await server.start()  # listening before Telegram is told where to post
        try:
            await application.bot.set_webhook(
                url=settings.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=settings.drop_pending_updates,
            )
        except BaseException:
            await server.stop()
            raise
    else:
        logger.info("citebot starting: long polling")
        assert application.updater is not None
        await application.updater.start_polling(
            allowed_updates=ALLOWED_UPDATES, drop_pending_updates=settings.drop_pending_updates,
            error_callback=_polling_failed,
        )
    await application.start()
    return server


def _polling_failed(error: TelegramError) -> None:
    """A getUpdates that failed (a 502, an HTML page, a dropped connection): one line; PTB tries again."""
    logger.warning("fetching updates failed (%s); trying again", error)


async def _stop(application: Application, server: WebhookServer | None) -> None:
    """Stop taking updates, stop the Application (it answers what is queued, within its grace), close it."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if server is not None:
        await server.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)


def _stop_requested(stop: asyncio.Event) -> None:
    """The first SIGTERM/SIGINT starts the stop; if it has not finished within STOP_TIMEOUT seconds (an update
    stuck in a send, a build that does not let go), the process ends anyway, after one line saying so."""
    if stop.is_set():
        return
    stop.set()
    logger.info("stop requested; stopping within %.0f s", STOP_TIMEOUT)
    timer = threading.Timer(STOP_TIMEOUT, _cut_short)
    timer.daemon = True
    timer.start()


def _cut_short() -> None:
    logger.warning("citebot did not stop within %.0f s; exiting now", STOP_TIMEOUT)
    logging.shutdown()
    os._exit(1)


def run(settings: Settings | None = None) -> int:
    """Run until SIGTERM/SIGINT; 0 after a clean stop, 1 when the bot cannot start or fails, 2 for settings that
    do not parse (when `settings` is not given and they are read here)."""
    if settings is None:
        try:
            settings = load_settings()
        except ConfigError as error:
            print(f"citebot run: {error}", file=sys.stderr)
            return 2
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    secrets = [token]
    if settings.webhook_secret is not None:
        secrets.append(settings.webhook_secret.get_secret_value())
    setup_logging(settings.log_level, secrets=secrets)
    if not token:
        print(NO_TOKEN_MESSAGE, file=sys.stderr)
        return 1
    try:
        secret = _check_webhook(settings, token) if settings.webhook_url else None
    except ConfigError as error:
        print(f"citebot run: {error}", file=sys.stderr)
        return 1

    from bot.chat.app import build_application  # the chat layer imports PTB extras; only needed from here on
    from bot.index.query import unavailable_errors

    quiet_bootstrap = DropRecords(_BOOTSTRAP_LOG)
    ptb_logger = logging.getLogger("telegram.ext")
    ptb_logger.addFilter(quiet_bootstrap)
    try:
        application = build_application(settings)
        asyncio.run(serve(application, settings, secret))  # a fresh event loop each time: run() can run again
    except InvalidToken:
        print(INVALID_TOKEN_MESSAGE, file=sys.stderr)
        return EXIT_TOKEN_REJECTED
    except BadRequest as error:  # e.g. setWebhook refused: Telegram wants an https URL on port 443, 80, 88 or 8443
        print(redact(f"citebot run: Telegram refused to start the bot: {error}", secrets), file=sys.stderr)
        return 1
    except NetworkError as error:  # at start-up only: once running, PTB retries polling and reports send errors
        print(
            redact(
                f"citebot run: cannot reach the Telegram Bot API at {settings.telegram_api_base_url} ({error}); "
                "check the network, or TELEGRAM_API_BASE_URL",
                secrets,
            ),
            file=sys.stderr,
        )
        return 1
    except TelegramError as error:  # an answer that is not the Bot API's, such as a proxy's HTML page
        print(
            redact(
                f"citebot run: cannot start: {error}; is TELEGRAM_API_BASE_URL ({settings.telegram_api_base_url}) "
                "the Bot API?",
                secrets,
            ),
            file=sys.stderr,
        )
        return 1
    except unavailable_errors() as error:
        print(redact(f"citebot run: no index to answer from: {error}", secrets), file=sys.stderr)
        return 1
    except OSError as error:  # e.g. the webhook port is taken, or the index folder is not writable
        if settings.webhook_url and error.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            where = f"{settings.webhook_listen}:{settings.webhook_port}"
            message = f"citebot run: cannot listen on {where} (WEBHOOK_LISTEN, WEBHOOK_PORT): {error.strerror}"
        else:
            message = f"citebot run: cannot start: {error}"
        print(redact(message, secrets), file=sys.stderr)
        return 1
    except Exception:
        logger.exception("citebot stopped after an error")
        return 1
    finally:
        ptb_logger.removeFilter(quiet_bootstrap)
    logger.info("citebot stopped cleanly")
    return 0
