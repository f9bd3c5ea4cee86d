"""The renderer on hand-made answers: verbatim quotes, citations, escaping, page limits, callback data."""

from __future__ import annotations

import datetime as dt
import html

from bot.chat import callbacks, render
from bot.index.query import key_digest
from bot.chat.render.pager import visible_size
from bot.chat.telegram_limits import html_problems, html_to_text
from bot.models import (
    Agreement,
    Citation,
    EntityRef,
    Organization,
    Person,
    SearchAnswer,
    SearchHit,
    SectorAnswer,
    SectorInfo,
    WhoAnswer,
)

LIMIT = render.LIMIT


def cite(sentence: str, outlet: str = "Daily <Wire>", url: str | None = "https://news.example/a?x=1&y=2", article: str = "a1") -> Citation:
    return Citation(article=article, outlet=outlet, date=dt.date(2025, 5, 10), url=url, sentence=sentence, start=0, end=len(sentence))


def all_markup(screen: render.Screen) -> list[str]:
    data = []
    for number in range(1, len(screen.pages) + 1):
        markup = screen.markup(number)
        for row in markup.inline_keyboard if markup else ():
            data += [button.callback_data for button in row if button.callback_data]
    return data


def test_quote_is_the_exact_sentence_then_a_linked_citation() -> None:
    sentence = 'Trade grew by 20% to $6 billion — "a record" <says> R&D.'
    text = render.quotes([cite(sentence)])
    assert not html_problems(text)
    assert html_to_text(text).splitlines()[0] == sentence
    assert '— <a href="https://news.example/a?x=1&amp;y=2">Daily &lt;Wire&gt;</a>, 2025-05-10' in text


def test_citation_without_url_or_with_an_unsafe_url_is_plain_text() -> None:
    assert render.citation_line(cite("S.", url=None)) == "— Daily &lt;Wire&gt;, 2025-05-10"
    assert "<a" not in render.citation_line(cite("S.", url='javascript:alert("x")'))


def test_the_same_sentence_from_two_outlets_shows_both_citations_once() -> None:
    sentence = "Both outlets reported it."
    text = render.quotes([cite(sentence), cite(sentence, outlet="Other Times", url=None, article="a2")])
    plain = html_to_text(text)
    assert plain.count(sentence) == 1
    assert "— Daily <Wire>, 2025-05-10" in plain and "— Other Times, 2025-05-10" in plain


def test_agreement_with_two_citations_shows_both() -> None:
    agreement = Agreement(
        key="k", title="Roadmap <2030>", type="roadmap", parties=["A & B"], status="signed", sectors=["nuclear"],
        citations=[cite("First report."), cite("Second report.", outlet="Other", article="a2")],
    )
    text = render.agreement_block(agreement)
    assert not html_problems(text)
    plain = html_to_text(text)
    assert "Roadmap <2030>" in plain and "A & B" in plain and "First report." in plain and "Second report." in plain


def test_search_bolds_matched_words_ignoring_case_and_diacritics_keeping_the_sentence() -> None:
    sentence = "General Secretary Tô Lâm met <Putin> & LAM's team."
    answer = SearchAnswer(query="to lam", hits=[SearchHit(citation=cite(sentence), terms=("to", "lam"))])
    text = render.search(answer).pages[0]
    assert "<b>Tô</b> <b>Lâm</b>" in text
    assert "&lt;Putin&gt; &amp; <b>LAM</b>" in text
    assert sentence in html_to_text(text)
    assert not html_problems(text)


def test_hostile_names_are_escaped_everywhere() -> None:
    answer = WhoAnswer(status="none", query="<script>alert(1)</script>", candidates=[EntityRef(key="x", kind="person", name="<b>Bob</b>")])
    screen = render.who(answer)
    assert "&lt;script&gt;" in screen.pages[0] and "<script>" not in screen.pages[0]
    assert not html_problems(screen.pages[0])
    assert "<blockquote" not in screen.pages[0]  # nothing matched: no quotes at all


def test_long_answers_split_between_facts_with_stateless_page_buttons() -> None:
    sentences = [f"Sentence {i} says something rather long about energy cooperation and more." * 3 for i in range(120)]
    person = Person(key="ivan-petrov", name="Ivan Petrov", role="Director", organization="Org")
    answer = WhoAnswer(status="found", query="petrov", person=person, citations=[cite(s) for s in sentences])
    screen = render.who(answer)
    assert len(screen.pages) > 2
    seen = []
    for page in screen.pages:
        assert len(page) <= LIMIT and not html_problems(page)
        assert page.startswith("👤 <b>Ivan Petrov</b>")
        seen += [s for s in sentences if s in html.unescape(page)]
    assert seen == sentences  # every fact exactly once, in order, never cut
    for data in all_markup(screen):
        assert len(data.encode()) <= 64 and (callbacks.parse(data) or callbacks.parse_follow(data)) is not None
    assert callbacks.parse(screen.markup(2).inline_keyboard[0][-1].callback_data) == callbacks.PageRef("w", "ivan-petrov", 3)


def person_citing(sentence: str) -> WhoAnswer:
    person = Person(key="ivan-petrov", name="Ivan Petrov")
    return WhoAnswer(status="found", query="Petrov", person=person, citations=[cite(sentence)])


def test_a_sentence_longer_than_a_page_stays_whole_across_pages() -> None:
    giant = "It is " + " ".join(f"word{i} & <more>" for i in range(400)) + "."  # 7,000 characters
    screen = render.who(person_citing(giant))
    assert len(screen.pages) >= 2
    for page in screen.pages:
        assert len(page) <= LIMIT and not html_problems(page)
    header = html_to_text(screen.pages[0]).split("\n\n")[0]
    body = " ".join(html_to_text(page)[len(header) + 2 :] for page in screen.pages)
    assert " ".join(giant.split()) in " ".join(body.split())  # nothing reworded or dropped


def test_a_sentence_no_reader_would_page_through_is_quoted_as_a_passage() -> None:
    """A 'sentence' of 2 MB (a file with no sentence end) made 2,986 pages of one quote, all rendered again on
    every ▶. A fact's quote shows at most 8,000 characters of it, a search hit 1,000 around the matched word."""
    giant = " ".join(f"word{i}" for i in range(250_000))
    screen = render.who(person_citing(giant))
    assert len(screen.pages) <= 4
    shown = "".join(html_to_text(page) for page in screen.pages)
    assert "word0 word1 word2" in shown and "word249999" not in shown
    assert f"(a passage: the sentence runs to {len(giant):,} characters)" in shown
    hit = render.search(SearchAnswer(query="word123456", hits=[SearchHit(citation=cite(giant), terms=("word123456",))]))
    [page] = hit.pages
    text = html_to_text(page)
    assert "<b>word123456</b>" in page and "…word" in text and "word0 " not in text
    passage = text.split("\n\n", 1)[1].split("\n")[0].strip("…")
    assert passage in giant and 900 < len(passage) <= 1000  # verbatim, cut between words


def test_organisation_lists_people_and_agreements_with_buttons() -> None:
    org = Organization(key="acme", name="Acme", description="a company")
    people = [Person(key="jo", name="Jo Doe", role="CEO")]
    agreement = Agreement(key="a", title="Deal", type="agreement", parties=["Acme"], citations=[cite("Acme signed.")])
    screen = render.who(WhoAnswer(status="found", query="acme", organization=org, people=people, agreements=[agreement]))
    plain = html_to_text(screen.pages[0])
    assert "Acme" in plain and "Jo Doe — CEO" in plain and "Deal" in plain
    assert "w:jo" in all_markup(screen)


def test_did_you_mean_offers_the_candidates_as_buttons() -> None:
    answer = WhoAnswer(status="suggest", query="Patrushv", candidates=[EntityRef(key="np", kind="person", name="Nikolai P", detail="aide")],
                       searchable=True)
    screen = render.who(answer)
    assert "Did you mean" in screen.pages[0] and "Nikolai P" in screen.pages[0]
    assert all_markup(screen) == ["w:np", "o:q:Patrushv"]
    assert [b.text for row in screen.rows for b in row] == ["Nikolai P", "🔎 Search the articles for “Patrushv”"]


def test_sector_list_and_unknown_sector_offer_sector_buttons_with_counts() -> None:
    known = [SectorInfo(key="energy", name="energy", count=12), SectorInfo(key="lng", name="LNG", parent="energy", count=3)]
    listed = render.sector(SectorAnswer(status="list", known=known))
    labels = [b.text for row in listed.rows for b in row]
    assert labels == ["energy (12)", "· LNG (3)"]
    unknown = render.sector(SectorAnswer(status="unknown", query="<x>", known=known))
    assert "&lt;x&gt;" in unknown.pages[0] and all_markup(unknown) == ["s:energy", "s:lng"]


def test_empty_sector_says_so_without_quotes() -> None:
    answer = SectorAnswer(status="found", query="agriculture", sector=SectorInfo(key="agriculture", name="agriculture"))
    page = render.sector(answer).pages[0]
    assert "Nothing in the articles" in page and "<blockquote" not in page


def test_split_html_never_cuts_inside_tags_or_entities() -> None:
    text = "<blockquote>" + ("<b>bold &amp; brave</b> plain &lt;text&gt; " * 400) + "</blockquote>"
    pieces = render.split_html(text, 500)
    assert len(pieces) > 5
    for piece in pieces:
        assert len(piece) <= 500, len(piece)
        assert not html_problems(piece), html_problems(piece)


def test_callback_data_fits_64_bytes_for_long_multibyte_text() -> None:
    arg = callbacks.fit_arg("q", "Тô Lâm " * 40)
    data = callbacks.page_data("q", arg, 999)
    assert len(data.encode()) <= 64
    assert callbacks.parse(data) == callbacks.PageRef("q", arg, 999)


def test_garbage_callback_data_is_recognised_as_such() -> None:
    for data in ["", "x", "p:w:0:k", "p:zz:1:k", "w:", "w:<script>", "p:w:abc:k", "s:" + "a" * 70]:
        assert callbacks.parse(data) is None, data


def test_deep_link_payloads_are_parsed() -> None:
    assert callbacks.parse_deep_link("who_nikolai-patrushev") == ("who", "nikolai-patrushev")
    assert callbacks.parse_deep_link("sector_oil-and-gas") == ("sector", "oil-and-gas")
    assert callbacks.parse_deep_link("search_oil-and-gas") == ("search", "oil and gas")
    assert callbacks.parse_deep_link("who_<x>") is None


def test_a_key_too_long_for_callback_data_pages_by_its_digest() -> None:
    person = Person(key="東京" * 20, name="Long Key")
    answer = WhoAnswer(status="found", query="x", person=person, citations=[cite(f"Fact {i} " + "x" * 300) for i in range(40)])
    screen = render.who(answer)
    assert len(screen.pages) > 1
    nav = [button.callback_data for button in screen.markup(1).inline_keyboard[0]]
    assert nav[-1] == f"p:w:2:~{key_digest(person.key)}" and len(nav[-1].encode()) <= 64
    assert callbacks.parse(callbacks.open_data("w", person.key)) == callbacks.Open("w", f"~{key_digest(person.key)}")


def quote_count(page: str) -> int:
    return page.count("<blockquote")


def test_pages_are_sized_for_reading_on_a_phone() -> None:
    short = [f"Short fact number {i} about the grid." for i in range(23)]
    long = [f"Fact {i}: " + "a long sentence about energy cooperation and shipping " * 6 for i in range(12)]
    for sentences in (short, long):
        person = Person(key="ivan-petrov", name="Ivan Petrov")
        screen = render.who(WhoAnswer(status="found", query="petrov", person=person, citations=[cite(s) for s in sentences]))
        for page in screen.pages:
            assert quote_count(page) <= render.PAGE_QUOTES
            assert visible_size(page) <= render.PAGE_BUDGET or quote_count(page) == 1
        assert sum(quote_count(page) for page in screen.pages) == len(sentences)
    assert len(render.who(WhoAnswer(status="found", query="p", person=person, citations=[cite(s) for s in short])).pages) == 5


def test_an_agreement_reported_by_many_outlets_quotes_three_and_lists_the_rest() -> None:
    reports = [cite(f"Report {i} of the deal.", outlet=f"Outlet {i}", article=f"a{i}") for i in range(9)]
    agreement = Agreement(key="k", title="Deal", type="agreement", sectors=["banking-finance"], citations=reports)
    block = render.agreement_block(agreement, sector_names={"banking-finance": "banking and finance"})  # as the index names it
    plain = html_to_text(block)
    assert quote_count(block) == 3
    assert all(f"Report {i} of the deal." in plain for i in range(3)) and "Report 3 of" not in plain
    assert "…and 6 more sources: Outlet 3, 2025-05-10; Outlet 4, 2025-05-10" in plain and "and 1 more" in plain
    assert "sectors: banking and finance" in plain and "banking-finance" not in plain
    answer = WhoAnswer(status="found", query="x", organization=Organization(key="o", name="O"), agreements=[agreement] * 4)
    for page in render.who(answer).pages:
        assert not html_problems(page) and page.count("<blockquote") == page.count("</blockquote>")


def test_counts_agree_with_their_nouns() -> None:
    from bot.models import Source

    one = [Source(article="a", outlet="Wire", date=dt.date(2025, 5, 1), title="T", facts=3, people=1, organizations=2,
                  figures=1)]
    assert "Sources (1 article)" in html_to_text(render.sources(one).pages[0])
    assert "Names 1 person and 2 organisations; reports 1 figure" in html_to_text(render.sources(one).pages[0])
    hits = [SearchHit(citation=cite(f"Hit {i}.")) for i in range(50)]
    assert "🔎 top 50 sentences matching “grid”" in html_to_text(render.search(SearchAnswer(query="grid", hits=hits, more=True)).pages[0])
    assert "🔎 1 sentence matching “grid”" in html_to_text(render.search(SearchAnswer(query="grid", hits=hits[:1])).pages[0])


def test_nothing_matches_offers_a_search_of_the_same_words_when_it_finds_something() -> None:
    screen = render.who(WhoAnswer(status="none", query="Elon Musk", searchable=True))
    assert "Nothing in the articles matches “Elon Musk”." in screen.pages[0]
    assert [(b.text, b.data) for row in screen.rows for b in row] == [
        ("🔎 Search the articles for “Elon Musk”", "o:q:Elon Musk")
    ]
    assert render.who(WhoAnswer(status="none", query="Elon Musk")).rows == ()  # a search that finds nothing is no offer


def test_a_person_page_links_to_their_organisation_and_a_sector_page_back_to_all_sectors() -> None:
    person = Person(key="jo", name="Jo Doe", role="CEO", organization="Acme Corp", organization_key="acme")
    screen = render.who(WhoAnswer(status="found", query="jo", person=person, citations=[cite("Jo spoke.")]))
    assert [(b.text, b.data) for row in screen.rows for b in row] == [("🏢 Acme Corp", "w:acme"), ("🔔 Follow", "F:w:jo")]
    sector = SectorAnswer(status="found", query="energy", sector=SectorInfo(key="energy", name="energy", count=1),
                          citations=[cite("Power flows.")])
    buttons = [(b.text, b.data) for row in render.sector(sector).rows for b in row]
    assert ("🏭 All sectors", "p:s:1:") in buttons


def test_inline_results_are_whole_quotes_with_citations_or_nothing() -> None:
    giant = "word " * 5000
    message = render.inline_quote(cite(giant))  # a passage of it, which fits
    assert message is not None and len(message) <= LIMIT and "the sentence runs to 25,000 characters" in message
    message = render.inline_quote(cite("A short fact."))
    assert message is not None and html_to_text(message).endswith("— Daily <Wire>, 2025-05-10")
    long_reports = [cite(f"Report {i} " + "x " * 700, article=f"a{i}") for i in range(3)]
    agreement = Agreement(key="k", title="Deal", type="agreement", citations=long_reports)
    message = render.inline_agreement(agreement)
    assert message is not None and len(message) <= LIMIT
    assert message.count("<blockquote") == message.count("</blockquote>") >= 1
    assert "more source" in message


def test_a_capped_agreement_list_says_how_many_there_are_in_all() -> None:
    items = [Agreement(key=f"k{i}", title=f"Deal {i}", type="agreement", citations=[cite(f"Deal {i} signed.")]) for i in range(2)]
    first = html_to_text(render.agreements(items, "wind", {"signed": 412, "planned": 3}).pages[0])
    assert first.startswith("Agreements matching “wind” (415)\nThe first of each kind; add a word to narrow")
    assert "✍️ Signed (2 of 412)" in first
    whole = html_to_text(render.agreements(items, None, {"signed": 2}).pages[0])
    assert whole.startswith("Agreements (2)\n\n✍️ Signed (2)")


def test_an_organisation_with_many_people_lists_thirty_and_counts_the_rest() -> None:
    people = [Person(key=f"p{i}", name=f"Person Number {i}", role="Deputy Director of Long Titles " * 3) for i in range(45)]
    answer = WhoAnswer(status="found", query="x", organization=Organization(key="o", name="Big Org"), people=people)
    screen = render.who(answer)
    text = "\n".join(html_to_text(page) for page in screen.pages)
    assert "People (45)" in text and "Person Number 29" in text and "Person Number 30" not in text
    assert "…and 15 more people" in text


def test_the_hard_cap_counts_emoji_twice_as_telegram_does() -> None:
    from bot.chat.telegram_limits import utf16_len

    giant = "🌊 " * 3000  # 6,000 characters in Python, 9,000 UTF-16 code units
    screen = render.who(person_citing(giant))
    assert len(screen.pages) >= 3
    for page in screen.pages:
        assert utf16_len(page) <= LIMIT and not html_problems(page)


def test_paging_a_long_list_measures_each_block_once(monkeypatch) -> None:
    """The pager measured the whole page again for every block it added, so a 240-line /agreements list cost
    the square of its length (17 ms of a 25 ms answer at 2,000 articles); it keeps the page's length now."""
    from bot.chat.render import pager

    measured: list[int] = []
    real = pager.utf16_len
    monkeypatch.setattr(pager, "utf16_len", lambda text: measured.append(len(text)) or real(text))
    blocks = [f"📄 <b>Agreement {i}</b> — Party {i}\n<i>Outlet, 2024-01-01</i>" for i in range(240)]
    pages = pager.paginate("<b>Agreements</b> (240)", blocks, budget=pager.LIST_BUDGET, max_quotes=10**6)
    assert len(pages) > 3 and all("Agreement 239" not in p for p in pages[:-1])
    assert sum(measured) <= 2 * sum(len(b) for b in blocks) + 100
