"""A small Telegram Bot API server for end-to-end tests: real HTTP on 127.0.0.1, real checks, injectable faults.

It speaks the methods citebot uses at `/bot<token>/<method>`, with parameters as a query string, form data (what
PTB's HTTPXRequest sends: complex values JSON-encoded), multipart or JSON. It checks what the real server checks
(HTML entities, text length, callback_data size, known query ids, message to edit, the webhook secret), records
every call, and lets a test push updates — queued for getUpdates, or POSTed to the bot's webhook once `setWebhook`
was called — and inject the faults the real network produces: 429 with `retry_after`, a 502 from the front proxy, a
connection dropped without an answer, a slow answer.

The server runs on its own event loop in a background thread, so tests drive it with plain blocking calls and
the bot under test can be a subprocess or a PTB `Bot` on another loop. Deliberate differences from Telegram:
webhook URLs may be plain http on any port, and MarkdownV2 text is not checked.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_COPY_TEXT = 256
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# Parameters sent as JSON-serialised strings in form data, and those that are numbers or booleans.
_JSON_PARAMS = {
    "reply_markup", "allowed_updates", "commands", "scope", "results", "entities", "caption_entities",
    "link_preview_options", "reply_parameters", "button", "menu_button", "media", "rights",
}
_INT_PARAMS = {
    "chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "max_connections", "user_id",
    "message_thread_id", "reply_to_message_id",
}
_BOOL_PARAMS = {
    "drop_pending_updates", "show_alert", "is_personal", "disable_notification", "protect_content",
    "disable_web_page_preview", "allow_sending_without_reply", "for_channels",
}
_CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
    "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}
_HTML_TAGS = {
    "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "tg-emoji", "code",
    "pre", "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(#[0-9]{1,8}|#x[0-9a-fA-F]{1,8}|[a-zA-Z]+);")
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTRIBUTE = re.compile(r"""\s*([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_QUERY_ID_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_UPDATE_TYPES = (
    "message", "edited_message", "channel_post", "edited_channel_post", "inline_query", "chosen_inline_result",
    "callback_query", "shipping_query", "pre_checkout_query", "poll", "poll_answer", "my_chat_member",
    "chat_member", "chat_join_request", "message_reaction", "message_reaction_count", "chat_boost",
    "removed_chat_boost", "business_connection", "business_message", "edited_business_message",
    "deleted_business_messages", "purchased_paid_media",
)
_BAD_GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
    "<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)


class ApiError(Exception):
    """An error answer: HTTP status and the Bot API description."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class EntityError(ValueError):
    """HTML that Telegram would refuse, with Telegram's wording of the reason."""


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(match: re.Match[str]) -> str | None:
    body = match.group(1)
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else None
    return _NAMED_ENTITIES.get(body)


def parse_html(text: str) -> str:
    """The plain text Telegram shows for `text` in HTML parse mode; raises EntityError as the server would.

    Follows Telegram's parser: only its tags, balanced and properly nested; `&lt; &gt; &amp; &quot;` and numeric
    entities are decoded; a `&` that starts no entity stays literal; a `<` always starts a tag.
    """
    plain: list[str] = []
    open_tags: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            match = _ENTITY.match(text, i)
            decoded = _decode_entity(match) if match else None
            if match and decoded is not None:
                plain.append(decoded)
                i = match.end()
            else:
                plain.append("&")
                i += 1
        elif char == "<":
            start = i
            if text.startswith("</", i):
                end = text.find(">", i)
                if end < 0:
                    raise EntityError(f"Unclosed end tag at byte offset {_byte_offset(text, start)}")
                name = text[i + 2 : end].strip().lower()
                if not open_tags:
                    raise EntityError(f'Unexpected end tag at byte offset {_byte_offset(text, start)}')
                if open_tags[-1] != name:
                    raise EntityError(
                        f'Unmatched end tag at byte offset {_byte_offset(text, start)}, '
                        f'expected "</{open_tags[-1]}>", found "</{name}>"'
                    )
                open_tags.pop()
                i = end + 1
                continue
            match = _TAG_NAME.match(text, i + 1)
            if not match:
                raise EntityError(f'Unsupported start tag "" at byte offset {_byte_offset(text, start)}')
            name = match.group(0).lower()
            if name not in _HTML_TAGS:
                raise EntityError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, start)}')
            i = match.end()
            attributes: dict[str, str] = {}
            while True:
                while i < n and text[i].isspace():
                    i += 1
                if i >= n:
                    raise EntityError(f"Unclosed start tag at byte offset {_byte_offset(text, start)}")
                if text[i] == ">":
                    i += 1
                    break
                attribute = _ATTRIBUTE.match(text, i)
                if not attribute or attribute.end() == i:
                    raise EntityError(
                        f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                        f"at byte offset {_byte_offset(text, start)}"
                    )
                value = attribute.group(2) or ""
                if value[:1] in ('"', "'"):
                    value = value[1:-1]
                attributes[attribute.group(1).lower()] = value
                i = attribute.end()
            if name == "span" and attributes.get("class") != "tg-spoiler":
                raise EntityError('Tag "span" must have class "tg-spoiler"')
            if name == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
                raise EntityError('Custom emoji entity must contain a valid custom emoji identifier')
            open_tags.append(name)
        else:
            plain.append(char)
            i += 1
    if open_tags:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"')
    return "".join(plain)


def message_plain_text(text: Any, parse_mode: Any, what: str = "message text") -> str:
    """Check a text the way sendMessage/editMessageText do, and return what the user reads."""
    if not isinstance(text, str) or not text:
        raise _bad(f"{what} is empty")
    if isinstance(parse_mode, str) and parse_mode.lower() == "html":
        try:
            plain = parse_html(text)
        except EntityError as error:
            raise _bad(f"can't parse entities: {error}") from None
    else:
        plain = text
    if not plain.strip():
        raise _bad(f"{what} is empty")
    if len(plain) > MAX_TEXT:
        raise _bad("message is too long")
    return plain


def check_reply_markup(markup: Any) -> None:
    """Inline keyboards as Telegram checks them: every button has one action; callback_data is 1-64 bytes."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return  # reply keyboards and ForceReply: not used by citebot, accepted as they are
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
    if sum(len(row) for row in rows) > 100:
        raise _bad("reply markup is too long")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise _bad("can't find field \"text\"")
            actions = [key for key in button if key != "text"]
            if not actions:
                raise _bad("text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                    raise _bad("BUTTON_DATA_INVALID")
            if "url" in button and not re.match(r"(https?|tg)://\S+$", str(button["url"])):
                raise _bad(f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL")
            if "copy_text" in button:
                copy = button["copy_text"]
                if not isinstance(copy, dict) or not 1 <= len(str(copy.get("text") or "")) <= MAX_COPY_TEXT:
                    raise _bad("COPY_TEXT_INVALID")
            if "switch_inline_query_chosen_chat" in button:
                chosen = button["switch_inline_query_chosen_chat"]
                kinds = ("allow_user_chats", "allow_bot_chats", "allow_group_chats", "allow_channel_chats")
                if not isinstance(chosen, dict) or not any(chosen.get(kind) for kind in kinds):
                    raise _bad("SWITCH_INLINE_QUERY_CHOSEN_CHAT_INVALID")


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's header; None for anything that is not a PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def check_photo(data: bytes | None) -> tuple[int, int]:
    """What sendPhoto checks of an uploaded picture: there is one, it is an image, of sizes Telegram takes."""
    if not data:
        raise _bad("there is no photo in the request")
    size = png_size(data)
    if size is None:
        raise _bad("IMAGE_PROCESS_FAILED")
    width, height = size
    if len(data) > MAX_PHOTO_BYTES or width + height > 10_000 or max(size) > 20 * max(min(size), 1):
        raise _bad("PHOTO_INVALID_DIMENSIONS")
    return size


def caption_plain_text(caption: Any, parse_mode: Any) -> str:
    """A photo's caption as the user reads it (it may be empty; at most 1024 characters as shown)."""
    if caption is None or caption == "":
        return ""
    if isinstance(parse_mode, str) and parse_mode.lower() == "html":
        try:
            caption = parse_html(str(caption))
        except EntityError as error:
            raise _bad(f"can't parse entities: {error}") from None
    if len(str(caption)) > MAX_CAPTION:
        raise _bad("message caption is too long")
    return str(caption)


@dataclass
class Fault:
    """What goes wrong on one call."""

    kind: str  # "retry_after", "bad_gateway", "drop", "delay", "stall" or "html"
    seconds: float = 0.0

    @classmethod
    def retry_after(cls, seconds: int = 1) -> "Fault":
        return cls("retry_after", seconds)

    @classmethod
    def bad_gateway(cls) -> "Fault":
        return cls("bad_gateway")

    @classmethod
    def drop(cls) -> "Fault":
        return cls("drop")

    @classmethod
    def delay(cls, seconds: float) -> "Fault":
        return cls("delay", seconds)

    @classmethod
    def stall(cls, seconds: float) -> "Fault":
        """Hold the request for `seconds` without answering, then drop it unhandled (a request lost on the way)."""
        return cls("stall", seconds)

    @classmethod
    def html(cls) -> "Fault":
        """Answer 200 with an HTML page instead of JSON (a captive portal, a misconfigured proxy)."""
        return cls("html")


@dataclass
class Call:
    """One request as the server saw it, and how it answered (status None: connection dropped)."""

    method: str
    params: dict[str, Any]
    at: float
    status: int | None = None
    result: Any = None
    description: str | None = None
    fault: str | None = None
    answered_at: float = 0.0  # when the answer (or the drop) went out; `at` is when the request came in
    files: dict[str, bytes] = field(default_factory=dict)  # uploaded files (a photo), by their form field

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Delivery:
    """One attempt to POST an update to the bot's webhook."""

    update_id: int
    status: int | None
    error: str | None = None


@dataclass
class _Query:
    user_id: int
    answered: bool = False
    answer: dict[str, Any] = field(default_factory=dict)


class FakeBotAPI:
    """The server. `start()` it, point PTB's `base_url` at `base_url`, push updates, read `calls`, `stop()` it."""

    def __init__(self, token: str, bot_username: str = "citebot_test_bot") -> None:
        self.token = token
        self.bot_user = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "citebot (test)",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.calls: list[Call] = []  # answered (or dropped) requests, in the order the answers went out
        self.arrivals: list[Call] = []  # every request as it came in, answered or still waiting (a long poll)
        self.deliveries: list[Delivery] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.descriptions: dict[str, str] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.menu_button: dict[str, Any] = {"type": "default"}
        self.blocked: set[int] = set()  # users who blocked the bot: sending to them is refused with 403
        self._cond = threading.Condition()
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(1000)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._query_ids = itertools.count(1)
        self._callback_queries: dict[str, _Query] = {}
        self._inline_queries: dict[str, _Query] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._faults: dict[str, deque[Fault]] = {}
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._delivery_kick: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------------ life cycle

    @property
    def base_url(self) -> str:
        """What goes into TELEGRAM_API_BASE_URL (PTB appends the token and the method)."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> "FakeBotAPI":
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._start_server())
            except BaseException as error:  # reported to the starting thread
                failure.append(error)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._stop_server())
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-bot-api", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Bot API did not start within 10 s")
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop and self._thread and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> "FakeBotAPI":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _start_server(self) -> None:
        self._wakeup = asyncio.Event()
        self._delivery_kick = asyncio.Event()
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._delivery_task = asyncio.get_running_loop().create_task(self._deliver_forever())

    async def _stop_server(self) -> None:
        self._delivery_task.cancel()
        if self._runner:
            await self._runner.cleanup()

    def _kick(self) -> None:
        """Wake long polls and the webhook sender (callable from any thread)."""

        def kick() -> None:
            assert self._wakeup and self._delivery_kick
            self._wakeup.set()
            self._delivery_kick.set()

        if self._loop and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(kick)

    # ------------------------------------------------------------------ what tests use

    def inject(self, method: str, *faults: Fault) -> None:
        """The next calls of `method` fail in these ways, one fault per call, in order."""
        with self._cond:
            self._faults.setdefault(method, deque()).extend(faults)
        self._kick()

    def unconfirmed_updates(self) -> int:
        """Updates the bot has not yet confirmed with a later getUpdates offset (fetched or not)."""
        with self._cond:
            return len(self._updates)

    def pending_faults(self, method: str) -> int:
        with self._cond:
            return len(self._faults.get(method, ()))

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (an `update_id` is assigned); getUpdates returns it, or the webhook receives it."""
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            for kind in ("message", "edited_message", "callback_query"):
                chat = (update.get(kind) or {}).get("chat") or ((update.get(kind) or {}).get("message") or {}).get(
                    "chat"
                )
                if chat:
                    self._chats[chat["id"]] = chat
            self._updates.append(update)
            self._cond.notify_all()
        self._kick()
        return update

    @staticmethod
    def user(user_id: int, first_name: str = "Test", username: str | None = None) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}
        if username:
            user["username"] = username
        return user

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def send_text(self, user_id: int, text: str, chat_id: int | None = None) -> dict[str, Any]:
        """The user writes `text` in their private chat with the bot (commands get their bot_command entity)."""
        chat_id = user_id if chat_id is None else chat_id
        user = self.user(user_id)
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        with self._cond:
            message_id = self._next_message_id(chat_id)
        message: dict[str, Any] = {
            "message_id": message_id, "from": user, "chat": chat, "date": int(time.time()), "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.push_update({"message": message})

    def edit_text(self, update: dict[str, Any], text: str) -> dict[str, Any]:
        """The user edits the message `update` (what `send_text` returned) to read `text`."""
        message = {**update["message"], "text": text, "edit_date": int(time.time())}
        message.pop("entities", None)
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.push_update({"edited_message": message})

    def press(self, user_id: int, message: dict[str, Any], data: str) -> str:
        """The user presses the button carrying `data` under the bot's `message`; returns the query id."""
        query_id = f"cbq{next(self._query_ids)}"
        with self._cond:
            self._callback_queries[query_id] = _Query(user_id)
        self.push_update({
            "callback_query": {
                "id": query_id, "from": self.user(user_id), "message": message,
                "chat_instance": f"ci{message['chat']['id']}", "data": data,
            }
        })
        return query_id

    def inline_query(self, user_id: int, query: str) -> str:
        """The user types `@bot query` in any chat; returns the inline query id."""
        query_id = f"iq{next(self._query_ids)}"
        with self._cond:
            self._inline_queries[query_id] = _Query(user_id)
        self.push_update({
            "inline_query": {
                "id": query_id, "from": self.user(user_id), "query": query, "offset": "", "chat_type": "private",
            }
        })
        return query_id

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """A bot message as the chat shows it now (after edits)."""
        with self._cond:
            stored = self.messages[(chat_id, message_id)]
            return json.loads(json.dumps({k: v for k, v in stored.items() if not k.startswith("_")}))

    def message_html(self, chat_id: int, message_id: int) -> str:
        """The text of a bot message exactly as the bot sent it (HTML source)."""
        with self._cond:
            return str(self.messages[(chat_id, message_id)]["_html"])

    def mark(self) -> int:
        """A position in `calls`; pass it as `since` to look only at what came after."""
        with self._cond:
            return len(self.calls)

    def calls_since(self, since: int = 0, method: str | None = None) -> list[Call]:
        with self._cond:
            return [call for call in self.calls[since:] if method is None or call.method == method]

    def wait_for(
        self, predicate: Callable[[Call], bool], timeout: float = 15.0, since: int = 0, what: str = "a call",
        arrived: bool = False,
    ) -> Call:
        """The first call from `since` on that satisfies `predicate`; fails the test after `timeout` seconds.

        With `arrived`, requests count as soon as they come in (e.g. a long poll that is now waiting); `since`
        is then a position in `arrivals`.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for call in (self.arrivals if arrived else self.calls)[since:]:
                    if predicate(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    recent = [f"{c.method} {c.status} {c.fault or ''}".strip() for c in self.calls[-15:]]
                    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; last calls: {recent}")
                self._cond.wait(remaining)

    def wait_for_method(
        self, method: str, timeout: float = 15.0, since: int = 0, ok: bool | None = True,
        chat_id: int | None = None,
    ) -> Call:
        """The first answered `method` call (successful unless `ok` says otherwise), optionally in one chat."""

        def matches(call: Call) -> bool:
            return (
                call.method == method
                and (ok is None or call.ok == ok)
                and (chat_id is None or call.params.get("chat_id") == chat_id)
            )

        return self.wait_for(matches, timeout, since, what=method)

    def post_to_webhook(self, update: dict[str, Any], secret: str | None) -> int:
        """POST one update to the registered webhook as anyone could; returns the HTTP status (blocking)."""
        with self._cond:
            url = self.webhook["url"]
            update = {"update_id": next(self._update_ids), **update}
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        request = urllib.request.Request(url, data=json.dumps(update).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    # ------------------------------------------------------------------ HTTP

    async def _params(self, request: web.Request, files: dict[str, bytes] | None = None) -> dict[str, Any]:
        """The call's parameters; uploaded files go into `files` (by their field), their parameter says `<file …>`."""
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise _bad("request body must be a JSON object")
                params.update(body)
            elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, str):
                        params[key] = value
                    else:
                        params[key] = f"<file {getattr(value, 'filename', '')}>"
                        if files is not None:
                            files[key] = value.file.read()
        for key, value in list(params.items()):
            if not isinstance(value, str):
                continue
            if key in _JSON_PARAMS:
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    raise _bad(f"can't parse {key} JSON object") from None
            elif key in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
                params[key] = int(value)
            elif key in _BOOL_PARAMS and value.lower() in ("true", "false"):
                params[key] = value.lower() == "true"
        return params

    def _record(self, call: Call) -> None:
        call.answered_at = time.time()
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def _take_fault(self, method: str) -> Fault | None:
        with self._cond:
            queue = self._faults.get(method)
            return queue.popleft() if queue else None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        call = Call(method=method, params={}, at=time.time())
        if request.match_info["token"] != self.token:
            call.status, call.description = 401, "Unauthorized"
            self._record(call)
            return self._error(ApiError(401, "Unauthorized"))
        try:
            call.params = await self._params(request, call.files)
        except ApiError as error:
            call.status, call.description = error.status, error.description
            self._record(call)
            return self._error(error)
        with self._cond:
            self.arrivals.append(call)
            self._cond.notify_all()
        try:
            if method == "getUpdates":
                fault = None  # long polling looks for faults itself, also while it waits
                result = await self._get_updates(call)
            else:
                fault = self._take_fault(method)
                if fault is not None:
                    response = await self._apply_fault(fault, call, request)
                    if response is not None:
                        return response
                handler = getattr(self, f"_m_{method}", None)
                if handler is None:
                    raise ApiError(404, "Not Found")
                with self._cond:
                    result = handler(call.params, call.files) if method in _UPLOADS else handler(call.params)
        except _Dropped:
            return await self._drop(call, request)
        except _Faulted as faulted:
            return faulted.response
        except ApiError as error:
            call.status, call.description = error.status, error.description
            self._record(call)
            return self._error(error)
        call.status, call.result = 200, result
        self._record(call)
        return web.json_response({"ok": True, "result": result})

    async def _apply_fault(self, fault: Fault, call: Call, request: web.Request) -> web.StreamResponse | None:
        """Answer with the fault, or None when the call should go on (after a delay)."""
        call.fault = fault.kind
        if fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
            return None
        if fault.kind == "drop":
            return await self._drop(call, request)
        if fault.kind == "stall":
            await asyncio.sleep(fault.seconds)
            return await self._drop(call, request)
        if fault.kind == "html":
            call.status, call.description = 200, "an HTML page"
            self._record(call)
            return web.Response(status=200, text="<html><body>Welcome!</body></html>", content_type="text/html")
        if fault.kind == "retry_after":
            seconds = int(fault.seconds)
            error = ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})
            call.status, call.description = 429, error.description
            self._record(call)
            return self._error(error)
        if fault.kind == "bad_gateway":
            call.status, call.description = 502, "Bad Gateway"
            self._record(call)
            return web.Response(status=502, text=_BAD_GATEWAY_PAGE, content_type="text/html")
        raise ValueError(f"unknown fault {fault.kind}")

    async def _drop(self, call: Call, request: web.Request) -> web.StreamResponse:
        """Close the connection without a response, as a dying proxy or a network cut does."""
        call.status, call.fault = None, "drop"
        self._record(call)
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError  # aiohttp then gives up on this request quietly

    @staticmethod
    def _error(error: ApiError) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": error.status, "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        return web.json_response(body, status=error.status)

    # ------------------------------------------------------------------ getUpdates and the webhook

    async def _get_updates(self, call: Call) -> list[dict[str, Any]]:
        params = call.params
        timeout = max(0.0, float(params.get("timeout") or 0))
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        offset = params.get("offset")
        deadline = time.monotonic() + timeout
        with self._cond:
            if self.webhook["url"]:
                raise ApiError(
                    409, "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if "allowed_updates" in params and params["allowed_updates"] is not None:
                self._allowed_updates = list(params["allowed_updates"]) or None
            self._poll_generation += 1
            generation = self._poll_generation
            if isinstance(offset, int) and offset > 0:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
            elif isinstance(offset, int) and offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
        assert self._wakeup is not None
        while True:
            self._wakeup.clear()
            fault = self._take_fault("getUpdates")
            if fault is not None:
                call.fault = fault.kind
                if fault.kind == "delay":
                    await asyncio.sleep(fault.seconds)
                elif fault.kind == "drop":
                    raise _Dropped()
                else:
                    raise _Faulted(await self._apply_fault(fault, call, None))  # type: ignore[arg-type]
            with self._cond:
                if generation != self._poll_generation:
                    raise ApiError(
                        409, "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                self._drop_disallowed()
                if self._updates or time.monotonic() >= deadline:
                    return [json.loads(json.dumps(u)) for u in itertools.islice(self._updates, limit)]
            try:
                await asyncio.wait_for(self._wakeup.wait(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                pass

    def _drop_disallowed(self) -> None:
        """Telegram does not keep updates of types the bot opted out of (default: all but a few)."""
        allowed = self._allowed_updates
        if allowed is None:
            return
        self._updates = deque(u for u in self._updates if any(kind in u for kind in allowed))

    async def _deliver_forever(self) -> None:
        """While a webhook is set, POST queued updates to it in order; retry failures as Telegram does."""
        assert self._delivery_kick is not None
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            while True:
                with self._cond:
                    url = self.webhook["url"]
                    secret = self.webhook.get("secret_token")
                    self._drop_disallowed()
                    update = self._updates[0] if (url and self._updates) else None
                if update is None:
                    self._delivery_kick.clear()
                    await self._delivery_kick.wait()
                    continue
                headers = {SECRET_HEADER: secret} if secret else {}
                try:
                    async with session.post(url, json=update, headers=headers) as response:
                        status, error = response.status, None
                except Exception as exc:  # the bot is not listening (yet), or dropped us
                    status, error = None, f"{type(exc).__name__}: {exc}"
                with self._cond:
                    self.deliveries.append(Delivery(update["update_id"], status, error))
                    if status == 200 and self._updates and self._updates[0] is update:
                        self._updates.popleft()
                    self._cond.notify_all()
                if status != 200:
                    await asyncio.sleep(0.5)

    # ------------------------------------------------------------------ methods (called holding the lock)

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return dict(self.bot_user)

    def _m_logOut(self, params: dict[str, Any]) -> bool:
        return True

    def _m_close(self, params: dict[str, Any]) -> bool:
        return True

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url", "")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
            raise _bad("secret token contains unallowed characters")
        if url and not re.match(r"https?://[^/]+", url):
            raise _bad("bad webhook: Failed to resolve host: Name or service not known")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if "allowed_updates" in params and params["allowed_updates"] is not None:
            self._allowed_updates = list(params["allowed_updates"]) or None
        self.webhook = {"url": url, "secret_token": secret, "max_connections": params.get("max_connections", 40)}
        self._kick()  # updates that waited for a webhook are delivered now, as Telegram does
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": ""}
        return True

    def _m_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook["url"], "has_custom_certificate": False, "pending_update_count": len(self._updates),
        }
        if self.webhook["url"]:
            info["max_connections"] = self.webhook.get("max_connections", 40)
            if self._allowed_updates:
                info["allowed_updates"] = self._allowed_updates
        return info

    def _scope_key(self, params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True) + "|" + str(params.get("language_code") or "")

    def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND.fullmatch(str(command.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad("command description must be non-empty")
        self.commands[self._scope_key(params)] = commands
        return True

    def _m_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(self._scope_key(params), [])

    def _m_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(self._scope_key(params), None)
        return True

    def _m_setMyDescription(self, params: dict[str, Any]) -> bool:
        if len(params.get("description") or "") > 512:
            raise _bad("description is too long")
        self.descriptions["description"] = params.get("description") or ""
        return True

    def _m_setMyShortDescription(self, params: dict[str, Any]) -> bool:
        if len(params.get("short_description") or "") > 120:
            raise _bad("short description is too long")
        self.descriptions["short_description"] = params.get("short_description") or ""
        return True

    def _m_getMyDescription(self, params: dict[str, Any]) -> dict[str, str]:
        return {"description": self.descriptions.get("description", "")}

    def _m_getMyShortDescription(self, params: dict[str, Any]) -> dict[str, str]:
        return {"short_description": self.descriptions.get("short_description", "")}

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise _bad("chat not found")
        return chat

    def _m_sendChatAction(self, params: dict[str, Any]) -> bool:
        self._chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        plain = message_plain_text(params.get("text"), params.get("parse_mode"))
        check_reply_markup(params.get("reply_markup"))
        self._not_blocked(chat)
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat["id"]), "from": dict(self.bot_user), "chat": chat,
            "date": int(time.time()), "text": plain,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat["id"], message["message_id"])] = {
            **message, "_html": params.get("text"), "_parse_mode": params.get("parse_mode"),
        }
        return message

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        plain = message_plain_text(params.get("text"), params.get("parse_mode"))
        check_reply_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True  # messages sent via inline mode live in other chats; nothing to check here
        if "message_id" not in params:
            raise _bad("message identifier is not specified")
        chat = self._chat(params)
        stored = self.messages.get((chat["id"], params["message_id"]))
        if stored is None:
            raise _bad("message to edit not found")
        if "photo" in stored:
            raise _bad("there is no text in the message to edit")
        markup = params.get("reply_markup")
        if stored["_html"] == params["text"] and stored.get("_parse_mode") == params.get("parse_mode") and (
            stored.get("reply_markup") == markup
        ):
            raise _bad(
                "message is not modified: specified new message content and reply markup are exactly the same "
                "as a current content and reply markup of the message"
            )
        stored.update(text=plain, edit_date=int(time.time()), _html=params["text"], _parse_mode=params.get("parse_mode"))
        if markup:
            stored["reply_markup"] = markup
        else:
            stored.pop("reply_markup", None)
        return {key: value for key, value in stored.items() if not key.startswith("_")}

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query = self._callback_queries.get(str(params.get("callback_query_id")))
        if query is None or query.answered:
            raise _bad(_QUERY_ID_INVALID[len("Bad Request: "):])
        if len(params.get("text") or "") > 200:
            raise _bad("MESSAGE_TOO_LONG")
        query.answered, query.answer = True, params
        return True

    def _m_answerInlineQuery(self, params: dict[str, Any]) -> bool:
        query = self._inline_queries.get(str(params.get("inline_query_id")))
        if query is None or query.answered:
            raise _bad(_QUERY_ID_INVALID[len("Bad Request: "):])
        results = params.get("results")
        if not isinstance(results, list):
            raise _bad("can't parse results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            result_id = str(result.get("id", ""))
            if not 1 <= len(result_id.encode("utf-8")) <= 64:
                raise _bad("RESULT_ID_INVALID")
            if result_id in seen:
                raise _bad("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                message_plain_text(content["message_text"], content.get("parse_mode"))
            check_reply_markup(result.get("reply_markup"))
        button = params.get("button")
        if button and "start_parameter" in button and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,64}", str(button["start_parameter"])
        ):
            raise _bad("START_PARAM_INVALID")
        query.answered, query.answer = True, params
        return True


    def _not_blocked(self, chat: dict[str, Any]) -> None:
        if chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    def _store_photo(self, chat: dict[str, Any], message_id: int, photo: bytes, params: dict[str, Any]) -> dict[str, Any]:
        width, height = check_photo(photo)
        unique = f"photo-{chat['id']}-{message_id}-{len(photo)}"
        message: dict[str, Any] = {
            "message_id": message_id, "from": dict(self.bot_user), "chat": chat, "date": int(time.time()),
            "photo": [{"file_id": unique, "file_unique_id": unique, "width": width, "height": height,
                       "file_size": len(photo)}],
        }
        caption = caption_plain_text(params.get("caption"), params.get("parse_mode"))
        if caption:
            message["caption"] = caption
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        if markup:
            message["reply_markup"] = markup
        self.messages[(chat["id"], message_id)] = {
            **message, "_html": params.get("caption") or "", "_parse_mode": params.get("parse_mode"), "_photo": photo,
        }
        return message

    def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat = self._chat(params)
        photo = files.get("photo")
        if photo is None and str(params.get("photo", "")).startswith("attach://"):
            photo = files.get(str(params["photo"])[len("attach://"):])
        caption_plain_text(params.get("caption"), params.get("parse_mode"))
        check_reply_markup(params.get("reply_markup"))
        check_photo(photo)
        self._not_blocked(chat)
        assert photo is not None
        return self._store_photo(chat, self._next_message_id(chat["id"]), photo, params)

    def _m_editMessageMedia(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any] | bool:
        media = params.get("media")
        if not isinstance(media, dict) or media.get("type") != "photo":
            raise _bad("can't parse InputMedia: media type is not photo")
        reference = str(media.get("media", ""))
        photo = files.get(reference[len("attach://"):]) if reference.startswith("attach://") else None
        check_photo(photo)
        caption_plain_text(media.get("caption"), media.get("parse_mode"))
        check_reply_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        chat = self._chat(params)
        stored = self.messages.get((chat["id"], params.get("message_id")))
        if stored is None:
            raise _bad("message to edit not found")
        if "photo" not in stored:
            raise _bad("there is no media in the message to edit")
        assert photo is not None
        message = self._store_photo(chat, int(params["message_id"]), photo,
                                    {**media, "reply_markup": params.get("reply_markup")})
        self.messages[(chat["id"], message["message_id"])]["edit_date"] = message["edit_date"] = int(time.time())
        return message

    def _m_setChatMenuButton(self, params: dict[str, Any]) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("commands", "web_app", "default"):
            raise _bad("can't parse menu button")
        self.menu_button = button
        return True

    def _m_getChatMenuButton(self, params: dict[str, Any]) -> dict[str, Any]:
        return dict(self.menu_button)


_UPLOADS = {"sendPhoto", "editMessageMedia"}


class _Dropped(Exception):
    """Raised inside a handler to cut the connection instead of answering."""


class _Faulted(Exception):
    def __init__(self, response: web.StreamResponse) -> None:
        super().__init__("faulted")
        self.response = response
