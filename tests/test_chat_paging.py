"""Pagination and buttons against a real index written from hand-made facts (long enough to need pages)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.chat.offline import running
from bot.index.build import write_index
from bot.index.query import Index
from bot.models import Article, Citation, Facts, Figure, Mention, Person, SectorHit, Sentence
from tests.conftest import ChatBot, check_callbacks_answered, check_calls, make_bot, shown_text

SENTENCES = [
    f"In statement {i}, Ivan Petrov said the energy partnership would add {i * 10} megawatts of generating capacity "
    f"across several regions, with financing arranged by banks on both sides over the coming decade."
    for i in range(60)
]


def facts() -> Facts:
    text = " ".join(SENTENCES)
    sentences, position = [], 0
    for number, sentence in enumerate(SENTENCES):
        start = text.index(sentence, position)
        sentences.append(Sentence(index=number, text=sentence, start=start, end=start + len(sentence)))
        position = start + len(sentence)
    article = Article(
        id="wire-1", file="wire-1.txt", outlet="Wire & Co", date=dt.date(2025, 5, 1), title="Long read",
        url="https://wire.example/long?a=1&b=2", text=text, sentences=tuple(sentences), content_hash="h1",
    )
    citations = [Citation.of(article, s) for s in sentences]
    person = Person(key="ivan-petrov", name="Ivan Petrov", aliases=["Petrov"], role="Minister", citations=citations)
    return Facts(
        articles=[article],
        people=[person],
        mentions=[Mention(entity="ivan-petrov", citation=c) for c in citations],
        sector_hits=[SectorHit(sector="energy", citation=c) for c in citations],
    )


@pytest.fixture(scope="module")
def long_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("long") / "long.sqlite3"
    write_index(facts(), path)
    return path


@pytest.fixture
async def long_bot(long_db: Path):
    bot = await make_bot(long_db)
    async with running(bot.app):
        yield bot
    check_calls(bot.request.calls)
    check_callbacks_answered(bot)
    assert not bot.errors


async def test_next_pages_edit_the_message_in_place_and_cover_every_fact_once(long_bot: ChatBot) -> None:
    user = long_bot.user()
    shown = await user.read_all("/who Petrov")
    assert shown[0].method == "sendMessage" and all(c.method == "editMessageText" for c in shown[1:])
    assert len(shown) > 2
    assert {c.params["message_id"] for c in shown[1:]} == {shown[0].params.get("message_id") or shown[1].params["message_id"]}
    text = shown_text(shown)
    for sentence in SENTENCES:
        assert text.count(sentence) == 1, sentence
    nav = shown[-1].reply_markup["inline_keyboard"][0]  # ◀ n/N ▶ come first, above the answer's own buttons
    assert [b["text"] for b in nav][-1] == f"{len(shown)}/{len(shown)}"
    back = await user.press("◀")
    assert back[0].method == "answerCallbackQuery" and back[1].method == "editMessageText"
    assert f"{len(shown) - 1}/{len(shown)}" in [b["text"] for b in back[1].buttons()]


async def test_page_buttons_still_work_after_a_restart(long_db: Path) -> None:
    first = await make_bot(long_db)
    async with running(first.app):
        reply = (await first.user().send("/who Petrov"))[-1]
    data = next(b["callback_data"] for b in reply.buttons() if b["text"] == "▶")
    message = {"message_id": 1, "date": 0, "chat": {"id": 1001, "type": "private"}, "text": "old"}
    second = await make_bot(long_db)  # a fresh process / another replica: nothing in memory
    async with running(second.app):
        calls = await second.user().press_data(data, message)
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert "2/" in " ".join(b["text"] for b in calls[1].buttons())
    assert not second.errors


async def test_a_page_past_the_end_is_answered_with_a_note_and_the_last_page(long_bot: ChatBot) -> None:
    user = long_bot.user()
    await user.send("/who Petrov")
    calls = await user.press_data("p:w:99:ivan-petrov")
    assert calls[0].method == "answerCallbackQuery" and "changed" in calls[0].params["text"]
    assert calls[1].method == "editMessageText"


async def test_search_pages_come_from_the_same_query(long_bot: ChatBot) -> None:
    user = long_bot.user()
    shown = await user.read_all("megawatts generating capacity")
    text = shown_text(shown)
    assert len(shown) > 1
    counts = [text.count(sentence) for sentence in SENTENCES]
    assert set(counts) <= {0, 1} and sum(counts) == 50  # the 50 best hits, each once across the pages
    assert "<b>megawatts</b>" in shown[0].text


async def test_an_entity_whose_key_cannot_fit_a_button_still_pages(tmp_path: Path) -> None:
    long_key = "ivan-petrov-" + "东京" * 20  # 132 bytes: over the 64 of callback data
    renamed = facts()
    renamed.people = [person.model_copy(update={"key": long_key}) for person in renamed.people]
    renamed.mentions = [mention.model_copy(update={"entity": long_key}) for mention in renamed.mentions]
    path = tmp_path / "long-key.sqlite3"
    write_index(renamed, path)
    bot = await make_bot(path)
    async with running(bot.app):
        shown = await bot.user().read_all("/who Petrov")
    text = shown_text(shown)
    assert len(shown) > 2 and all(text.count(sentence) == 1 for sentence in SENTENCES)
    assert shown[-1].reply_markup["inline_keyboard"][0][-1]["text"] == f"{len(shown)}/{len(shown)}"
    assert not bot.errors
    check_calls(bot.request.calls)
    check_callbacks_answered(bot)


async def test_the_search_button_under_nothing_found_opens_the_search_as_a_new_message(long_bot: ChatBot) -> None:
    """Another answer comes as a message of its own: the /who reply it was offered under stays as it was."""
    user = long_bot.user()
    reply = (await user.send("/who megawatts"))[-1]
    assert "Nothing in the articles matches “megawatts”" in reply.text and "<blockquote" not in reply.text
    calls = await user.press("🔎 Search the articles for “megawatts”")
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert "matching “megawatts”" in shown_text(calls) and "<b>megawatts</b>" in calls[1].text
    assert "▶" in [b["text"] for b in calls[1].buttons()]
    await user.press("▶")  # its pages turn in place, under the search
    assert long_bot.request.calls[-1].method == "editMessageText"
    assert long_bot.request.calls[-1].params["message_id"] != reply.params.get("message_id")


@pytest.mark.parametrize("refusal", ["message can't be edited", "message to edit not found"])
async def test_a_button_under_a_message_that_cannot_be_edited_sends_the_page_anew(
    long_bot: ChatBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, refusal: str
) -> None:
    user = long_bot.user()
    await user.send("/who Petrov")
    do_request = long_bot.request.do_request

    async def old_message(url: str, method: str, *args, **kwargs):
        if url.endswith("/editMessageText"):
            return 400, json.dumps({"ok": False, "error_code": 400, "description": f"Bad Request: {refusal}"}).encode()
        return await do_request(url, method, *args, **kwargs)

    monkeypatch.setattr(long_bot.request, "do_request", old_message)
    caplog.set_level("INFO")
    calls = await user.press("▶")
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert "2/" in " ".join(b["text"] for b in calls[1].buttons())
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def one_giant_sentence(size: int = 2_000_000) -> Facts:
    """An article whose first 'sentence' is `size` characters of "Word Word …" (a file with no sentence end),
    then some ordinary ones."""
    giant = ("Word " * (size // 5)).strip()
    ordinary = [f"Word {i} of the ordinary kind, about cooperation in energy." for i in range(12)]
    text = " ".join([giant, *ordinary])
    sentences, position = [], 0
    for number, sentence in enumerate([giant, *ordinary]):
        start = text.index(sentence, position)
        sentences.append(Sentence(index=number, text=sentence, start=start, end=start + len(sentence)))
        position = start + len(sentence)
    article = Article(
        id="dump-1", file="dump-1.txt", outlet="Dump", date=dt.date(2025, 5, 2), title="A dump", url=None,
        text=text, sentences=tuple(sentences), content_hash="h2",
    )
    return Facts(articles=[article])


async def test_a_search_hitting_a_huge_sentence_renders_once_and_a_passage_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One 5 MB sentence made /search Word take 14 s, blocking every user, and re-rendered its 2,986 pages on
    every ▶. The hit now quotes a passage, and ▶ takes its page from the answer rendered for page 1."""
    from bot.chat import views

    path = tmp_path / "dump.sqlite3"
    write_index(one_giant_sentence(), path)
    renders: list[str] = []
    real_search = views.VIEWS["q"].render

    def counted(answer, arg=None):
        renders.append(answer.query)
        return real_search(answer, arg)

    monkeypatch.setitem(views.VIEWS, "q", views.View(views.VIEWS["q"].load, counted))
    bot = await make_bot(path)
    async with running(bot.app):
        user = bot.user()
        shown = await user.read_all("/search Word")
    assert 1 < len(shown) <= 10 and renders == ["Word"]
    text = shown_text(shown)
    assert "(a passage: the sentence runs to 1,999,999 characters)" in text
    assert text.count("Word ") < 20_000
    assert not bot.errors
    check_calls(bot.request.calls)
    check_callbacks_answered(bot)


def many_articles(count: int) -> Facts:
    articles, figures = [], []
    for number in range(count):
        sentence = f"Report {number}: the plant will add {number + 1} megawatts."
        article = Article(
            id=f"r{number}", file=f"r{number}.txt", outlet="Wire", date=dt.date(2024, 1, 1) + dt.timedelta(days=number),
            title=f"Report {number}", url=None, text=sentence,
            sentences=(Sentence(index=0, text=sentence, start=0, end=len(sentence)),), content_hash=f"c{number}",
        )
        articles.append(article)
        figures.append(Figure(value=f"{number + 1} MW", unit="MW", about="new capacity",
                              citations=[Citation.of(article, article.sentences[0])]))
    return Facts(articles=articles, figures=list(reversed(figures)))


async def test_sources_and_figures_list_a_bounded_number_and_say_how_many_there_are(tmp_path: Path) -> None:
    """Every article and every figure were loaded, built and rendered on each /sources, /figures and ▶: at
    10,000 articles that is thousands of pages for one answer."""
    path = tmp_path / "many.sqlite3"
    write_index(many_articles(150), path)
    index = await Index.open(path)
    try:
        assert await index.figures(100) == (await index.figures())[:100]
        assert [s.article for s in await index.sources(3)] == ["r149", "r148", "r147"]
    finally:
        await index.close()
    bot = await make_bot(path)
    async with running(bot.app):
        sources = shown_text(await bot.user().send("/sources"))
        figures = shown_text(await bot.user().send("/figures"))
    assert "Sources (the newest 100 of 150 articles)" in sources and "Report 149" in sources
    assert "Figures (the first 100 of 150)" in figures and "1 MW" in figures
    assert not bot.errors


async def test_a_who_answer_of_many_pages_is_asked_of_the_index_once(
    long_bot: ChatBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/who loaded a found entity by name, then again by its key so that ▶ pages matched page 1: two full
    queries for every answer longer than a page. The answer found by name is now the one its pages show."""
    loads: list[str] = []
    real_found = Index._found

    async def counted(self: Index, key: str, query: str):
        loads.append(key)
        return await real_found(self, key, query)

    monkeypatch.setattr(Index, "_found", counted)
    shown = await long_bot.user().read_all("/who Petrov")
    assert len(shown) > 2 and loads == ["ivan-petrov"]


async def test_a_sector_asked_for_again_by_another_name_comes_from_the_screen_cache(long_bot: ChatBot, monkeypatch) -> None:
    """`/sector energy` then `/sector Energy` (or a synonym): one page, read from the index once."""
    loads = []
    original = Index.sector

    async def counted(self: Index, name: str | None) -> object:
        loads.append(name)
        return await original(self, name)

    monkeypatch.setattr(Index, "sector", counted)
    user = long_bot.user()
    first = shown_text(await user.send("/sector energy"))
    again = shown_text(await user.send("/sector ENERGY"))
    assert "Energy" in first and again == first
    assert len(loads) == 1
    assert "don't know a sector" in shown_text(await user.send("/sector basket weaving"))


async def test_a_person_asked_for_again_by_another_name_comes_from_the_screen_cache(long_bot: ChatBot, monkeypatch) -> None:
    """`/who Ivan Petrov` then `/who petrov`: one page, its sentences read from the index once."""
    loads = []
    original = Index._found

    async def counted(self: Index, key: str, query: str) -> object:
        loads.append(key)
        return await original(self, key, query)

    monkeypatch.setattr(Index, "_found", counted)
    user = long_bot.user()
    first = shown_text(await user.send("/who Ivan Petrov"))
    again = shown_text(await user.send("/who petrov"))
    assert "Ivan Petrov" in first and "statement 0," in first and again == first
    assert loads == ["ivan-petrov"]
