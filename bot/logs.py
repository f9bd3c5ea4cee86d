"""Logging set-up for every citebot command: one stderr handler, and the bot token redacted from every record.

PTB's httpx client logs request URLs, and Bot API URLs contain the token (`/bot<token>/sendMessage`); exceptions
raised by the HTTP layer can carry the same URL. Redaction therefore happens on the record itself (message, args,
exception text, stack) and again on the formatted line, so no handler or formatter can leak it.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from urllib.parse import quote

# Telegram bot tokens look like `123456789:AAH...` (a numeric bot id, a colon, 35 url-safe characters); in a URL
# the colon may be percent-encoded, once or more (`%3A`, `%253A`).
TOKEN_PATTERN = re.compile(r"\d+(?::|%(?:25)*3[aA])[A-Za-z0-9_-]{20,}")
REDACTED = "[REDACTED]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Loggers that log full request URLs (and so the token) at INFO/DEBUG; they only speak up for real trouble.
_NOISY_LOGGERS = ("httpx", "httpcore", "hpack")


def secret_forms(secrets: Iterable[str]) -> tuple[str, ...]:
    """Every way a secret may be written into a log line: as it is, percent-encoded, and for a bot token also the
    part after the colon alone (a URL may carry it as `/123456/AAH...`). Longest first, so no form is left half."""
    forms: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        forms.update({secret, quote(secret, safe=""), quote(quote(secret, safe=""), safe="")})
        bot_id, colon, rest = secret.partition(":")
        if colon and bot_id.isdigit() and len(rest) >= 20:
            forms.add(rest)
    return tuple(sorted(forms, key=len, reverse=True))


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret (in any of its `secret_forms`) and anything shaped like a bot token replaced by
    `[REDACTED]`."""
    return _redact_forms(text, secret_forms(secrets))


def _redact_forms(text: str, forms: tuple[str, ...]) -> str:
    for form in forms:
        text = text.replace(form, REDACTED)
    return TOKEN_PATTERN.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Rewrites a record in place so its message, exception and stack no longer hold a token or other secret."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: tuple[str, ...] = secret_forms(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed %-format must not lose the record, nor leak the raw args
            message = f"{record.msg!r} (unformattable arguments)"
        record.msg = _redact_forms(message, self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _redact_forms(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = _redact_forms(record.stack_info, self.secrets)
        return True


class RedactingFormatter(logging.Formatter):
    """A formatter whose output is redacted once more, for records that reached it without the filter."""

    def __init__(self, fmt: str = LOG_FORMAT, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets: tuple[str, ...] = secret_forms(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return _redact_forms(super().format(record), self.secrets)


def _level_number(level: str | int) -> tuple[int, bool]:
    """(numeric level, whether `level` was understood); unknown names fall back to INFO."""
    if isinstance(level, int):
        return level, True
    value = logging.getLevelName(str(level).strip().upper())
    return (value, True) if isinstance(value, int) else (logging.INFO, False)


def setup_logging(level: str | int = "INFO", secrets: Iterable[str] = ()) -> None:
    """Log to stderr at `level` (LOG_LEVEL), redacting tokens and `secrets`; safe to call more than once."""
    numeric, understood = _level_number(level)
    secrets = tuple(secrets)
    root = logging.getLogger()
    for existing in list(root.handlers):
        # Ours from an earlier call, or a plain console handler (logging.basicConfig) that would print every
        # line a second time, unredacted. Other handlers (a test's log capture) stay, behind the same filter.
        if getattr(existing, "_citebot", False) or type(existing) is logging.StreamHandler:
            root.removeHandler(existing)
        elif not any(isinstance(f, RedactingFilter) for f in existing.filters):
            existing.addFilter(RedactingFilter(secrets))
    handler = logging.StreamHandler(sys.stderr)
    handler._citebot = True  # type: ignore[attr-defined]
    handler.addFilter(RedactingFilter(secrets))
    handler.setFormatter(RedactingFormatter(LOG_FORMAT, secrets))
    root.addHandler(handler)
    root.setLevel(numeric)
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    if not understood:
        logging.getLogger(__name__).warning("LOG_LEVEL %r is not a logging level; using INFO", level)


class DropRecords(logging.Filter):
    """Drops records whose message starts with `prefix` (e.g. PTB's traceback for a start-up failure that the
    caller reports itself, in one line)."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            return not record.getMessage().startswith(self.prefix)
        except Exception:
            return True
