"""`citebot run`: serve the bot against the Bot API, by long polling or (with WEBHOOK_URL) a webhook.

The Application comes from `bot.chat.app.build_application`; this module only decides how updates arrive and
makes start-up and shutdown explicit: one clear line (no traceback) for settings that cannot work, a token Telegram
rejects or a Bot API it cannot reach; sends that survive a dropped connection; clean stop on SIGTERM/SIGINT (PTB
runs `post_shutdown`, which closes the index), and one closing log line.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import re
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError
from telegram import Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TimedOut
from telegram.ext import Application, BaseRateLimiter

from bot.config import Settings
from bot.logs import DropRecords, redact, setup_logging

logger = logging.getLogger(__name__)

# Only the update types the handlers use; Telegram then does not even send the rest.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
NO_TOKEN_MESSAGE = (
    "citebot run: BOT_TOKEN is not set. Create a bot with @BotFather in Telegram (/newbot), put "
    "BOT_TOKEN=<token> in .env or the environment, and run again; or try the bot offline now with `citebot console`."
)
INVALID_TOKEN_MESSAGE = "citebot run: Telegram rejected BOT_TOKEN (401 Unauthorized); check it with @BotFather (/token)"
# What Telegram accepts as a webhook secret token.
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# PTB logs a failed start-up with a full traceback ("Network Retry Loop (Bootstrap Initialize Application): ...");
# run() says the same in one line instead.
_BOOTSTRAP_LOG = "Network Retry Loop (Bootstrap"
# Settings whose value must never be echoed back in an error message.
_SECRET_SETTINGS = {"bot_token", "webhook_secret"}
# A dropped connection is answered by sending once more, after this pause (seconds).
RESEND_PAUSE = 0.5


class ConfigError(Exception):
    """Settings that cannot work; the message is one line for the operator."""


def settings_error_message(error: ValidationError) -> str:
    """One line naming each environment variable that does not parse, e.g. `ADMIN_IDS: invalid literal ... 'me'`."""
    problems = []
    for item in error.errors():
        field = str(item["loc"][0]) if item.get("loc") else "settings"
        reason = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        if field in _SECRET_SETTINGS:
            reason = "invalid value"
        problems.append(f"{field.upper()}: {reason}")
    return "bad setting " + "; ".join(problems) + " (see .env.example)"


def load_settings() -> Settings:
    """Settings from the environment and .env; raises ConfigError with a one-line message when one does not parse."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigError(settings_error_message(error)) from None


def token_status() -> int:
    """For citebot.sh: 0 when BOT_TOKEN is set, 1 when it is not, 2 (after one line on stderr) for bad settings."""
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"citebot: {error}", file=sys.stderr)
        return 2
    return 0 if settings.bot_token else 1


def _no_response(error: NetworkError) -> bool:
    """Whether the request failed at the connection, with no HTTP answer at all: refused, reset, or closed before
    any response. Not a timeout (Telegram may still be working on it), and never an answer such as 400 or 502."""
    if isinstance(error, (BadRequest, TimedOut)):
        return False
    cause = error.__cause__
    return isinstance(cause, (httpx.NetworkError, httpx.RemoteProtocolError)) and not isinstance(
        cause, httpx.TimeoutException
    )


class ResendOnDroppedConnection(BaseRateLimiter[Any]):
    """Wraps the bot's rate limiter so a request whose connection drops before any answer is sent once more.

    The usual cause is a kept-alive connection that a proxy or Telegram closed while idle, so the request never
    got through. But a cut before the answer does not prove that: resending risks, rarely, a message arriving
    twice; not resending loses the user's answer. We resend once, and only in that case: a timeout is not resent
    (a slow Telegram is probably still delivering it), nor is any HTTP answer (a 400 is final, a 502 came from a
    server that had the request; the inner limiter handles 429). getUpdates never comes here: PTB's polling loop
    retries it itself.
    """

    def __init__(self, inner: BaseRateLimiter[Any] | None = None, pause: float = RESEND_PAUSE) -> None:
        self.inner = inner
        self.pause = pause

    async def initialize(self) -> None:
        if self.inner is not None:
            await self.inner.initialize()

    async def shutdown(self) -> None:
        if self.inner is not None:
            await self.inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        async def send(*call_args: Any, **call_kwargs: Any) -> Any:
            try:
                return await callback(*call_args, **call_kwargs)
            except NetworkError as error:
                if not _no_response(error):
                    raise
                logger.warning("%s: connection dropped before any answer (%s); sending once more", endpoint, error)
            await asyncio.sleep(self.pause)
            return await callback(*call_args, **call_kwargs)

        if self.inner is None:
            return await send(*args, **kwargs)
        return await self.inner.process_request(send, args, kwargs, endpoint, data, rate_limit_args)


def resend_on_dropped_connections(application: Application) -> None:
    """Put ResendOnDroppedConnection around the bot's rate limiter (the AIORateLimiter of build_application).

    build_application takes no rate limiter, so this sets the ExtBot's `_rate_limiter` slot; ExtBot.initialize
    then initialises the wrapper, which initialises the original.
    """
    bot = application.bot
    if isinstance(bot.rate_limiter, ResendOnDroppedConnection):
        return
    bot._rate_limiter = ResendOnDroppedConnection(bot.rate_limiter)  # type: ignore[attr-defined]


def webhook_url_path(webhook_url: str) -> str:
    """The local path PTB serves: the public URL's path (a reverse proxy forwards it unchanged), without slashes."""
    return urlsplit(webhook_url).path.strip("/")


def _check_webhook(settings: Settings, token: str) -> str:
    """The webhook secret, after refusing settings that would accept forged updates or expose the token."""
    url = settings.webhook_url or ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError("WEBHOOK_URL must be a full URL such as https://bot.example.org/telegram")
    if token in url:
        raise ConfigError("WEBHOOK_URL must not contain the bot token; WEBHOOK_SECRET authenticates Telegram")
    if settings.webhook_secret is None:
        raise ConfigError(
            "WEBHOOK_URL is set but WEBHOOK_SECRET is not: without it anyone could post forged updates; "
            "set WEBHOOK_SECRET to 1-256 characters of A-Z a-z 0-9 _ -"
        )
    secret = settings.webhook_secret.get_secret_value()
    if not _SECRET_TOKEN.fullmatch(secret):
        raise ConfigError("WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -")
    return secret


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
    from bot.index.build import BuildError
    from bot.index.query import IndexUnavailable
    from bot.ingest.pipeline import SeedsError

    # run_polling/run_webhook close their event loop when done; a fresh one keeps run() callable again.
    asyncio.set_event_loop(asyncio.new_event_loop())
    quiet_bootstrap = DropRecords(_BOOTSTRAP_LOG)
    ptb_logger = logging.getLogger("telegram.ext")
    ptb_logger.addFilter(quiet_bootstrap)
    try:
        application = build_application(settings)
        resend_on_dropped_connections(application)
        if settings.webhook_url:
            logger.info(
                "citebot starting: webhook on %s:%s/%s",
                settings.webhook_listen,
                settings.webhook_port,
                webhook_url_path(settings.webhook_url),
            )
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=webhook_url_path(settings.webhook_url),
                webhook_url=settings.webhook_url,
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=True,
                stop_signals=STOP_SIGNALS,
            )
        else:
            logger.info("citebot starting: long polling")
            application.run_polling(
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=True,
                stop_signals=STOP_SIGNALS,
            )
    except InvalidToken:
        print(INVALID_TOKEN_MESSAGE, file=sys.stderr)
        return 1
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
    except (SeedsError, BuildError, IndexUnavailable) as error:
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
