"""Sending to Telegram: flood control, and a second try for a send whose connection dropped before any answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

# A dropped connection is answered by sending once more, after this pause (seconds).
RESEND_PAUSE = 0.5


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
