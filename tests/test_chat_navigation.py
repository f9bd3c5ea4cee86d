"""How answers lead to one another: a button that opens another answer sends a new message, a page or "back"
edits the one it is under; inline mode pages without repeating itself; a /start link from elsewhere is welcomed."""

from __future__ import annotations

import re

from bot.chat.telegram_limits import html_to_text
from tests.conftest import ChatBot, shown_text


def sent(calls) -> list[str]:  # noqa: ANN001
    return [c.method for c in calls if c.method != "answerCallbackQuery"]


# ---------------------------------------------------------------- 12. consistent navigation


async def test_the_search_button_is_offered_only_when_the_search_finds_something(chat_bot: ChatBot) -> None:
    reply = (await chat_bot.user().send("/who Rosatom"))[-1]
    assert "Nothing in the articles matches “Rosatom”" in reply.text
    assert not any(b["text"].startswith("🔎") for b in reply.buttons())
    reply = (await chat_bot.user().send("/who Kremlin"))[-1]
    assert "🔎 Search the articles for “Kremlin”" in [b["text"] for b in reply.buttons()]


async def test_a_button_opening_another_answer_sends_a_new_message_and_leaves_the_old_one(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    who = (await user.send("/who Kremlin"))[-1]
    calls = await user.press("🔎 Search the articles for “Kremlin”")
    assert sent(calls) == ["sendMessage"] and shown_text(calls).startswith("🔎 2 sentences matching “Kremlin”")
    assert not any(c.method == "editMessageText" for c in calls)
    assert who.text  # the /who answer it came from is still what it was

    calls = await user.send("/who Patrushev")
    calls = await user.press("🏢 Russian Maritime Board")  # an entry: a new message
    assert sent(calls) == ["sendMessage"]

    start = await user.send("/start")
    calls = await user.press("📄 All agreements")  # from the greeting: a new message, the greeting stays
    assert sent(calls) == ["sendMessage"] and shown_text(calls).startswith("Agreements (11)")
    assert start[-1].text.startswith("Hi!")


async def test_a_page_and_back_edit_the_message_they_are_under(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    await user.send("/who To Lam")
    assert sent(await user.press("▶")) == ["editMessageText"]
    assert sent(await user.press("◀")) == ["editMessageText"]
    await user.send("/sector nuclear")
    assert sent(await user.press("🏭 All sectors")) == ["editMessageText"]  # back to the list


# ---------------------------------------------------------------- 13. inline mode


async def test_inline_results_never_quote_a_sentence_twice(chat_bot: ChatBot) -> None:
    for query in ("Patrushev", "To Lam", "nuclear"):
        results = (await chat_bot.user().inline(query))[0].params["results"]
        quotes = [q for r in results for q in re.findall(r"<blockquote[^>]*>(.*?)</blockquote>", r["input_message_content"]["message_text"], re.S)]
        assert quotes and len(quotes) == len(set(quotes)), query


async def test_inline_results_page_with_next_offset_up_to_fifty(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    seen: list[str] = []
    offset = ""
    for _ in range(10):
        answer = (await user.inline("Vietnam", offset=offset))[0].params
        assert 1 <= len(answer["results"]) <= 10
        seen += [r["id"] for r in answer["results"]]
        offset = answer.get("next_offset") or ""
        if not offset:
            break
    assert 20 < len(seen) <= 50 and len(seen) == len(set(seen))
    assert offset == ""  # the last page says there is no more


async def test_an_empty_inline_query_suggests_the_best_known_names(chat_bot: ChatBot) -> None:
    answer = (await chat_bot.user().inline(""))[0].params
    titles = [r["title"] for r in answer["results"]]
    assert "To Lam" in titles and "Vladimir Putin" in titles
    for result in answer["results"]:
        assert "<blockquote" in result["input_message_content"]["message_text"]
    assert answer["button"]["start_parameter"] == "help"


# ---------------------------------------------------------------- 14. /start from elsewhere


async def test_start_with_a_payload_it_does_not_know_is_the_normal_welcome(chat_bot: ChatBot) -> None:
    plain = html_to_text((await chat_bot.user().send("/start"))[-1].text)
    for payload in ("ref_twitter", "abc", "utm-source_x"):
        reply = html_to_text((await chat_bot.user().send(f"/start {payload}"))[-1].text)
        assert reply == plain and "no longer hold" not in reply, payload
    stale = html_to_text((await chat_bot.user().send("/start who_nobody-at-all"))[-1].text)
    assert stale.startswith("That link points to something I no longer hold.")  # a link of ours, to what is gone
