"""What a careless or hostile user can type: absurdly long arguments, emoji, control and direction characters.
Every reply stays within Telegram's limits, quotes back only a short clean excerpt, and costs bounded memory."""

from __future__ import annotations

import tracemalloc

import pytest

from bot.index.query import Index
from bot.ingest.names import fold
from tests.conftest import ChatBot


async def test_who_looks_at_a_name_sized_argument_only(chat_bot: ChatBot, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real_who = Index.who

    async def who(self: Index, name: str):
        asked.append(name)
        return await real_who(self, name)

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
        for number in range(1500):
            fold(f"{number} " + "Ivanov " * 570)
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 1_000_000, f"{kept:,} bytes kept after folding 1,500 long strings"
