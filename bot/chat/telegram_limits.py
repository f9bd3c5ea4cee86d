"""What Telegram accepts: its HTML subset, message and callback-data limits, inline answers.

The offline transport refuses what Telegram would refuse with these checks, and the renderer and the tests use
`html_to_text` to see what a reader sees. Pure functions; no I/O.
"""

from __future__ import annotations

import html
import re
import struct
from typing import Any

from telegram.constants import MessageLimit


class TelegramRefusal(Exception):
    """What Telegram would answer with HTTP 400."""


class TelegramForbidden(TelegramRefusal):
    """What Telegram answers with HTTP 403: the user blocked the bot, or never started a chat with it."""


_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "tg-spoiler", "span",
    "tg-emoji",
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_MARKUP = re.compile(r"[<>&]")  # the only characters the checks look at: the text between them is skipped


def html_problems(text: str) -> list[str]:
    """Why Telegram would refuse this HTML (empty list: it parses). Allowed tags, balanced, only known entities."""
    problems: list[str] = []
    stack: list[str] = []
    position = 0
    while (found := _MARKUP.search(text, position)) is not None:
        position = found.start()
        char = found.group()
        if char == "<":
            match = _TAG.match(text, position)
            if not match:
                problems.append(f"bare '<' at {position}")
                position += 1
                continue
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in _ALLOWED_TAGS:
                problems.append(f"unsupported tag <{name}> at {position}")
            elif closing:
                if not stack or stack[-1] != name:
                    problems.append(f"unbalanced </{name}> at {position}")
                else:
                    stack.pop()
            else:
                if name == "a" and not re.match(r'\s+href="[^"<>]*"\s*$', attrs or ""):
                    problems.append(f"<a> without a quoted href at {position}")
                stack.append(name)
            position = match.end()
        elif char == "&":
            match = _ENTITY.match(text, position)
            if not match:
                problems.append(f"bare '&' at {position}")
                position += 1
                continue
            position = match.end()
        else:
            problems.append(f"bare '>' at {position}")
            position += 1
    if stack:
        problems.append(f"unclosed tags: {stack}")
    return problems


_ANY_TAG = re.compile(r"<[^>]*>")


def html_to_text(text: str) -> str:
    """The plain text Telegram would display for this HTML (links lose their address)."""
    return html.unescape(_ANY_TAG.sub("", text))


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


COPY_TEXT_LIMIT = 256  # characters a copy button (CopyTextButton) may carry


def check_markup(markup: Any) -> None:
    """Telegram's checks of an inline keyboard: callback data of 1–64 bytes, no empty button text, a copy
    button's text of 1–256 characters, a URL of http(s) or tg, a chosen-chat switch allowing some chat."""
    if not isinstance(markup, dict):
        return
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                raise TelegramRefusal("Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise TelegramRefusal("Bad Request: button text is empty")
            copy = button.get("copy_text")
            if copy is not None and not (isinstance(copy, dict) and 1 <= len(str(copy.get("text") or "")) <= COPY_TEXT_LIMIT):
                raise TelegramRefusal("Bad Request: COPY_TEXT_INVALID")
            url = button.get("url")
            if url is not None and not re.match(r"(https?|tg)://\S+$", str(url)):
                raise TelegramRefusal(f"Bad Request: inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
            chosen = button.get("switch_inline_query_chosen_chat")
            if chosen is not None and not any(
                chosen.get(kind) for kind in ("allow_user_chats", "allow_bot_chats", "allow_group_chats", "allow_channel_chats")
            ):
                raise TelegramRefusal("Bad Request: switch_inline_query_chosen_chat must allow some chats")


def check_text(text: Any, parse_mode: Any, *, field_name: str = "message") -> None:
    """Telegram's checks of a message text: not empty, parsable HTML, at most 4096 characters as shown."""
    if not isinstance(text, str) or not text.strip():
        raise TelegramRefusal(f"Bad Request: {field_name} text is empty")
    shown = text
    if parse_mode == "HTML":
        problems = html_problems(text)
        if problems:
            raise TelegramRefusal(f"Bad Request: can't parse entities: {problems[0]}")
        shown = html_to_text(text)
    if utf16_len(shown) > MessageLimit.MAX_TEXT_LENGTH:
        raise TelegramRefusal("Bad Request: message is too long")


CAPTION_LIMIT = 1024  # characters of a photo's caption, as shown
PHOTO_BYTES = 10 * 1024 * 1024  # what sendPhoto takes at most
PHOTO_SIDES = 10_000  # width + height at most
PHOTO_RATIO = 20  # the longer side at most this many times the shorter


def check_caption(caption: Any, parse_mode: Any) -> None:
    """Telegram's checks of a photo caption: parsable HTML, at most 1024 characters as shown (it may be empty)."""
    if caption is None or caption == "":
        return
    if not isinstance(caption, str):
        raise TelegramRefusal("Bad Request: caption must be a string")
    shown = caption
    if parse_mode == "HTML":
        problems = html_problems(caption)
        if problems:
            raise TelegramRefusal(f"Bad Request: can't parse entities: {problems[0]}")
        shown = html_to_text(caption)
    if utf16_len(shown) > CAPTION_LIMIT:
        raise TelegramRefusal("Bad Request: message caption is too long")


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, read from its header; None for bytes that are not a PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def check_photo(data: Any) -> tuple[int, int]:
    """Telegram's checks of an uploaded photo (here: a PNG): its size in bytes and its sides; its (width, height)."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise TelegramRefusal("Bad Request: there is no photo in the request")
    size = png_size(bytes(data))
    if size is None:
        raise TelegramRefusal("Bad Request: IMAGE_PROCESS_FAILED")
    width, height = size
    if len(data) > PHOTO_BYTES or width + height > PHOTO_SIDES or max(size) > PHOTO_RATIO * max(min(size), 1):
        raise TelegramRefusal("Bad Request: PHOTO_INVALID_DIMENSIONS")
    return size


def check_inline_answer(params: dict[str, Any]) -> None:
    """Telegram's checks of answerInlineQuery: at most 50 results, unique ids of 1–64 bytes, valid messages."""
    results = params.get("results") or []
    if len(results) > 50:
        raise TelegramRefusal("Bad Request: RESULTS_TOO_MUCH")
    ids = [str(result.get("id")) for result in results]
    if len(set(ids)) != len(ids) or any(not 1 <= len(i.encode()) <= 64 for i in ids):
        raise TelegramRefusal("Bad Request: RESULT_ID_INVALID")
    for result in results:
        content = result.get("input_message_content") or {}
        check_text(content.get("message_text"), content.get("parse_mode"))
        check_markup(result.get("reply_markup"))
