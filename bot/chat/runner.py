"""`citebot run`: serve the bot against the Bot API, by long polling or (with WEBHOOK_URL) a webhook.

The Application comes from `bot.chat.app.build_application`; this module only decides how updates arrive and
makes start-up and shutdown explicit: a clear message without a token, clean stop on SIGTERM/SIGINT (PTB runs
`post_shutdown`, which closes the index), and one closing log line.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import sys
from urllib.parse import urlsplit

from telegram import Update

from bot.config import Settings
from bot.logs import setup_logging

logger = logging.getLogger(__name__)

# Only the update types the handlers use; Telegram then does not even send the rest.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
NO_TOKEN_MESSAGE = (
    "citebot run: BOT_TOKEN is not set. Create a bot with @BotFather in Telegram (/newbot), put "
    "BOT_TOKEN=<token> in .env or the environment, and run again; or try the bot offline now with `citebot console`."
)
# What Telegram accepts as a webhook secret token.
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class ConfigError(Exception):
    """Settings that cannot work; the message is one line for the operator."""


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


def run(settings: Settings) -> int:
    """Run until SIGTERM/SIGINT; 0 after a clean stop, 1 when the bot cannot start or fails."""
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

    # run_polling/run_webhook close their event loop when done; a fresh one keeps run() callable again.
    asyncio.set_event_loop(asyncio.new_event_loop())
    try:
        application = build_application(settings)
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
    except Exception:
        logger.exception("citebot stopped after an error")
        return 1
    logger.info("citebot stopped cleanly")
    return 0
