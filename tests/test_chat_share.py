"""Passing an answer on — 🔗 Link (a deep link /start opens), 📤 Share (inline mode, in a chat the user picks), 📋 Copy
(the quote and its citation as plain text, ≤ 256 characters) — the menus of private and group chats in three
languages from one command table, an edited question editing its answer, and long quotes collapsed so a page
carries more facts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bot.chat import commands, render
from bot.chat.offline import ApiCall, BOT_USER
from bot.chat.render.fragments import EXPANDABLE_AFTER
from bot.chat.telegram_limits import html_to_text
from bot.models import Citation, Person, WhoAnswer
from tests.conftest import ChatBot, SEEDS, shown_text

QUESTIONS = ["/who Patrushev", "/sector energy", "/agreements nuclear", "/search nuclear power", "/figures", "/sources",
             "oil and gas"]


def answer_of(calls: list[ApiCall]) -> ApiCall:
    return [c for c in calls if c.method == "sendMessage"][-1]


def share_row(call: ApiCall) -> dict[str, dict]:
    row = (call.reply_markup or {}).get("inline_keyboard", [])[-1]
    return {button["text"]: button for button in row}


def seeds_text() -> str:
    return " ".join(" ".join(path.read_text(encoding="utf-8").split()) for path in SEEDS.glob("*.txt"))


async def test_a_person_page_can_be_linked_shared_and_copied(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    page = answer_of(await user.send("/who Patrushev"))
    row = share_row(page)
    assert list(row) == ["🔗 Link", "📤 Share", "📋 Copy"]
    link = urlsplit(row["🔗 Link"]["url"])
    assert link.netloc == "t.me" and link.path == f"/{BOT_USER['username']}"
    payload = parse_qs(link.query)["start"][0]
    opened = answer_of(await user.send(f"/start {payload}"))  # the link opens the same answer
    assert opened.text == page.text

    chosen = row["📤 Share"]["switch_inline_query_chosen_chat"]
    assert chosen["query"] == "Nikolai Patrushev" and chosen["allow_group_chats"] and chosen["allow_user_chats"]
    [inline] = [c for c in await user.inline(chosen["query"]) if c.method == "answerInlineQuery"]
    first_quote = html_to_text(re.search(r"<blockquote[^>]*>(.*?)</blockquote>", page.text, re.S).group(1))
    assert any(first_quote in html_to_text(r["input_message_content"]["message_text"]) for r in inline.params["results"])

    copied = row["📋 Copy"]["copy_text"]["text"]
    assert copied.startswith(f"“{first_quote}” — VNS, 2025-05-11")


async def test_every_answer_passes_on_within_telegrams_rules(chat_bot: ChatBot) -> None:
    """Every page of these answers: its link opens that answer again, its copy is a verbatim passage with its
    citation in at most 256 characters, its callback data at most 64 bytes (conftest checks each call)."""
    user = chat_bot.user()
    text = seeds_text()
    for question in QUESTIONS:
        pages = await user.read_all(question)
        for shown in pages:
            row = share_row(shown)
            assert "🔗 Link" in row, question
            if "📋 Copy" in row:
                copied = row["📋 Copy"]["copy_text"]["text"]
                assert len(copied) <= 256
                quote, citation = re.fullmatch(r"“(.*)” — (.*)", copied, flags=re.S).groups()
                assert quote.rstrip("…") in text, (question, quote)
                assert re.match(r".+, \d{4}-\d\d-\d\d", citation)
        payload = parse_qs(urlsplit(share_row(pages[0])["🔗 Link"]["url"]).query)["start"][0]
        again = answer_of(await user.send(f"/start {payload}"))
        assert html_to_text(again.text) == html_to_text(pages[0].text), question


def test_a_quote_too_long_for_a_copy_button_is_copied_as_a_marked_passage() -> None:
    sentence = "The minister said " + " ".join(f"clause{i}" for i in range(80)) + "."
    citation = Citation(article="a1", outlet="Daily Wire", date=dt.date(2025, 5, 10), url="https://news.example/a",
                        sentence=sentence, start=0, end=len(sentence))
    screen = render.who(WhoAnswer(status="found", query="Petrov", person=Person(key="ivan-petrov", name="Ivan Petrov"),
                                  citations=[citation]))
    copy = next(b for row in screen.markup(1, bot_username="citebot_bot").inline_keyboard for b in row if b.copy_text)
    copied = copy.copy_text.text
    assert len(copied) <= 256 and copied.endswith("— Daily Wire, 2025-05-10 https://news.example/a")
    passage = copied[1 : copied.index("” —")]
    assert passage.endswith("…") and passage[:-1] in sentence


def test_long_quotes_are_expandable_so_a_page_carries_more_facts() -> None:
    sentences = [f"Fact {n} says " + " ".join(f"detail{n}x{i}" for i in range(60)) + "." for n in range(5)]
    assert all(len(s) > EXPANDABLE_AFTER for s in sentences)
    citations = [Citation(article=f"a{n}", outlet="Daily Wire", date=dt.date(2025, 5, 10), url=None, sentence=s,
                          start=0, end=len(s)) for n, s in enumerate(sentences)]
    screen = render.who(WhoAnswer(status="found", query="Petrov", person=Person(key="ivan-petrov", name="Ivan Petrov"),
                                  citations=citations))
    assert len(screen.pages) == 1  # five long facts: collapsed, they fit one page; whole, they took three
    page = screen.pages[0]
    assert page.count("<blockquote expandable>") == 5
    assert all(sentence in html_to_text(page) for sentence in sentences)  # collapsed, not cut
    short = render.who(WhoAnswer(status="found", query="Petrov", person=Person(key="ivan-petrov", name="Ivan Petrov"),
                                 citations=[citations[0].model_copy(update={"sentence": "Short.", "end": 6})]))
    assert "<blockquote>" in short.pages[0] and "expandable" not in short.pages[0]  # a short quote shows whole


# ---------------------------------------------------------------- menus


async def test_menus_for_private_and_group_chats_in_three_languages(chat_bot: ChatBot) -> None:
    published = [c for c in chat_bot.request.calls if c.method == "setMyCommands"]
    menus = {(json.loads(c.params["scope"])["type"] if isinstance(c.params["scope"], str) else c.params["scope"]["type"],
              c.params.get("language_code")): c.params["commands"] for c in published}
    menus = {key: json.loads(value) if isinstance(value, str) else value for key, value in menus.items()}
    for language in (None, "ru", "vi"):
        private = [c["command"] for c in menus[("default", language)]]
        groups = [c["command"] for c in menus[("all_group_chats", language)]]
        assert "start" in private and "start" not in groups
        assert {"who", "follow", "following", "unfollow", "timeline"} <= set(groups)
        assert "reload" not in private and "reload" not in groups
    russian = {c["command"]: c["description"] for c in menus[("default", "ru")]}
    vietnamese = {c["command"]: c["description"] for c in menus[("default", "vi")]}
    assert russian["follow"] == commands.translations()["ru"]["follow"] and re.search("[а-я]", russian["who"])
    assert vietnamese["timeline"] == commands.translations()["vi"]["timeline"]
    [button] = [c for c in chat_bot.request.calls if c.method == "setChatMenuButton"]
    menu_button = button.params["menu_button"]
    assert (json.loads(menu_button) if isinstance(menu_button, str) else menu_button) == {"type": "commands"}


def test_the_command_texts_translate_every_command_of_the_table_and_nothing_else() -> None:
    names = {command.name for command in commands.COMMANDS}
    for language, texts in commands.translations().items():
        assert set(texts) == names, language
        assert all(3 <= len(text) <= 256 for text in texts.values()), language


async def test_commands_answer_in_a_group_when_addressed_to_the_bot(chat_bot: ChatBot) -> None:
    group = chat_bot.user(chat_id=-100123)
    calls = await group.send(f"/timeline@{BOT_USER['username']} nuclear")
    assert [c.method for c in calls if c.method in ("sendPhoto", "sendMessage")] == ["sendPhoto"]
    assert all(c.params.get("action") == "upload_photo" for c in calls if c.method == "sendChatAction")
    said = shown_text(await group.send(f"/follow@{BOT_USER['username']} energy"))
    assert "You now follow energy" in said and "private chat" in said  # notifications go to the user's own chat


# ---------------------------------------------------------------- edited questions


async def test_an_edited_question_edits_its_answer(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    first = answer_of(await user.send("/who Patrushev"))
    edited = await user.edit("/who Putin")
    assert not [c for c in edited if c.method == "sendMessage"]
    [changed] = [c for c in edited if c.method == "editMessageText"]
    assert "Vladimir Putin" in html_to_text(changed.text) and changed.text != first.text
    assert changed.params["message_id"] == next(
        m for m, stored in chat_bot.request.messages[user.chat_id].items() if "Vladimir Putin" in stored.get("text", "")
    )
    text_edit = await user.send("nuclear power")
    again = await user.edit("oil and gas")
    assert [c.method for c in again if c.method in ("sendMessage", "editMessageText")] == ["editMessageText"]
    assert text_edit


async def test_an_edit_of_a_question_whose_answer_is_forgotten_gets_a_new_answer(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    await user.send("/who Patrushev")
    chat_bot.app.bot_data.answers = type(chat_bot.app.bot_data.answers)()  # e.g. the bot restarted since
    edited = await user.edit("/who Putin")
    assert [c.method for c in edited if c.method in ("sendMessage", "editMessageText")] == ["sendMessage"]


async def test_an_edit_that_changes_nothing_the_answer_shows_sends_nothing_new(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    await user.send("/who Patrushev")
    edited = await user.edit("/who  Patrushev")
    assert not [c for c in edited if c.method == "sendMessage"]


def test_polling_and_webhook_ask_for_edited_messages() -> None:
    from bot.chat import runner

    assert "edited_message" in runner.ALLOWED_UPDATES
    source = Path(runner.__file__).read_text(encoding="utf-8")
    assert source.count("allowed_updates=ALLOWED_UPDATES") == 2  # run_webhook and run_polling both
