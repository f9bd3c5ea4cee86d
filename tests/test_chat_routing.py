"""Which handler an update reaches: deep links by their payload, button presses by the kind of their data, as
the Application routes them (filters.Regex on /start, CallbackQueryHandler patterns)."""

from __future__ import annotations

import re

import pytest

from bot.chat import callbacks
from tests.conftest import ChatBot, shown_text

PAYLOADS = {
    "help": "help",
    "who_nikolai-patrushev": "who",
    "who__x": "who",
    "sector_oil-and-gas": "sector",
    "search_oil-and-gas": "search",
    "search_-_x": "search",
    "search_----": None,  # no words
    "who_": None,
    "helpme": None,
    "who_" + "x" * 61: None,  # over Telegram's 64 characters
    "who_<x>": None,
    "frobnicate": None,
}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_deep_link_is_routed_to_the_kind_parse_deep_link_reads_it_as(payload: str) -> None:
    parsed = callbacks.parse_deep_link(payload)
    assert (parsed[0] if parsed else None) == PAYLOADS[payload]
    for text in (f"/start {payload}", f"/start@citebot_offline_bot {payload}", f"/Start  {payload} and more"):
        routed = [kind for kind in callbacks.DEEP_LINKS if re.search(callbacks.start_pattern(kind), text)]
        assert routed == ([PAYLOADS[payload]] if PAYLOADS[payload] else []), text


async def test_deep_links_in_any_form_telegram_sends_open_the_answer(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    for text in ("/start who_nikolai-patrushev", "/start@citebot_offline_bot who_nikolai-patrushev",
                 "/START who_nikolai-patrushev extra words"):
        shown = shown_text(await user.send(text))
        assert "👤 Nikolai Patrushev" in shown and "no longer" not in shown, text
    assert "Try one of these" in shown_text(await user.send("/start"))
    greeting = shown_text(await user.send("/start who_nobody-at-all"))
    assert greeting.startswith("That link points to something I no longer hold.") and "Try one of these" in greeting


@pytest.mark.parametrize(
    ("data", "handler"),
    [("w:nikolai-patrushev", "open_entry"), ("s:energy", "open_entry"), ("p:w:2:nikolai-patrushev", "turn_page"),
     ("p:src:1:", "turn_page"), ("n", "page_indicator"), ("p:zz:1:x", "stale_button"), ("garbage", "stale_button"),
     ("q:1:x", "stale_button")],
)
def test_each_kind_of_button_data_has_its_pattern(data: str, handler: str) -> None:
    routes = [(callbacks.OPEN_PATTERN, "open_entry"), (callbacks.page_pattern(), "turn_page"),
              (callbacks.NOOP_PATTERN, "page_indicator")]
    assert next((name for pattern, name in routes if pattern.match(data)), "stale_button") == handler


async def test_data_of_a_routed_kind_that_does_not_parse_is_answered_as_stale(chat_bot: ChatBot) -> None:
    """`p:w:0:x` looks like a page button and `w:` + 63 characters like an entry, but neither is one."""
    user = chat_bot.user()
    await user.send("/sources")
    for data in ("p:w:0:x", "p:w:1:" + "é" * 30, "w:" + "a" * 63):
        calls = await user.press_data(data)
        assert [c.method for c in calls] == ["answerCallbackQuery"], data
        assert "no longer works" in calls[0].params["text"], data
