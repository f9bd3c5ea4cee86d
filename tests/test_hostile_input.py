"""What a careless or hostile user can type: absurdly long arguments, emoji, control and direction characters.
Every reply stays within Telegram's limits, quotes back only a short clean excerpt, and costs bounded memory."""

from __future__ import annotations

import tracemalloc

import pytest

from bot.chat.telegram_limits import utf16_len
from bot.index.query import Index
from bot.ingest.names import fold
from tests.conftest import ChatBot, shown_text

SORRY = "Sorry, something went wrong"


@pytest.mark.parametrize(
    "command",
    [
        "/who " + "x" * 3785,
        "/who " + "😀" * 2000,  # 4,000 UTF-16 units in 2,000 characters
        "/sector " + "y" * 4040,
        "/agreements " + "z" * 4000,
        "/search " + "w" * 4000,
        "/" + "q" * 3000,
    ],
    ids=["who", "who-emoji", "sector", "agreements", "search", "unknown-command"],
)
async def test_a_reply_quotes_at_most_a_short_excerpt_of_a_long_argument(chat_bot: ChatBot, command: str) -> None:
    calls = await chat_bot.user().send(command)
    replies = [c for c in calls if c.method == "sendMessage"]
    assert replies and SORRY not in shown_text(replies), shown_text(replies)[:300]
    for reply in replies:
        assert utf16_len(reply.text) < 1000, utf16_len(reply.text)  # the excerpt, not the argument
    assert not chat_bot.errors


@pytest.mark.parametrize("hostile", ["a\x00b", "evil\u202ereversed", "bom\ufeffhere", "bell\x07"])
@pytest.mark.parametrize("template", ["/who {}", "/sector {}", "/agreements {}", "{}", "/x{}"])
async def test_control_and_direction_characters_are_never_echoed(chat_bot: ChatBot, template: str, hostile: str) -> None:
    calls = await chat_bot.user().send(template.format(hostile))
    text = shown_text(calls)
    for char in "\x00\u202e\ufeff\x07":
        assert char not in text
    assert SORRY not in text


async def test_who_looks_at_a_name_sized_argument_only(chat_bot: ChatBot, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real_who = Index.who

    async def who(self: Index, name: str, page: bool = True):
        asked.append(name)
        return await real_who(self, name, page)

    monkeypatch.setattr(Index, "who", who)
    await chat_bot.user().send("/who " + "Patrushev " * 400)
    assert asked and all(len(name) <= 100 for name in asked)


def test_the_name_folding_cache_does_not_keep_long_strings() -> None:
    """Thirty thousand unique 4,000-character /who queries took the process from 39 to 754 MB: each was kept by
    the folding cache with its folded form. Long strings are folded afresh now."""
    fold("warm up")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(300):
            fold(f"{number} " + "Ivanov " * 570)
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 500_000, f"{kept:,} bytes kept after folding 300 long strings"
