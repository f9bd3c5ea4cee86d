"""`citebot console`: the real bot fed from standard input, the network replaced by the offline transport.

Every line goes through the same Application, handlers and rendering as in Telegram (INTERFACES.md):
plain lines are messages, `[TEXT]` or `[N]` (and `{"press": "TEXT"}`, `{"press": N}`) press a button by its label
or its number, any other JSON object is a whole Update.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import sqlite3
import sys
from typing import Any, TextIO

from bot.chat.app import build_application
from bot.chat.offline import DEFAULT_USER_ID, ApiCall, Conversation, OfflineRequest, running
from bot.chat.telegram_limits import png_size
from bot.config import Settings

GREETING = (
    "citebot console — type what you would send the bot, e.g. /who <a name>, /sector energy, /help.\n"
    "Press a button by its number or its label: [2], [▶]. Ctrl-D quits."
)
_PRESS_LINE = re.compile(r"\[(.+)\]")  # `[2]` or `[▶]`: press that button, as shown
SHOWN_METHODS = {"sendMessage", "editMessageText", "answerCallbackQuery", "answerInlineQuery", "sendPhoto", "editMessageMedia"}


def main(args: Any, settings: Settings) -> int:
    """Run the console over stdin/stdout; `args` has json, user_id, chat_id, admin (any may be None), and
    `settings` already holds the cli's `--seeds`/`--db`."""
    settings = _apply_args(args, settings)
    user_id = getattr(args, "user_id", None) or DEFAULT_USER_ID
    chat_id = getattr(args, "chat_id", None)
    from bot.index.query import unavailable_errors

    try:
        return asyncio.run(_run(settings, user_id, chat_id, bool(getattr(args, "json", False)), sys.stdin, sys.stdout))
    except KeyboardInterrupt:
        return 130
    except unavailable_errors() as error:
        print(f"citebot console: no index to answer from: {error}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as error:  # e.g. a DB_PATH in a folder that cannot be written
        reason = getattr(error, "strerror", None) or error
        print(f"citebot console: cannot open or build the index {settings.db_path}: {reason}", file=sys.stderr)
        return 1


def _apply_args(args: Any, settings: Settings) -> Settings:
    """`--admin` makes the console's user an admin; `--seeds`/`--db` were applied by the cli already."""
    if not getattr(args, "admin", False):
        return settings
    user_id = getattr(args, "user_id", None) or DEFAULT_USER_ID
    return settings.model_copy(update={"admin_ids": frozenset(settings.admin_ids) | {user_id}})


async def _run(settings: Settings, user_id: int, chat_id: int | None, as_json: bool, stdin: TextIO, stdout: TextIO) -> int:
    request = OfflineRequest()
    application = build_application(settings, request)
    async with running(application):
        conversation = Conversation(application, request, user_id=user_id, chat_id=chat_id)
        interactive = stdin.isatty() and not as_json
        if interactive:
            print(GREETING, file=stdout, flush=True)
        while True:
            if interactive:
                print("› ", end="", file=stdout, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            calls, problem = await _handle(conversation, line)
            request.forget({call.update_id for call in calls})  # shown now: a console left running stays small
            if as_json:
                record: dict[str, Any] = {"input": line, "replies": [c.as_reply() for c in calls]}
                if problem:
                    record["error"] = problem
                _write(stdout, json.dumps(record, ensure_ascii=False), json.dumps(record))
            else:
                shown = [f"(!) {problem}"] if problem else []
                shown += [text for text in (readable(call, numbered=interactive) for call in calls) if text]
                _write(stdout, "\n".join(shown) + "\n" if shown else "")
    return 0


def _write(stdout: TextIO, text: str, fallback: str | None = None) -> None:
    """One answer and a newline, flushed. Text the output cannot encode (a lone surrogate that came in as
    `\\ud83d`) is written escaped — as `fallback` (JSON with \\u escapes), or with backslash escapes."""
    encoding = getattr(stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        text = fallback if fallback is not None else text.encode(encoding, "backslashreplace").decode(encoding)
    print(text, file=stdout, flush=True)


async def _handle(conversation: Conversation, line: str) -> tuple[list[ApiCall], str | None]:
    pressed = _PRESS_LINE.fullmatch(line.strip())
    if pressed:
        try:
            return await conversation.press(pressed.group(1)), None
        except LookupError as error:
            return [], str(error)
    if line.lstrip().startswith("{"):
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            return [], f"not valid JSON: {error}"
        if not isinstance(data, dict):
            return [], "a JSON line must be an object"
        if "press" in data:
            try:
                return await conversation.press(str(data["press"])), None
            except LookupError as error:
                return [], str(error)
        if "update_id" not in data:
            return [], 'a JSON line is either {"press": "TEXT"} or a whole Telegram Update (with update_id)'
        try:
            return await conversation.feed(data), None
        except Exception as error:  # a field missing or of the wrong type: PTB cannot make an Update of it
            return [], f"not a usable Telegram Update: {type(error).__name__}: {error}"
    return await conversation.send(line), None


def readable(call: ApiCall, numbered: bool = False) -> str:
    """What a person would read for one API call; empty for calls they would not see. `numbered`: each button
    shows the number that presses it (`[2 ▶]`), for someone typing at the console."""
    if call.method not in SHOWN_METHODS:
        return ""
    if call.method == "answerCallbackQuery":
        return f"(notice) {call.text}" if call.text else ""
    if call.method == "answerInlineQuery":
        results = call.params.get("results") or []
        lines = [f"(inline: {len(results)} result{'s' if len(results) != 1 else ''})"]
        for number, result in enumerate(results, 1):
            lines.append(f"  {number}. {result.get('title', '')} — {result.get('description', '')}")
        return "\n".join(lines)
    prefix = "(edited)\n" if call.method in ("editMessageText", "editMessageMedia") else ""
    if call.photo is not None:
        size = png_size(call.photo)
        shown = f"{size[0]}×{size[1]} PNG, {len(call.photo) // 1024} KB" if size else f"{len(call.photo)} bytes"
        prefix += f"[picture: {shown}]\n"
        parse_mode = (call.params.get("media") or {}).get("parse_mode") if call.method == "editMessageMedia" else call.parse_mode
        text = html_to_readable(call.caption or "") if parse_mode == "HTML" else (call.caption or "")
    else:
        text = html_to_readable(call.text or "") if call.parse_mode == "HTML" else (call.text or "")
    rows = (call.reply_markup or {}).get("inline_keyboard", [])
    numbers = iter(range(1, 1000))
    keyboard = "\n".join(
        " ".join(f"[{next(numbers)} {button.get('text', '')}]" if numbered else f"[{button.get('text', '')}]" for button in row)
        for row in rows
    )
    return prefix + text + (f"\n{keyboard}" if keyboard else "")


def html_to_readable(text: str) -> str:
    """Telegram HTML as plain text: quotes indented, links followed by their address."""

    def blockquote(match: re.Match[str]) -> str:
        return "\n".join("  │ " + line for line in match.group(1).split("\n"))

    text = re.sub(r"<blockquote[^>]*>(.*?)</blockquote>", blockquote, text, flags=re.S)
    text = re.sub(r'<a href="([^"]*)">(.*?)</a>', lambda m: f"{m.group(2)} ({m.group(1)})", text, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)
