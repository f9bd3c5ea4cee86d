"""/who as a journalist uses it: a name the articles use but the index holds no entry for, what a person's page
holds (sentences about them unnamed, list items with their heading), a given name that is not the person asked
for, descriptions instead of names, and organisation pages."""

from __future__ import annotations

import re
from pathlib import Path

from bot.chat.offline import running
from bot.chat.telegram_limits import html_to_text
from bot.index.build import write_index
from bot.models import Article, Citation, Facts, Person, Sentence
from tests.conftest import ChatBot, check_calls, check_callbacks_answered, make_bot, shown_text

VERBATIM_QUOTE = re.compile(r"<blockquote[^>]*>(.*?)</blockquote>\n— ", re.S)


def quoted(calls) -> list[str]:  # noqa: ANN001
    return [html_to_text(q) for call in calls for q in VERBATIM_QUOTE.findall(call.text or "")]


# ---------------------------------------------------------------- 1. never "nothing" when the articles name it


async def test_a_name_the_articles_use_but_the_index_has_no_entry_for_is_answered_with_its_sentences(
    answers_bot: ChatBot,
) -> None:
    """`/who Mikhelson`: no person or organisation of that name was extracted, but a sentence names him."""
    reply = (await answers_bot.user().send("/who Mikhelson"))[-1]
    text = html_to_text(reply.text)
    assert text.startswith("“Mikhelson” is not in the index as a person or organisation; named in 1 sentence:")
    assert "Nothing in the articles" not in text
    assert quoted([reply]) == ["The plan has the backing of Mikhelson, whose stake in the project was not disclosed."]
    assert "— Northwire, 2025-03-14" in text
    assert "🔎 Search the articles for “Mikhelson”" in [b["text"] for b in reply.buttons()]


async def test_a_brand_and_a_building_are_answered_with_the_sentences_that_name_them(chat_bot: ChatBot) -> None:
    for name, count, sentence in (
        ("GAZelle", "1 sentence", "GAZelle vehicle production in Vietnam is cited as a success story of bilateral cooperation"),
        ("Kremlin", "2 sentences", "Russian President Vladimir Putin and Communist Party of Vietnam General Secretary To Lam "
                                   "held talks at the Kremlin and issued a joint declaration setting out the main points of "
                                   "a comprehensive strategic partnership."),
    ):
        reply = (await chat_bot.user().send(f"/who {name}"))[-1]
        assert html_to_text(reply.text).startswith(f"“{name}” is not in the index as a person or organisation; named in {count}:")
        assert sentence in quoted([reply])
        assert "People and organisations I know include" not in reply.text  # the name is there: no list of others


async def test_the_sentences_naming_a_name_page_like_any_answer(tmp_path: Path) -> None:
    """Ranked, paged, cited: seven sentences name Vostok; ▶ turns the page in place, each quote with its source."""
    lines = [f"Vostok crews repaired berth {n} of the northern pier on Monday." for n in range(1, 8)]
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "801_pier.txt").write_text(" date 2025-02-03\n" + "\n".join(lines) + " — Pier News\n", encoding="utf-8")
    from bot.index.build import build_index

    build_index(seeds, tmp_path / "pier.sqlite3")
    bot = await make_bot(tmp_path / "pier.sqlite3", seeds)
    async with running(bot.app):
        user = bot.user()
        first = (await user.send("/who Vostok"))[-1]
        assert "named in 7 sentences" in first.text and "1/2" in [b["text"] for b in first.buttons()]
        turned = await user.press("▶")
        assert [c.method for c in turned] == ["answerCallbackQuery", "editMessageText"]
        shown = quoted([first, turned[1]])
    assert sorted(shown) == sorted(lines)
    check_calls(bot.request.calls)
    check_callbacks_answered(bot)
    assert not bot.errors


def test_a_place_the_words_name_is_said_to_be_one_and_the_named_sentences_come_before_suggestions() -> None:
    from bot.chat import render
    from bot.models import EntityRef, WhoAnswer

    street = render.who(WhoAnswer(status="suggest", query="Tran Phu", places=["Tran Phu street"],
                                  candidates=[EntityRef(key="th", kind="person", name="Tran Hong Ha")]))
    assert "“Tran Phu” is not a person or organisation in the articles: they name a place with it (Tran Phu street)." in street.pages[0]
    assert "<blockquote" not in street.pages[0]
    cited = Citation(article="a", outlet="Wire", date="2025-01-01", sentence="Tran Phu Group opened a hotel.", start=0, end=30)
    named = render.who(WhoAnswer(status="suggest", query="Tran Phu", named=[cited],
                                 candidates=[EntityRef(key="th", kind="person", name="Tran Hong Ha")]))
    page = named.pages[0]
    assert page.index("<blockquote>Tran Phu Group opened a hotel.</blockquote>") < page.index("Did you mean")


async def test_a_lower_case_word_is_no_name_and_gets_no_sentences(chat_bot: ChatBot) -> None:
    reply = (await chat_bot.user().send("/who cooperation"))[-1]
    assert "<blockquote" not in reply.text and "Nothing in the articles matches “cooperation”" in reply.text


# ---------------------------------------------------------------- 2. what a person's page holds


async def test_a_persons_page_holds_the_sentences_that_call_them_he_or_the_party_chief(chat_bot: ChatBot) -> None:
    sentences = quoted(await chat_bot.user().read_all("/who To Lam"))
    assert any(s.startswith("Receiving General Director Kudryashov Sergei Ivanovich") for s in sentences)  # the Party chief
    assert any(s.startswith("The Vietnamese leader noted that Russia has played") for s in sentences)
    assert any(s.startswith("He pledged to instruct relevant Vietnamese authorities") for s in sentences)
    sentences = quoted(await chat_bot.user().read_all("/who Kudryashov"))
    assert any(s.startswith("In addition, the Zarubezhneft leader said") for s in sentences)
    assert "He reported that joint projects are progressing efficiently and producing positive results." in sentences


async def test_a_list_item_is_quoted_under_its_heading_shown_as_context_outside_the_quote(answers_bot: ChatBot) -> None:
    reply = (await answers_bot.user().send("/who Ivan Petrov"))[-1]
    assert "<i>Listed under “Statements by Chairman Ivan Petrov:”</i>\n<blockquote>Cargo traffic grew by 12% in 2024</blockquote>" in reply.text
    assert "Statements by" not in "".join(quoted([reply]))  # the heading is no part of any quote


async def test_putins_statements_come_with_the_heading_they_were_listed_under(chat_bot: ChatBot) -> None:
    calls = await chat_bot.user().read_all("/who Putin")
    text = "\n".join(call.text or "" for call in calls)
    assert ("<i>Listed under “Statements by President Vladimir Putin:”</i>\n<blockquote>Energy cooperation is actively "
            "developing</blockquote>") in text


# ---------------------------------------------------------------- 3. never another person's page


def one_article_index(path: Path, text: str, people: list[tuple[str, str, list[str]]]) -> None:
    """An index of one invented article (a sentence a line) and its people: (name, role, aliases), each cited by
    the sentences that hold their surname."""
    lines = text.split("\n")
    sentences = tuple(Sentence(index=i, text=line, start=text.index(line), end=text.index(line) + len(line))
                      for i, line in enumerate(lines))
    article = Article(id="x1", file="x1.txt", outlet="Wire", date="2025-02-01", title="Invented", text=text,
                      sentences=sentences)
    persons = [
        Person(key=name.lower().replace(" ", "-"), name=name, role=role, aliases=aliases,
               citations=[Citation.of(article, s) for s in sentences if name.split()[-1] in s.text])
        for name, role, aliases in people
    ]
    write_index(Facts(articles=[article], people=persons), path)


async def test_a_given_name_and_another_surname_never_open_someone_elses_page(tmp_path: Path) -> None:
    """The articles call Sergei Tarasov "Sergei" once; `/who Sergei Kudryashov` used to open his page."""
    path = tmp_path / "sergei.sqlite3"
    one_article_index(path, "Sergei Tarasov, the port's director, opened the berth.\nSergei said the crews worked hard.\n"
                            "Vladimir Orlov, the mayor, attended.", [
        ("Sergei Tarasov", "port director", ["Tarasov", "Sergei"]), ("Vladimir Orlov", "mayor", ["Orlov", "Vladimir"])])
    bot = await make_bot(path)
    async with running(bot.app):
        user = bot.user()
        for query, meant in (("Sergei Kudryashov", "Sergei Tarasov"), ("Vladimir Yevtushenkov", "Vladimir Orlov")):
            reply = (await user.send(f"/who {query}"))[-1]
            assert "<blockquote" not in reply.text and "👤 <b>" not in reply.text, query
            assert html_to_text(reply.text).startswith(f"Nothing matches “{query}” exactly. Did you mean:"), query
            calls = await user.press(meant)  # the suggestion is a button
            assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
            assert shown_text(calls[1:]).startswith(f"👤 {meant}")
        assert html_to_text((await user.send("/who Sergei Tarasov"))[-1].text).startswith("👤 Sergei Tarasov")
        assert html_to_text((await user.send("/who Sergey Tarasov"))[-1].text).startswith("👤 Sergei Tarasov")
    check_calls(bot.request.calls)
    check_callbacks_answered(bot)
    assert not bot.errors


async def test_a_surname_spelled_another_way_still_opens_the_person(answers_bot: ChatBot) -> None:
    for query in ("Alexei Likhachov", "Aleksei Likhachev", "Likhachev"):
        reply = (await answers_bot.user().send(f"/who {query}"))[-1]
        assert html_to_text(reply.text).startswith("👤 Alexei Likhachev"), query


async def test_the_seeds_vladimirs_are_not_each_other(chat_bot: ChatBot) -> None:
    reply = (await chat_bot.user().send("/who Vladimir Potanin"))[-1]
    assert "👤 <b>" not in reply.text and "<blockquote" not in reply.text
    assert "Did you mean" in reply.text and "Vladimir Putin" in reply.text


# ---------------------------------------------------------------- 4. descriptions find people


async def test_how_the_articles_refer_to_someone_finds_them(chat_bot: ChatBot) -> None:
    for query, name in (("the Party chief", "To Lam"), ("the Vietnamese leader", "To Lam"), ("The Party leader", "To Lam"),
                        ("Zarubezhneft leader", "Sergei Kudryashov"), ("the Russian official", "Nikolai Patrushev")):
        reply = (await chat_bot.user().send(f"/who {query}"))[-1]
        text = html_to_text(reply.text)
        assert text.startswith(f"👤 {name}"), (query, text[:200])
        assert "The articles call them" in text


async def test_an_organisation_with_a_title_offers_its_person(answers_bot: ChatBot) -> None:
    user = answers_bot.user()
    reply = (await user.send("/who Rosatom head"))[-1]
    assert [b["text"] for b in reply.buttons()] == ["Alexei Likhachev", "Rosatom"]
    assert shown_text(await user.press("Alexei Likhachev")).startswith("👤 Alexei Likhachev")


# ---------------------------------------------------------------- 5. organisation pages


async def test_an_organisation_page_says_what_the_text_says_it_is_and_lists_its_people(chat_bot: ChatBot) -> None:
    reply = (await chat_bot.user().send("/who AFK Sistema"))[-1]
    lines = html_to_text(reply.text).split("\n")
    assert lines[:2] == ["🏢 AFK Sistema", "one of Russia’s leading multi-sector private investment firms established in 1993"]
    assert "👤 Vladimir Yevtushenkov — founder of AFK Sistema" in lines


async def test_an_organisation_page_holds_its_people_agreements_and_figures(answers_bot: ChatBot) -> None:
    text = shown_text(await answers_bot.user().read_all("/who Volga Gas"))
    assert "👤 Sergei Tarasov — Volga Gas chief executive" in text
    assert "📄 Agreement with Baltic Port" in text and "Agreement · signed · 2025-03-14" in text
    text = shown_text(await answers_bot.user().read_all("/who Harbour Council of Varna"))
    assert "Figures (1)\n🔢 12% = 12 percent — Cargo traffic grew by 12% in 2024" in text


async def test_also_written_lists_no_lone_given_name_or_patronymic(chat_bot: ChatBot, tmp_path: Path) -> None:
    reply = (await chat_bot.user().send("/who Kudryashov"))[-1]
    also = next(line for line in html_to_text(reply.text).split("\n") if line.startswith("Also written: "))
    assert "Kudryashov Sergei Ivanovich" in also.split(", ") and "Ivanovich" not in also.split(", ")  # a patronymic alone

    text = "Nikolai Orlov, the port director, opened the berth. Nikolai thanked the crews."
    article = Article(id="n1", file="n1.txt", outlet="Wire", date="2025-01-02", title="Berth", text=text,
                      sentences=(Sentence(index=0, text=text[:51], start=0, end=51),
                                 Sentence(index=1, text=text[52:], start=52, end=len(text))))
    orlov = Person(key="nikolai-orlov", name="Nikolai Orlov", aliases=["Orlov", "Nikolai"], role="port director",
                   citations=[Citation.of(article, s) for s in article.sentences])
    path = tmp_path / "orlov.sqlite3"
    write_index(Facts(articles=[article], people=[orlov]), path)
    bot = await make_bot(path)
    async with running(bot.app):
        page = html_to_text((await bot.user().send("/who Nikolai Orlov"))[-1].text)
        assert "Also written: Orlov\n" in page + "\n" and "Nikolai," not in page
        assert "👤 Nikolai Orlov" in html_to_text((await bot.user().send("/who Nikolai"))[-1].text)  # still finds him
    check_calls(bot.request.calls)
    check_callbacks_answered(bot)
    assert not bot.errors
