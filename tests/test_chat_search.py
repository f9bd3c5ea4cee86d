"""/search and plain text: one name however spelled, questions in plain words, and headings that are no answer."""

from __future__ import annotations

import re

from bot.chat.telegram_limits import html_to_text
from tests.conftest import ChatBot, shown_text

QUOTE = re.compile(r"<blockquote[^>]*>(.*?)</blockquote>\n— (?:<a [^>]+>)?([^<,]+)", re.S)


def hits(calls) -> list[tuple[str, str]]:  # noqa: ANN001
    """(quoted sentence as plain text, outlet) for every search hit shown."""
    return [(html_to_text(q), outlet) for call in calls for q, outlet in QUOTE.findall(call.text or "")]


# ---------------------------------------------------------------- 9. spellings of one name are one word


async def test_vietnam_and_viet_nam_find_the_same_sentences_from_both_outlets(chat_bot: ChatBot) -> None:
    found = {}
    for query in ("Vietnam", "Viet Nam", "Việt Nam"):
        found[query] = hits(await chat_bot.user().read_all(f"/search {query}"))
        assert {outlet for _, outlet in found[query]} == {"VNS", "Sputnik International"}, query
    assert found["Vietnam"] == found["Viet Nam"] == found["Việt Nam"]


async def test_hanoi_is_found_however_it_is_written(chat_bot: ChatBot) -> None:
    hanoi = hits(await chat_bot.user().read_all("/search Hanoi"))
    assert len(hanoi) == 3 and hits(await chat_bot.user().read_all("/search Hà Nội")) == hanoi
    assert hits(await chat_bot.user().read_all("/search Ha Noi")) == hanoi


async def test_the_other_spelling_is_bolded_in_the_quote(chat_bot: ChatBot) -> None:
    text = "\n".join(call.text or "" for call in await chat_bot.user().read_all("/search Vietnam"))
    assert "<b>Việt Nam</b>" in text and "<b>Vietnam</b>" in text


# ---------------------------------------------------------------- 10. questions in plain words


async def test_a_question_in_plain_words_finds_what_the_person_said(chat_bot: ChatBot) -> None:
    reply = (await chat_bot.user().send("what did Putin say about energy"))[-1]
    text = html_to_text(reply.text)
    assert text.startswith("🔎 2 sentences about Vladimir Putin that mention “energy”\nSearched for: putin, energy")
    assert ("Energy cooperation is actively developing", "Sputnik International") in hits([reply])
    assert "<i>Listed under “Statements by President <b>Vladimir</b> <b>Putin</b>:”</i>" in reply.text
    assert [b["text"] for b in reply.buttons() if "callback_data" in b] == ["👤 Vladimir Putin", "🏭 energy"]  # what it names


async def test_words_no_sentence_holds_all_of_rank_the_sentences_holding_most(chat_bot: ChatBot) -> None:
    calls = await chat_bot.user().read_all("/search nuclear Kremlin")
    text = shown_text(calls)
    assert text.startswith("No sentence holds every word of “nuclear Kremlin”.\n🔎 5 sentences holding most of them")
    assert all("nuclear" in sentence.lower() or "Kremlin" in sentence for sentence, _ in hits(calls))


async def test_words_none_of_which_is_in_the_articles_still_find_nothing(chat_bot: ChatBot) -> None:
    reply = (await chat_bot.user().send("/search Antarctic icebreaker"))[-1]
    assert reply.text.startswith("No sentence matches “Antarctic icebreaker”") and "<blockquote" not in reply.text


async def test_a_greeting_gets_a_short_help_not_a_search(chat_bot: ChatBot) -> None:
    for greeting in ("hello", "Hi there!", "Привет", "xin chào"):
        reply = (await chat_bot.user().send(greeting))[-1]
        text = html_to_text(reply.text)
        assert text.startswith("Hello! Ask me about the news articles I hold"), greeting
        assert "No sentence matches" not in text and len(reply.buttons()) == 3
    assert "/who" in (await chat_bot.user().send("help"))[-1].text


# ---------------------------------------------------------------- 11. headings are no sentences


async def test_a_heading_is_never_a_search_hit(chat_bot: ChatBot) -> None:
    for query in ("/search Statements by To Lam", "/search Highlights of the Joint Declaration", "Additional Agreements Signed"):
        for sentence, _ in hits(await chat_bot.user().read_all(query)):
            assert not sentence.endswith(":"), (query, sentence)
    reply = (await chat_bot.user().send("/search Highlights"))[-1]
    assert reply.text.startswith("No sentence matches “Highlights”")
