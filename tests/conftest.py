"""Shared fixtures for the chat tests: an index built once from the repo's seeds, and the real Application
(from `build_application`) talking through the offline transport, checked after every test for what Telegram
would refuse: over-long or unparsable messages, callback data over 64 bytes, unanswered button presses."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` run without installing the package
    sys.path.insert(0, str(ROOT))

from telegram.constants import MessageLimit
from telegram.ext import Application, ContextTypes

from bot.chat.app import build_application
from bot.chat.offline import ApiCall, Conversation, OfflineRequest, running
from bot.chat.telegram_limits import html_problems, html_to_text, utf16_len
from bot.config import Settings

SEEDS = ROOT / "seeds"
ANSWERS = ROOT / "tests" / "data" / "answers"  # four small invented articles: two outlets, a year apart, no headline
GOLD = json.loads((ROOT / "tests" / "data" / "gold.json").read_text(encoding="utf-8"))
ADMIN_ID = 4242
USER_ID = 1001


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index of `seeds/`, built once per test session."""
    from bot.index.build import build_index

    path = tmp_path_factory.mktemp("index") / "citebot.sqlite3"
    build_index(SEEDS, path)
    return path


@dataclass
class ChatBot:
    """The application under test, its offline transport, and the errors its handlers raised."""

    app: Application
    request: OfflineRequest
    settings: Settings
    errors: list[BaseException] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)

    def user(self, user_id: int = USER_ID, chat_id: int | None = None) -> Conversation:
        conversation = Conversation(self.app, self.request, user_id=user_id, chat_id=chat_id)
        self.conversations.append(conversation)
        return conversation

    def admin(self) -> Conversation:
        return self.user(ADMIN_ID)


def check_calls(calls: list[ApiCall]) -> None:
    """What Telegram checks, plus our own stricter page limit: raw HTML ≤ 4096 characters."""
    for call in calls:
        texts: list[tuple[str | None, Any]] = []
        if call.method in ("sendMessage", "editMessageText"):
            texts.append((call.text, call.parse_mode))
        if call.method == "answerInlineQuery":
            for result in call.params.get("results", []):
                assert len(str(result["id"]).encode()) <= 64
                content = result["input_message_content"]
                texts.append((content["message_text"], content.get("parse_mode")))
        for text, parse_mode in texts:
            assert text, f"{call.method} with empty text"
            assert utf16_len(text) <= MessageLimit.MAX_TEXT_LENGTH, f"{call.method} text of {utf16_len(text)} characters"
            assert parse_mode == "HTML", f"{call.method} without HTML parse mode"
            assert not html_problems(text), f"invalid Telegram HTML: {html_problems(text)}\n{text}"
        if call.method in ("sendPhoto", "editMessageMedia"):
            assert call.photo and call.photo.startswith(b"\x89PNG"), f"{call.method} without a PNG"
            caption = call.caption or ""
            assert utf16_len(html_to_text(caption)) <= 1024 and not html_problems(caption), caption
        for button in call.buttons():
            if "callback_data" in button:
                assert 1 <= len(button["callback_data"].encode()) <= 64, button
            if "copy_text" in button:
                assert 1 <= len(button["copy_text"]["text"]) <= 256, button
        if call.method == "answerCallbackQuery":
            assert len(call.params.get("text") or "") <= 200


def check_callbacks_answered(bot: ChatBot) -> None:
    answered = {call.params.get("callback_query_id") for call in bot.request.calls if call.method == "answerCallbackQuery"}
    pressed = [u for c in bot.conversations for u in c.fed if "callback_query" in u]
    for update in pressed:
        assert update["callback_query"]["id"] in answered, f"callback {update['callback_query']['data']!r} not answered"


async def make_bot(db_path: Path, seeds_dir: Path = SEEDS, admin_ids: frozenset[int] = frozenset({ADMIN_ID})) -> ChatBot:
    settings = Settings(_env_file=None, db_path=db_path, seeds_dir=seeds_dir, admin_ids=admin_ids)
    request = OfflineRequest()
    app = build_application(settings, request)
    bot = ChatBot(app, request, settings)

    async def collect(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        bot.errors.append(context.error)

    app.add_error_handler(collect)
    return bot


@pytest.fixture(scope="session")
def answers_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index of `tests/data/answers/`, built once per session."""
    from bot.index.build import build_index

    path = tmp_path_factory.mktemp("answers") / "citebot.sqlite3"
    build_index(ANSWERS, path)
    return path


async def _started(source_db: Path, seeds_dir: Path, tmp_path: Path) -> AsyncIterator[ChatBot]:
    db_path = tmp_path / "citebot.sqlite3"
    shutil.copy(source_db, db_path)
    bot = await make_bot(db_path, seeds_dir)
    async with running(bot.app):
        yield bot
    check_calls(bot.request.calls)
    check_callbacks_answered(bot)
    assert not bot.errors, f"handlers raised: {bot.errors!r}"


@pytest.fixture
async def chat_bot(seeds_db: Path, tmp_path: Path) -> AsyncIterator[ChatBot]:
    """The real bot over a private copy of the seeds index, started offline; checked on the way out."""
    async for bot in _started(seeds_db, SEEDS, tmp_path):
        yield bot


@pytest.fixture
async def answers_bot(answers_db: Path, tmp_path: Path) -> AsyncIterator[ChatBot]:
    """The real bot over the invented articles of `tests/data/answers/`, checked on the way out."""
    async for bot in _started(answers_db, ANSWERS, tmp_path):
        yield bot


def shown_text(calls: list[ApiCall]) -> str:
    """Everything the user could read in these calls, as plain text."""
    parts = []
    for call in calls:
        if call.method in ("sendMessage", "editMessageText") and call.text:
            parts.append(html_to_text(call.text) if call.parse_mode == "HTML" else call.text)
        elif call.method == "answerCallbackQuery" and call.params.get("text"):
            parts.append(call.params["text"])
        for button in call.buttons():
            parts.append(button.get("text", ""))
    return "\n".join(parts)


@pytest.fixture
async def private_seeds_bot(seeds_db: Path, tmp_path: Path):
    """A bot whose SEEDS_DIR is a private copy of the seeds (to add an article to, or to break) over a copy of
    their index; checks its calls, its answered buttons and that no handler raised."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    db_path = tmp_path / "citebot.sqlite3"
    shutil.copy(seeds_db, db_path)
    bot = await make_bot(db_path, seeds_dir=seeds)
    async with running(bot.app):
        yield bot
    check_calls(bot.request.calls)
    check_callbacks_answered(bot)
    assert not bot.errors, f"handlers raised: {bot.errors!r}"
