"""Property: whatever a user or a client sends — random text, commands with random arguments, forged callback
data, inline queries, JSON lines of any shape — every reply stays within what Telegram accepts and no handler
raises. Hypothesis generates the inputs (hostile ones better than any hand-written list), with a fixed seed and a
bounded number of examples, and they go through the console's own line handling and Application."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.constants import MessageLimit

from bot.chat.console import _handle
from bot.chat.offline import ApiCall, Conversation, start, stop
from bot.chat.telegram_limits import html_problems, html_to_text, utf16_len
from tests.conftest import ChatBot, make_bot

HOSTILE = [
    "\x00", "\u202e", "\u2066", "\ufeff", "\ud83d", "\udfff", "\x07", "\r", "\t", "<b>", "</i>", "<a href=x>", "&amp;",
    "&", "<", ">", '"', "😀", "👨‍👩‍👧", "é", "Патрушев", "东京", "ت", "Patrushev", "energy", "nuclear", "oil and gas",
    "-", "_", ":", "~", "%3A", "x" * 300, "😀" * 300, " " * 50, "\n\n", "@citebot_offline_bot",
]
COMMANDS = [
    "/who", "/sector", "/agreements", "/search", "/sources", "/figures", "/start", "/help", "/reload", "/frobnicate",
    "/who@citebot_offline_bot", "/start search_", "/start who_", "/start sector_", "/start help", "/WHO", "/",
]
VIEWS = ["w", "s", "a", "q", "src", "f", "zz", ""]

words = st.lists(st.one_of(st.text(max_size=20), st.sampled_from(HOSTILE)), max_size=6).map("".join)
long_words = st.one_of(words, st.builds(lambda w, n: w * n, words, st.integers(1, 200)))
command = st.builds(lambda c, a: f"{c} {a}", st.sampled_from(COMMANDS), long_words)
callback_data = st.one_of(
    st.text(max_size=70),
    st.builds(lambda v, p, a: f"p:{v}:{p}:{a}", st.sampled_from(VIEWS), st.integers(-3, 1500), words),
    st.builds(lambda kind, key: f"{kind}:{key}", st.sampled_from(["w", "s", "x"]), words),
    st.sampled_from(["n", "p:w:1:~0000000000000000", "w:~", "p:q:999:", "s:energy", "p:a:2:"]),
)
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), words),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(words, inner, max_size=3)),
    max_leaves=8,
)
chat = st.builds(
    lambda chat_id, kind: {"id": chat_id, "type": kind, "first_name": "A", "title": "T"},
    st.sampled_from([1001, -100123, 5]), st.sampled_from(["private", "group", "supergroup", "channel"]),
)
user = st.builds(lambda user_id: {"id": user_id, "is_bot": False, "first_name": "A"}, st.sampled_from([1001, 7, 2**40]))
message = st.builds(
    lambda c, u, text, offset, length: {
        "message_id": 9, "date": 0, "chat": c, "from": u, "text": text,
        "entities": [{"type": "bot_command", "offset": offset, "length": length}],
    },
    chat, user, st.one_of(command, words), st.integers(-2, 5), st.integers(0, 40),
)
update_line = st.one_of(
    st.builds(lambda m: json.dumps({"update_id": 1, "message": m}), message),
    st.builds(
        lambda u, m, data, inline: json.dumps({"update_id": 2, "callback_query": {
            "id": "q1", "from": u, "chat_instance": "c", "data": data,
            **({"inline_message_id": "im1"} if inline else {"message": m}),
        }}),
        user, message, callback_data, st.booleans(),
    ),
    st.builds(lambda u, q: json.dumps({"update_id": 3, "inline_query": {"id": "i1", "from": u, "query": q, "offset": ""}}),
              user, long_words),
)
json_line = st.one_of(
    update_line,
    st.builds(lambda v: json.dumps({"press": v}), json_value),
    st.builds(lambda v: json.dumps({"update_id": v}), json_value),
    st.builds(lambda i, kind, body: json.dumps({"update_id": i, kind: body}), st.integers(-5, 10**9),
              st.sampled_from(["message", "callback_query", "inline_query", "edited_message", "poll"]), json_value),
    st.builds(lambda v: "{" + json.dumps(v)[:40], json_value),  # not even JSON
)
action = st.one_of(
    st.tuples(st.just("line"), st.one_of(words, long_words, command, json_line)),
    st.tuples(st.just("press"), callback_data),
    st.tuples(st.just("inline"), long_words),
)


@pytest.fixture(scope="module")
def console_bot(tmp_path_factory: pytest.TempPathFactory, seeds_db: Path) -> Iterator[tuple[asyncio.AbstractEventLoop, ChatBot]]:
    """The console's Application (offline transport, strict like Telegram), started once on a loop of its own."""
    db_path = tmp_path_factory.mktemp("property") / "citebot.sqlite3"
    db_path.write_bytes(seeds_db.read_bytes())
    loop = asyncio.new_event_loop()
    bot = loop.run_until_complete(make_bot(db_path, admin_ids=frozenset()))
    loop.run_until_complete(start(bot.app))
    try:
        yield loop, bot
    finally:
        loop.run_until_complete(stop(bot.app))
        loop.close()


def within_telegrams_limits(call: ApiCall) -> None:
    texts: list[tuple[Any, Any]] = []
    if call.method in ("sendMessage", "editMessageText"):
        texts.append((call.text, call.parse_mode))
    if call.method == "answerInlineQuery":
        results = call.params.get("results") or []
        assert len(results) <= 50
        for result in results:
            assert 1 <= len(str(result["id"]).encode()) <= 64
            content = result["input_message_content"]
            texts.append((content["message_text"], content.get("parse_mode")))
    for text, parse_mode in texts:
        assert isinstance(text, str) and text.strip(), f"{call.method} with empty text"
        assert utf16_len(text) <= MessageLimit.MAX_TEXT_LENGTH, f"{call.method}: {utf16_len(text)} UTF-16 units"
        if parse_mode == "HTML":
            assert not html_problems(text), html_problems(text)
            assert utf16_len(html_to_text(text)) <= MessageLimit.MAX_TEXT_LENGTH
        assert "Sorry, something went wrong" not in text
    for button in call.buttons():
        assert button.get("text"), "a button without text"
        if "callback_data" in button:
            assert 1 <= len(button["callback_data"].encode()) <= 64, button
    if call.method == "answerCallbackQuery":
        assert len(call.params.get("text") or "") <= 200


@settings(
    max_examples=60, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(actions=st.lists(action, min_size=1, max_size=4))
def test_any_input_gets_replies_telegram_accepts_and_no_handler_raises(
    console_bot: tuple[asyncio.AbstractEventLoop, ChatBot], actions: list[tuple[str, str]]
) -> None:
    loop, bot = console_bot
    conversation = Conversation(bot.app, bot.request)
    bot.conversations.append(conversation)
    before = len(bot.request.calls)

    async def perform() -> None:
        for kind, value in actions:
            if kind == "line":
                await _handle(conversation, value)
            elif kind == "press":
                await conversation.press_data(value)
            else:
                await conversation.inline(value)

    loop.run_until_complete(asyncio.wait_for(perform(), 60))
    assert not bot.errors, f"handlers raised {bot.errors!r} for {actions!r}"
    calls = bot.request.calls[before:]
    for call in calls:
        within_telegrams_limits(call)
    refused = [c for c in calls if c.method in ("sendMessage", "editMessageText") and not c.text]
    assert not refused
    answered = {c.params.get("callback_query_id") for c in calls if c.method == "answerCallbackQuery"}
    for update in conversation.fed:
        query = update.get("callback_query")
        if isinstance(query, dict) and query.get("id") is not None and query.get("from"):
            assert str(query["id"]) in answered, f"button {query.get('data')!r} not answered"
