"""Sending to Telegram: flood control, and a second try for a send that got no answer or a server error."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import BaseRateLimiter
from telegram.request import HTTPXRequest

logger = logging.getLogger(__name__)

# A send that got no answer, or a 5xx, is sent once more after this pause (seconds).
RESEND_PAUSE = 0.5


class ServerError(NetworkError):
    """The Bot API (or a proxy in front of it) answered 5xx: it did not handle the request."""


class BotApiRequest(HTTPXRequest):
    """PTB's HTTP transport, except that an answer with a 5xx status is a ServerError, and an answer that is
    not JSON (a proxy's HTML error page) is an error of one line: PTB logs every such answer with a traceback."""

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(url, method, *args, **kwargs)
        if code >= 500:
            try:
                phrase = HTTPStatus(code).phrase
            except ValueError:
                phrase = "Server Error"
            raise ServerError(f"{phrase} ({code}) from the Bot API")
        return code, payload

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        text = payload.decode("utf-8", "replace")
        try:
            return json.loads(text)
        except ValueError:
            shown = " ".join(text.split())[:80]
            raise TelegramError(f"the Bot API's answer is not JSON: {shown!r}") from None


def _worth_resending(error: NetworkError) -> bool:
    """Whether the request most likely never got through: no HTTP answer at all (refused, reset, closed before
    any response, or a timeout with no byte of answer) or a 5xx from a server that did not handle it. Never a
    final answer such as a 400 (the inner limiter handles 429)."""
    if isinstance(error, BadRequest):
        return False
    if isinstance(error, (ServerError, TimedOut)):
        return True
    return isinstance(error.__cause__, (httpx.NetworkError, httpx.RemoteProtocolError, httpx.TimeoutException))


class ResendOnDroppedConnection(BaseRateLimiter[Any]):
    """Wraps the bot's rate limiter so a request that got no answer, or a 5xx, is sent once more.

    The usual causes are a kept-alive connection that a proxy or Telegram closed while idle, a proxy answering
    502 while Telegram restarts, and a request lost on the way: the request never got through. None of them
    proves it: resending risks, rarely, a message arriving twice; not resending loses the user's answer, who
    then gets an apology instead. We resend once. A final answer (a 400) is never resent; the inner limiter
    handles 429. getUpdates never comes here: PTB's polling loop retries it itself.
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
                if not _worth_resending(error):
                    raise
                logger.warning("%s: no answer (%s); sending once more", endpoint, error)
            await asyncio.sleep(self.pause)
            return await callback(*call_args, **call_kwargs)

        if self.inner is None:
            return await send(*args, **kwargs)
        return await self.inner.process_request(send, args, kwargs, endpoint, data, rate_limit_args)
