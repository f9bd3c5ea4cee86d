"""The offline transport: the real Application with the network replaced by a recorder.

`OfflineRequest` answers every Bot API call the way Telegram would (including Telegram's refusals for
over-long messages, unparsable HTML and callback data over 64 bytes, checked by `telegram_limits`), and records
each call. `Conversation`
builds real `Update` dicts for one user and feeds them through `Application.process_update`, returning the
calls each update caused. The console, the tests and the benchmarks all drive the bot through these two.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import json
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.chat.state import background_tasks
from bot.chat.telegram_limits import (
    TelegramForbidden,
    TelegramRefusal,
    check_caption,
    check_inline_answer,
    check_markup,
    check_photo,
    check_text,
    html_to_text,
    png_size,
    utf16_len,
)

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "citebot",
    "username": "citebot_offline_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
DEFAULT_USER_ID = 1001

_current_update: contextvars.ContextVar[int | None] = contextvars.ContextVar("offline_update", default=None)


@dataclass(frozen=True)
class ApiCall:
    """One Bot API call: its method and decoded parameters, and the update that caused it (if known)."""

    method: str
    params: dict[str, Any]
    update_id: int | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # uploads (a photo), by their field name

    @property
    def photo(self) -> bytes | None:
        """The picture a sendPhoto or editMessageMedia uploaded."""
        return next(iter(self.files.values()), None) if self.method in ("sendPhoto", "editMessageMedia") else None

    @property
    def caption(self) -> str | None:
        if self.method == "editMessageMedia":
            value = (self.params.get("media") or {}).get("caption")
        else:
            value = self.params.get("caption")
        return value if isinstance(value, str) else None

    @property
    def text(self) -> str | None:
        value = self.params.get("text")
        return value if isinstance(value, str) else None

    @property
    def parse_mode(self) -> str | None:
        return self.params.get("parse_mode")

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        return self.params.get("reply_markup")

    def buttons(self) -> list[dict[str, Any]]:
        """The inline buttons of this call's keyboard, row by row flattened."""
        markup = self.reply_markup or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    def as_reply(self) -> dict[str, Any]:
        """The console's `--json` shape (INTERFACES.md), with inline results added for answerInlineQuery."""
        reply: dict[str, Any] = {
            "method": self.method,
            "text": self.text,
            "parse_mode": self.parse_mode,
            "reply_markup": self.reply_markup,
        }
        if self.method == "answerInlineQuery":
            reply["results"] = self.params.get("results", [])
            reply["button"] = self.params.get("button")
        if self.photo is not None:
            size = png_size(self.photo)
            reply["caption"] = self.caption
            reply["photo"] = {"bytes": len(self.photo), "width": size[0], "height": size[1]} if size else None
        return reply


# ---------------------------------------------------------------- the transport


# What the offline transport remembers, so that a console left running (or a benchmark of 100,000 updates) does
# not grow without end: the newest messages of each chat (older ones can no longer be edited or pressed), the
# newest calls (the oldest half is dropped when there are more), and a conversation's newest updates and calls.
MESSAGES_KEPT = 1000
CALLS_KEPT = 20_000
UPDATES_KEPT = 1000


class OfflineRequest(BaseRequest):
    """A `BaseRequest` that never touches the network: records calls and answers like the Bot API."""

    def __init__(self, *, strict: bool = True) -> None:
        self.strict = strict  # refuse what Telegram refuses (HTTP 400) rather than accept it silently
        self.calls: list[ApiCall] = []  # the newest CALLS_KEPT or more
        self.messages: dict[int, dict[int, dict[str, Any]]] = {}  # chat id → message id → message
        self.blocked: set[int] = set()  # users who blocked the bot: sending to them is refused with 403
        self._message_ids = itertools.count(1)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def next_message_id(self) -> int:
        return next(self._message_ids)

    def calls_for(self, update_id: int) -> list[ApiCall]:
        return [call for call in self.calls if call.update_id == update_id]

    def forget(self, update_ids: Iterable[int | None]) -> None:
        """Drop the calls of updates whose calls were taken already (what a console has shown)."""
        done = set(update_ids)
        self.calls[:] = [call for call in self.calls if call.update_id not in done]

    def newest_keyboard_message(self, chat_id: int) -> dict[str, Any] | None:
        """The most recent bot message in the chat that still carries an inline keyboard."""
        for message_id in sorted(self.messages.get(chat_id, {}), reverse=True):
            message = self.messages[chat_id][message_id]
            if (message.get("reply_markup") or {}).get("inline_keyboard"):
                return message
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = {name: bytes(value[1]) for name, value in ((request_data.multipart_data or {}) if request_data else {}).items()}
        self.calls.append(ApiCall(api_method, params, _current_update.get(), files))
        if len(self.calls) > CALLS_KEPT:
            del self.calls[: len(self.calls) // 2]
        try:
            result = self._answer(api_method, params, files)
        except TelegramForbidden as refusal:
            return 403, json.dumps({"ok": False, "error_code": 403, "description": str(refusal)}).encode()
        except TelegramRefusal as refusal:
            return 400, json.dumps({"ok": False, "error_code": 400, "description": str(refusal)}).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _answer(self, method: str, params: dict[str, Any], files: dict[str, bytes] | None = None) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return []
        if method.startswith("send") and method != "sendChatAction" and int(params.get("chat_id") or 0) in self.blocked:
            raise TelegramForbidden("Forbidden: bot was blocked by the user")
        if method == "sendMessage":
            if self.strict:
                check_text(params.get("text"), params.get("parse_mode"))
                check_markup(params.get("reply_markup"))
            return self._store(int(params["chat_id"]), self.next_message_id(), params)
        if method == "sendPhoto":
            photo = next(iter((files or {}).values()), None)
            if self.strict:
                check_caption(params.get("caption"), params.get("parse_mode"))
                check_markup(params.get("reply_markup"))
                check_photo(photo)
            return self._store(int(params["chat_id"]), self.next_message_id(), params, photo)
        if method == "editMessageMedia":
            media = params.get("media") or {}
            photo = next(iter((files or {}).values()), None)
            if self.strict:
                check_caption(media.get("caption"), media.get("parse_mode"))
                check_markup(params.get("reply_markup"))
                check_photo(photo)
            chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
            old = self.messages.get(chat_id, {}).get(message_id)
            if old is None or "photo" not in old:
                raise TelegramRefusal("Bad Request: message to edit not found" if old is None else
                                      "Bad Request: there is no media in the message to edit")
            merged = {**params, "caption": media.get("caption"), "parse_mode": media.get("parse_mode")}
            return self._store(chat_id, message_id, merged, photo)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            if self.strict:
                if method == "editMessageText":
                    check_text(params.get("text"), params.get("parse_mode"))
                check_markup(params.get("reply_markup"))
            if "inline_message_id" in params:
                return True
            chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
            old = self.messages.get(chat_id, {}).get(message_id)
            if old is None:
                raise TelegramRefusal("Bad Request: message to edit not found")
            if "photo" in old and method == "editMessageText":
                raise TelegramRefusal("Bad Request: there is no text in the message to edit")
            merged = {"text": old.get("_html", ""), "parse_mode": old.get("_parse_mode"), **params}
            if method == "editMessageText" and self.strict and merged["text"] == old.get("_html") and (
                params.get("reply_markup") == old.get("reply_markup")
            ):
                raise TelegramRefusal("Bad Request: message is not modified")
            return self._store(chat_id, message_id, merged)
        if method == "answerCallbackQuery":
            if self.strict and len(params.get("text") or "") > 200:
                raise TelegramRefusal("Bad Request: MESSAGE_TOO_LONG")
            return True
        if method == "answerInlineQuery":
            if self.strict:
                check_inline_answer(params)
            return True
        if method.startswith("getMy"):
            return [] if method == "getMyCommands" else {}
        if method == "getChatMenuButton":
            return {"type": "commands"}
        return True  # setMyCommands, sendChatAction, deleteWebhook, setMyDescription, ...

    def _store(
        self, chat_id: int, message_id: int, params: dict[str, Any], photo: bytes | None = None
    ) -> dict[str, Any]:
        text = params.get("caption" if photo is not None else "text") or ""
        shown = html_to_text(text) if params.get("parse_mode") == "HTML" else text
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": _chat(chat_id),
            "from": BOT_USER,
        }
        if photo is not None:
            width, height = png_size(photo) or (0, 0)
            unique = f"photo{message_id}"
            message["photo"] = [{"file_id": unique, "file_unique_id": unique, "width": width, "height": height,
                                 "file_size": len(photo)}]
            if shown:
                message["caption"] = shown
        else:
            message["text"] = shown
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        chat = self.messages.setdefault(chat_id, {})
        chat[message_id] = {**message, "_html": text, "_parse_mode": params.get("parse_mode")}
        if len(chat) > MESSAGES_KEPT:  # ids only grow: the first in the dict is the oldest
            del chat[next(iter(chat))]
        return message


def _chat(chat_id: int, first_name: str = "Analyst") -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": first_name}
    return {"id": chat_id, "type": "supergroup", "title": "Newsroom"}


# ---------------------------------------------------------------- running the application offline


async def start(app: Application) -> None:
    """What `run_polling` does, minus the polling: initialize, the `post_init` hook (opens the index), start."""
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()  # marks the application running (background tasks are awaited on stop); no polling


async def stop(app: Application) -> None:
    if app.running:
        await app.stop()
    if app.post_shutdown:
        await app.post_shutdown(app)
    await app.shutdown()


@contextlib.asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:
    """`async with running(app):` — the application started offline and shut down afterwards."""
    await start(app)
    try:
        yield app
    finally:
        await stop(app)


_update_ids = itertools.count(1)


@dataclass
class Conversation:
    """One user talking to the bot in one chat; every method returns the API calls that input caused."""

    app: Application
    request: OfflineRequest
    user_id: int = DEFAULT_USER_ID
    chat_id: int | None = None  # default: the user's private chat
    first_name: str = "Analyst"
    language_code: str = "en"
    # the calls this conversation's updates caused, and the updates it sent: the newest UPDATES_KEPT of each
    history: deque[ApiCall] = field(default_factory=lambda: deque(maxlen=20 * UPDATES_KEPT))
    fed: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=UPDATES_KEPT))

    def __post_init__(self) -> None:
        if self.chat_id is None:
            self.chat_id = self.user_id

    @property
    def user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": self.first_name, "language_code": self.language_code}

    def message_update(self, text: str) -> dict[str, Any]:
        """A text message; a leading `/command` carries the `bot_command` entity Telegram adds."""
        assert self.chat_id is not None
        message: dict[str, Any] = {
            "message_id": self.request.next_message_id(),
            "date": int(time.time()),
            "chat": _chat(self.chat_id, self.first_name),
            "from": self.user,
            "text": text,
        }
        command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
        if command:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}]
        return {"update_id": next(_update_ids), "message": message}

    def edited_update(self, question: dict[str, Any], text: str) -> dict[str, Any]:
        """The user edits a message they sent (`question`: an update `message_update` made) to read `text`."""
        message = {**question["message"], "text": text, "edit_date": int(time.time())}
        message.pop("entities", None)
        command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
        if command:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}]
        return {"update_id": next(_update_ids), "edited_message": message}

    def callback_update(self, data: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        """A button press (`callback_query`) on `message` (default: the newest bot message with a keyboard)."""
        assert self.chat_id is not None
        message = message or self.request.newest_keyboard_message(self.chat_id) or {
            "message_id": self.request.next_message_id(),
            "date": int(time.time()),
            "chat": _chat(self.chat_id),
            "from": BOT_USER,
            "text": "",
        }
        public = {key: value for key, value in message.items() if not key.startswith("_")}
        chat_id = int(public.get("chat", {}).get("id", self.chat_id))
        if public.get("message_id") not in self.request.messages.get(chat_id, {}):
            # a message Telegram still shows (e.g. sent before a restart): the transport, like Telegram, knows it
            self.request.messages.setdefault(chat_id, {})[public["message_id"]] = {**public, "_html": public.get("text", "")}
        update_id = next(_update_ids)
        return {
            "update_id": update_id,
            "callback_query": {
                "id": f"cb{update_id}",
                "from": self.user,
                "chat_instance": f"ci{self.chat_id}",
                "message": public,
                "data": data,
            },
        }

    def inline_update(self, query: str, chat_type: str = "sender", offset: str = "") -> dict[str, Any]:
        """An inline query; `offset` is what the previous answer gave as `next_offset` (the user scrolled on)."""
        update_id = next(_update_ids)
        return {
            "update_id": update_id,
            "inline_query": {"id": f"iq{update_id}", "from": self.user, "query": query, "offset": offset, "chat_type": chat_type},
        }

    async def feed(self, update: dict[str, Any]) -> list[ApiCall]:
        """Process one raw update (plus the background work its handlers started); its API calls."""
        update_id = int(update["update_id"])
        parsed = Update.de_json(update, self.app.bot)  # raises for what Telegram would never send
        self.fed.append(update)
        token = _current_update.set(update_id)
        try:
            await self.app.process_update(parsed)
        finally:
            _current_update.reset(token)
        await wait_background(self.app, update_id)
        calls = self.request.calls_for(update_id)
        self.history.extend(calls)
        return calls

    async def send(self, text: str) -> list[ApiCall]:
        return await self.feed(self.message_update(text))

    async def edit(self, text: str, question: int = -1) -> list[ApiCall]:
        """Edit a message this user sent (default: the last one) to read `text`, as Telegram's "Edit" does."""
        sent = [update for update in self.fed if "message" in update]
        return await self.feed(self.edited_update(sent[question], text))

    async def press(self, button: str | int) -> list[ApiCall]:
        """Press the button whose text or callback_data equals `button` on the newest keyboard message, or — for
        a number no label equals — the button of that number, counted from 1 in reading order.

        Raises LookupError when no such button exists (a person could not have pressed it).
        """
        assert self.chat_id is not None
        message = self.request.newest_keyboard_message(self.chat_id)
        buttons = [candidate for row in ((message or {}).get("reply_markup") or {}).get("inline_keyboard", []) for candidate in row]
        wanted = str(button)
        chosen = next((b for b in buttons if wanted in (b.get("text"), b.get("callback_data"))), None)
        if chosen is None and wanted.isdigit() and 1 <= int(wanted) <= len(buttons):
            chosen = buttons[int(wanted) - 1]
        if chosen is None:
            raise LookupError(f"no button {wanted!r} on the newest message with a keyboard")
        if "callback_data" not in chosen:
            return []  # a URL or switch-inline button: Telegram handles it, no update for the bot
        return await self.press_data(chosen["callback_data"], message)

    async def press_data(self, data: str, message: dict[str, Any] | None = None) -> list[ApiCall]:
        """Send any callback data (also forged or stale data, as a hostile client could)."""
        return await self.feed(self.callback_update(data, message))

    async def inline(self, query: str, offset: str = "") -> list[ApiCall]:
        return await self.feed(self.inline_update(query, offset=offset))

    async def read_all(self, text: str, next_button: str = "▶", max_pages: int = 50) -> list[ApiCall]:
        """Send `text`, then press `next_button` while the answer offers it; every message shown, in order."""
        shown = [call for call in await self.send(text) if call.text is not None and call.method != "answerCallbackQuery"]
        for _ in range(max_pages):
            if not shown or next_button not in [b.get("text") for b in shown[-1].buttons()]:
                break
            pressed = await self.press(next_button)
            shown.extend(c for c in pressed if c.method == "editMessageText")
        return shown


async def wait_background(app: Application, update_id: int | None = None) -> None:
    """Wait for the background tasks started for one update (or for all of them)."""
    while pending := background_tasks(app, update_id):
        await asyncio.wait(pending)
