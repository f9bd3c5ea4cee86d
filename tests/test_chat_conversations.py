"""Conversations with the real bot over the seeds' index: what an analyst on a phone actually reads."""

from __future__ import annotations

import re

import pytest

from bot.chat import commands
from bot.index.query import Index
from tests.conftest import ADMIN_ID, GOLD, ChatBot, shown_text


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


@pytest.mark.parametrize("query", GOLD["queries"], ids=[q["command"] for q in GOLD["queries"]])
async def test_gold_queries_are_answered_with_what_must_be_mentioned(chat_bot: ChatBot, query: dict) -> None:
    user = chat_bot.user()
    shown = await user.read_all(query["command"])
    assert shown, "no reply"
    text = _fold(shown_text(shown))
    missing = [phrase for phrase in query["must_mention"] if _fold(phrase) not in text]
    assert not missing, f"{query['command']} does not mention {missing}:\n{shown_text(shown)}"
    if query.get("expect_empty"):
        assert all("<blockquote" not in (c.text or "") for c in shown), "an empty answer must not quote anything"
        assert not re.search(r"^— .*\d{4}-\d{2}-\d{2}$", shown_text(shown), flags=re.M), "no citation either"
        assert len(shown[0].text or "") > 20, "an empty answer still explains itself"


async def test_a_long_list_is_a_line_per_fact_each_with_its_sources(chat_bot: ChatBot) -> None:
    """Twelve agreements are a list of titles, each with who reported it; their sentences are a filter away."""
    calls = await chat_bot.user().read_all("/agreements")
    text = "\n".join(call.text or "" for call in calls)
    lines = text.split("\n")
    titles = [n for n, line in enumerate(lines) if line.startswith("📄 ")]
    assert len(titles) >= 10 and "<blockquote" not in text
    for n in titles:
        assert re.search(r"<i>.*\d{4}-\d{2}-\d{2}", lines[n + 1]), lines[n : n + 2]


async def test_every_quote_is_followed_by_its_citation(chat_bot: ChatBot) -> None:
    for command in ("/who Patrushev", "/sector energy", "/agreements nuclear", "/figures", "/search nuclear"):
        for call in await chat_bot.user().read_all(command):
            quotes = re.findall(r"</blockquote>\n(.*)", call.text or "")
            assert quotes, command
            for line in quotes:
                assert re.match(r"— (<a href=\"https://[^\"]+\">[^<]+</a>|[^<]+), \d{4}-\d{2}-\d{2}$", line), line


async def test_quotes_are_verbatim_sentences_of_the_index(chat_bot: ChatBot) -> None:
    index = await Index.open(chat_bot.settings.db_path)
    try:
        answer = await index.who("Patrushev")
    finally:
        await index.close()
    calls = await chat_bot.user().read_all("/who Patrushev")
    text = shown_text(calls)
    for citation in answer.citations:
        assert citation.sentence in text


async def test_hostile_input_is_escaped(chat_bot: ChatBot) -> None:
    calls = await chat_bot.user().send("/who <script>alert(1)</script> & co")
    reply = calls[-1]
    assert "&lt;script&gt;" in reply.text and "<script>" not in reply.text
    calls = await chat_bot.user().send("<b>oil</b> & <i>gas")
    assert "&lt;b&gt;oil&lt;/b&gt; &amp; &lt;i&gt;gas" in calls[-1].text  # echoed as typed, escaped
    assert all("<i>gas" not in (c.text or "") for c in calls)


async def test_unknown_command_points_to_help(chat_bot: ChatBot) -> None:
    reply = (await chat_bot.user().send("/frobnicate now"))[-1]
    assert "/help" in reply.text and "/frobnicate" in reply.text


async def test_help_is_generated_from_the_command_table(chat_bot: ChatBot) -> None:
    text = (await chat_bot.user().send("/help"))[-1].text
    for command in commands.PUBLIC:
        assert f"/{command.name}" in text
    assert "/reload" not in text
    assert "/reload" in (await chat_bot.admin().send("/help"))[-1].text


async def test_menus_public_for_everyone_reload_only_for_admins(chat_bot: ChatBot) -> None:
    menus = [c.params for c in chat_bot.request.calls if c.method == "setMyCommands"]
    default = [m for m in menus if m.get("scope", {}).get("type", "default") == "default"]
    admin = [m for m in menus if m.get("scope", {}).get("type") == "chat"]
    assert default and "reload" not in [c["command"] for c in default[0]["commands"]]
    assert admin and admin[0]["scope"]["chat_id"] == ADMIN_ID
    assert "reload" in [c["command"] for c in admin[0]["commands"]]
    names = {c.method for c in chat_bot.request.calls}
    assert {"setMyDescription", "setMyShortDescription"} <= names


async def test_start_introduces_the_bot_with_counts_and_three_examples(chat_bot: ChatBot) -> None:
    reply = (await chat_bot.user().send("/start"))[-1]
    assert "I hold 2 articles" in shown_text([reply])
    buttons = reply.buttons()
    assert len(buttons) == 3
    for button in buttons:  # every example works
        calls = await chat_bot.user().press_data(button["callback_data"])
        assert calls[0].method == "answerCallbackQuery" and not calls[0].params.get("text")
        assert any(c.method in ("sendMessage", "editMessageText") and ("<blockquote" in c.text or "📄" in c.text) for c in calls)


async def test_deep_links_open_the_answer(chat_bot: ChatBot) -> None:
    index = await Index.open(chat_bot.settings.db_path)
    try:
        key = (await index.who("Patrushev")).person.key
    finally:
        await index.close()
    text = shown_text(await chat_bot.user().send(f"/start who_{key}"))
    assert "Nikolai Patrushev" in text and "—" in text
    text = shown_text(await chat_bot.user().send("/start sector_energy"))
    assert "Energy" in text and "Energy cooperation is actively developing" in text
    text = shown_text(await chat_bot.user().send("/start search_nuclear-power-plant"))
    assert "nuclear power plant" in text.casefold()
    text = shown_text(await chat_bot.user().send("/start who_nobody-at-all"))
    assert "no longer" in text and "Try one of these" in text
    for payload in ("search_----", "search_", "search___-_"):  # no words to search for
        text = shown_text(await chat_bot.user().send(f"/start {payload}"))
        assert "No sentence matches" not in text and "Try one of these" in text, payload


async def test_who_and_sector_without_arguments_explain_themselves_with_buttons(chat_bot: ChatBot) -> None:
    reply = (await chat_bot.user().send("/who"))[-1]
    assert "/who" in reply.text and reply.buttons()
    user = chat_bot.user()
    reply = (await user.send("/sector"))[-1]
    labels = [b["text"] for b in reply.buttons()]
    assert any(re.fullmatch(r"energy \(\d+\)", label) for label in labels)
    calls = await user.press(next(label for label in labels if label.startswith("energy")))
    assert calls[0].method == "answerCallbackQuery"
    assert "Energy cooperation is actively developing" in shown_text(calls)


async def test_did_you_mean_button_opens_the_person(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    reply = (await user.send("/who Patrushv"))[-1]
    if reply.buttons() and "Nikolai Patrushev" in [b["text"] for b in reply.buttons()]:
        calls = await user.press("Nikolai Patrushev")
        assert "Maritime Board" in shown_text(calls)
    else:
        assert "Nikolai Patrushev" in reply.text  # answered directly


async def test_forged_and_stale_callbacks_get_a_polite_answer(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    await user.send("/sources")
    for data in ["garbage", "p:w:1:no-such-person", "p:zz:1:x", "w:no-such-entity", "s:no-such-sector", "p:w:0:x", "💥" * 16]:
        calls = await user.press_data(data)
        assert [c.method for c in calls] == ["answerCallbackQuery"], data
        assert calls[0].params.get("text"), data
    assert not chat_bot.errors


async def test_plain_text_in_private_chat_is_a_search_with_a_shortcut(chat_bot: ChatBot) -> None:
    reply = (await chat_bot.user().send("Patrushev"))[-1]
    assert "<b>Patrushev</b>" in reply.text
    assert "👤 Nikolai Patrushev" in [b["text"] for b in reply.buttons()]
    group = chat_bot.user(chat_id=-100123)
    assert await group.send("nuclear") == []  # groups: only commands


async def test_search_bolds_the_matched_words(chat_bot: ChatBot) -> None:
    reply = (await chat_bot.user().send("/search offshore wind"))[-1]
    assert "<b>offshore</b> <b>wind</b>" in reply.text


async def test_inline_query_returns_cited_snippets(chat_bot: ChatBot) -> None:
    calls = await chat_bot.user().inline("nuclear")
    assert [c.method for c in calls] == ["answerInlineQuery"]
    results = calls[0].params["results"]
    assert 1 <= len(results) <= 10
    for result in results:
        message = result["input_message_content"]["message_text"]
        assert "<blockquote" in message and re.search(r"\d{4}-\d{2}-\d{2}", message)
    empty = (await chat_bot.user().inline("   "))[0].params
    assert empty["results"] and empty["button"]["start_parameter"] == "help"  # suggestions, and the way to help
    assert "/who" in (await chat_bot.user().send("/start help"))[-1].text


async def test_every_update_is_logged_once_without_the_message_text(chat_bot: ChatBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="bot.chat.handlers")
    await chat_bot.user().send("/who Patrushev")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.chat.handlers"]
    assert len(lines) == 1 and "command=who" in lines[0] and "latency_ms=" in lines[0]
    assert "Patrushev" not in lines[0]


async def test_a_failing_handler_is_logged_and_the_user_told(chat_bot: ChatBot, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    async def broken(self, name: str, page: bool = True):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Index, "who", broken)
    caplog.set_level("ERROR")
    calls = await chat_bot.user().send("/who Putin")
    assert "something went wrong" in calls[-1].text and "disk on fire" not in calls[-1].text
    assert any(r.exc_info and "disk on fire" in str(r.exc_info[1]) for r in caplog.records)
    assert [type(e) for e in chat_bot.errors] == [RuntimeError]
    chat_bot.errors.clear()


async def test_slow_answers_show_typing(chat_bot: ChatBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.chat import handlers

    monkeypatch.setattr(handlers, "TYPING_AFTER", 0.0)
    calls = await chat_bot.user().send("/search nuclear")
    assert [c.method for c in calls] == ["sendChatAction", "sendMessage"]
    assert calls[0].params["action"] == "typing"


@pytest.mark.parametrize("word", ["President", "General", "Party", "Group", "Energy", "Board"])
async def test_a_generic_word_alone_is_not_taken_for_someone(chat_bot: ChatBot, word: str) -> None:
    reply = (await chat_bot.user().send(f"/who {word}"))[-1]
    assert "<blockquote" not in reply.text, reply.text
    assert f"“{word}”" in reply.text
    assert f"🔎 Search the articles for “{word}”" in [b["text"] for b in reply.buttons()]


async def test_a_person_page_opens_their_organisation(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    reply = (await user.send("/who Patrushev"))[-1]
    assert "🏢 Russian Maritime Board" in [b["text"] for b in reply.buttons()]
    calls = await user.press("🏢 Russian Maritime Board")
    assert shown_text([c for c in calls if c.method == "sendMessage"]).startswith("🏢 Russian Maritime Board\n")


async def test_a_sector_page_goes_back_to_all_sectors(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    await user.send("/sector nuclear")
    calls = await user.press("🏭 All sectors")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert "Sectors in the articles — tap one:" in calls[1].text
    assert any(re.fullmatch(r"energy \(\d+\)", b["text"]) for b in calls[1].buttons())
