"""The webhook server of `citebot run` in webhook mode: Telegram POSTs updates here, they go to the Application.

PTB's own server reads a whole request body, of any size, before it looks at the secret header; eight parallel
95 MB posts without the secret took the process from 65 MB to 1 GB. This one decides on the headers alone: a
request without the right secret is refused (403) before a byte of its body is read, a body over the cap
(Telegram's updates are small; WEBHOOK_MAX_BODY, 1 MB by default) is refused with 413, and the server never
holds more than the cap of any request. A body that is not an update is answered 400, in one log line.
GET /healthz says whether the bot is handling updates (200) or stuck (503), for a load balancer or a probe.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from http import HTTPStatus
from collections.abc import Callable
from typing import Any

import tornado.web
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
IDLE_TIMEOUT = 60.0  # seconds a kept-alive connection may sit idle
BODY_TIMEOUT = 30.0  # seconds a request may take to send its body


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    """One request. Every check that can be made on the headers is made in prepare(), before the body."""

    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, server: WebhookServer) -> None:
        self.server = server
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        if self.request.path.rstrip("/") != self.server.path:
            return self.refuse(HTTPStatus.NOT_FOUND)
        given = self.request.headers.get(SECRET_HEADER, "").encode("latin-1", "replace")
        if not hmac.compare_digest(given, self.server.secret):
            return self.refuse(HTTPStatus.FORBIDDEN)
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > self.server.max_body):
            log.warning("refused a webhook request of %s bytes (over WEBHOOK_MAX_BODY)", length[:20])
            return self.refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        return None

    def refuse(self, status: HTTPStatus) -> None:
        """Answer and close the connection, without reading the body."""
        self.set_status(status)
        self.finish({"ok": False, "description": status.phrase})

    def data_received(self, chunk: bytes) -> None:
        # A chunked body has no Content-Length; the HTTP server cuts it at the cap (max_body_size).
        self.size += len(chunk)
        if self.size <= self.server.max_body:
            self.chunks.append(chunk)

    async def post(self) -> None:
        if self.size > self.server.max_body:
            return self.refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            data = json.loads(b"".join(self.chunks))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            update = Update.de_json(data, self.server.application.bot)
        except Exception as error:  # noqa: BLE001 - any malformed body is the sender's problem, told in one line
            log.warning("refused a webhook body that is not an update: %s: %s", type(error).__name__, str(error)[:200])
            return self.refuse(HTTPStatus.BAD_REQUEST)
        await self.server.application.update_queue.put(update)
        self.finish({"ok": True})

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish({"ok": False, "description": self._reason})

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, tornado.web.HTTPError):  # 405 and friends: not worth a traceback
            log.debug("webhook request refused: %s", value)
        else:
            log.error("webhook request failed", exc_info=(typ, value, tb))


class _HealthHandler(tornado.web.RequestHandler):
    """GET /healthz: 200 while the bot handles updates (its heartbeat is recent), 503 when it does not. Nothing
    secret is in the answer, so it needs no secret; a reverse proxy need not pass it on."""

    SUPPORTED_METHODS = ("GET", "HEAD")  # type: ignore[assignment]

    def initialize(self, server: WebhookServer) -> None:
        self.server = server

    def get(self) -> None:
        ok, description = self.server.health() if self.server.health else (True, "running")
        self.set_status(HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE)
        self.finish({"ok": ok, "description": description})

    def head(self) -> None:
        ok, _ = self.server.health() if self.server.health else (True, "")
        self.set_status(HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE)
        self.finish()


class _WebhookApp(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """Nothing per request: the handlers log one line per update."""


class WebhookServer:
    """Serves `path` on `listen:port`; `await start()` binds (raising OSError when it cannot), `await stop()`."""

    def __init__(
        self, application: Application, *, listen: str, port: int, path: str, secret: str, max_body: int,
        health: Callable[[], tuple[bool, str]] | None = None,
    ) -> None:
        self.application = application
        self.listen = listen
        self.port = port
        self.path = "/" + path.strip("/") if path.strip("/") else ""
        self.secret = secret.encode("latin-1")
        self.max_body = max_body
        self.health = health
        self._server: HTTPServer | None = None

    async def start(self) -> None:
        app = _WebhookApp([
            (HEALTH_PATH, _HealthHandler, {"server": self}),
            (r"/.*", _UpdateHandler, {"server": self}),
        ])
        self._server = HTTPServer(
            app,
            max_body_size=self.max_body + 1,  # so that our own 413 answers first when the length is known
            max_buffer_size=self.max_body + 65536,
            idle_connection_timeout=IDLE_TIMEOUT,
            body_timeout=BODY_TIMEOUT,
            xheaders=False,
        )
        self._server.listen(self.port, address=self.listen)

    async def stop(self) -> None:
        if self._server is None:
            return
        server, self._server = self._server, None
        server.stop()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(server.close_all_connections(), 2.0)
