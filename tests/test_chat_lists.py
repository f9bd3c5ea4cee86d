"""/agreements filtered by status, topic and year; /sector in Russian and Vietnamese; /figures a figure once
however often reported; /sources in words a reader understands."""

from __future__ import annotations

import re
from pathlib import Path

from bot.chat.offline import running
from bot.chat.telegram_limits import html_to_text
from bot.index.build import write_index
from bot.models import Agreement, Article, Citation, Facts, Sentence
from tests.conftest import ChatBot, check_calls, check_callbacks_answered, make_bot, shown_text


def agreement_titles(calls) -> list[str]:  # noqa: ANN001
    return re.findall(r"^📄 (.+?)(?: — .*)?$", shown_text(calls), flags=re.M)


# ---------------------------------------------------------------- 6. status and time filters


async def test_agreements_by_status(chat_bot: ChatBot) -> None:
    signed = await chat_bot.user().read_all("/agreements signed")
    text = shown_text(signed)
    assert text.startswith("Agreements · signed (9)") and "Under negotiation" not in text
    negotiated = shown_text(await chat_bot.user().read_all("/agreements under negotiation"))
    assert negotiated.startswith("Agreements · under negotiation (1)")
    assert "📄 Agreement on building a nuclear power plant in Vietnam" in negotiated
    adopted = shown_text(await chat_bot.user().read_all("/agreements adopted"))
    assert adopted.startswith("Agreements · adopted (1)") and "Joint declaration" in adopted


async def test_a_status_combines_with_a_topic(chat_bot: ChatBot) -> None:
    calls = await chat_bot.user().read_all("/agreements nuclear signed")
    assert shown_text(calls).startswith("Agreements matching “nuclear” · signed (1)")
    assert agreement_titles(calls) == ["Roadmap for peaceful nuclear cooperation through 2030"]


async def test_a_status_with_nothing_offers_the_statuses_the_topic_has(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    reply = (await user.send("/agreements nuclear planned"))[-1]
    assert html_to_text(reply.text).startswith("No planned agreement matches “nuclear”.")
    assert [b["text"] for b in reply.buttons()] == ["✍️ Signed (1)", "🤝 Under negotiation (1)"]
    calls = await user.press("🤝 Under negotiation (1)")
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert agreement_titles(calls) == ["Agreement on building a nuclear power plant in Vietnam"]


async def test_agreements_by_year_newest_first_each_with_its_status_and_date(answers_bot: ChatBot) -> None:
    in_2024 = await answers_bot.user().read_all("/agreements 2024")
    assert shown_text(in_2024).startswith("Agreements · reported in 2024 (1)")
    assert agreement_titles(in_2024) == ["Memorandum of understanding on container shipping"]
    signed = shown_text(await answers_bot.user().read_all("/agreements signed"))
    assert signed.index("Agreement with Baltic Port") < signed.index("Memorandum of understanding on container shipping")
    assert "Agreement · signed · 2025-03-14" in signed and "Memorandum · signed · 2024-11-02" in signed
    assert shown_text(await answers_bot.user().read_all("/agreements signed in 2025")).startswith(
        "Agreements · signed · reported in 2025 (1)")


async def test_a_year_without_agreements_offers_the_years_that_have_some(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    reply = (await user.send("/agreements 2024"))[-1]
    assert "No agreement was reported in 2024" in reply.text and [b["text"] for b in reply.buttons()] == ["2025 (11)"]
    assert shown_text(await user.press("2025 (11)")).startswith("Agreements · reported in 2025 (11)")


STATUS_OR_DATE = re.compile(r" · (signed|adopted|under negotiation|planned|initialled|not concluded)( · \d{4}-\d{2}-\d{2})?")


async def test_every_page_of_a_long_list_shows_each_agreements_status(chat_bot: ChatBot, tmp_path: Path) -> None:
    """Seven agreements are quoted in full over two pages; the second page starts inside the "Signed" group and
    so shows no group heading: each agreement says its status itself."""
    text = "\n".join(f"The ports signed memorandum number {n} on cargo." for n in range(1, 8))
    article = Article(id="m1", file="m1.txt", outlet="Wire", date="2025-04-01", title="Memoranda", text=text,
                      sentences=tuple(Sentence(index=i, text=line, start=text.index(line), end=text.index(line) + len(line))
                                      for i, line in enumerate(text.split("\n"))))
    deals = [Agreement(key=f"m{n}", title=f"Memorandum number {n}", type="memorandum", status="signed",
                       citations=[Citation.of(article, article.sentences[n - 1])]) for n in range(1, 8)]
    path = tmp_path / "memoranda.sqlite3"
    write_index(Facts(articles=[article], agreements=deals), path)
    bot = await make_bot(path)
    async with running(bot.app):
        pages = await bot.user().read_all("/agreements")
    assert len(pages) == 2 and "Signed" not in html_to_text(pages[1].text).split("\n\n", 1)[1]
    for page in pages:
        lines = html_to_text(page.text).split("\n")
        blocks = [n for n, line in enumerate(lines) if line.startswith("📄 ")]
        assert blocks
        for n in blocks:
            assert lines[n + 1] == "Memorandum · signed · 2025-04-01", lines[n : n + 2]
    check_calls(bot.request.calls)
    check_callbacks_answered(bot)


async def test_a_long_list_a_line_each_shows_each_status(chat_bot: ChatBot) -> None:
    for page in await chat_bot.user().read_all("/agreements"):
        lines = html_to_text(page.text).split("\n")
        for n, line in enumerate(lines):
            if line.startswith("📄 "):
                assert STATUS_OR_DATE.search(lines[n + 1]) and re.search(r"\d{4}-\d{2}-\d{2}", lines[n + 1]), lines[n : n + 2]


# ---------------------------------------------------------------- 7. sector words in Russian and Vietnamese


async def test_sector_words_in_russian_and_vietnamese_reach_the_same_sector(chat_bot: ChatBot) -> None:
    english = shown_text(await chat_bot.user().send("/sector oil and gas"))
    assert english.startswith("🏭 Oil and gas")
    for query in ("нефть", "dầu khí", "dau khi", "нефть и газ"):
        assert shown_text(await chat_bot.user().send(f"/sector {query}")) == english, query
    assert shown_text(await chat_bot.user().send("/sector năng lượng")).startswith("🏭 Energy")
    assert shown_text(await chat_bot.user().send("/sector атомная энергетика")).startswith("🏭 Nuclear")


# ---------------------------------------------------------------- 8. figures and sources


async def test_a_figure_reported_twice_is_one_figure_with_two_citations(answers_bot: ChatBot) -> None:
    text = shown_text(await answers_bot.user().read_all("/figures"))
    assert text.startswith("Figures (2)")
    assert text.count("🔢 12%") == 1 and "🔢 12% = 12 percent" in text
    block = text[text.index("🔢 12%"):]
    assert "— Harbour Bulletin, 2025-03-15" in block and "— Sea Daily, 2025-03-17" in block
    assert "🔢 2024" not in text and "🔢 2028" not in text  # years are no figures


async def test_figures_are_grouped_by_what_they_measure(answers_bot: ChatBot) -> None:
    text = shown_text(await answers_bot.user().read_all("/figures"))
    assert text.index("📦 Volumes (1)") < text.index("🔢 5 million tonnes") < text.index("％ Shares and changes (1)") < text.index("🔢 12%")


async def test_sources_show_headlines_say_when_there_is_none_or_no_link_and_count_in_words(answers_bot: ChatBot) -> None:
    text = shown_text(await answers_bot.user().read_all("/sources"))
    assert "📰 Volga Gas signs LNG terminal deal with Baltic Port\nNorthwire, 2025-03-14\n" in text
    assert "Names 2 people and 4 organisations; reports 2 agreements and 1 figure" in text
    assert ("📰 No headline; it begins: “The Harbour Council of Varna met on Saturday to review the port's plans for…”\n"
            "Harbour Bulletin, 2025-03-15 · no link: the saved page gives no address") in text
    assert " facts" not in text
