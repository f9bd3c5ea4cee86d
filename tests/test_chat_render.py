"""The renderer on hand-made answers: verbatim quotes, citations, escaping, page limits, callback data."""

from __future__ import annotations

import datetime as dt
import html

from bot.chat import callbacks, render
from bot.index.query import key_digest
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
    assert "<blockquote>" not in screen.pages[0]  # nothing matched: no quotes at all


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
        assert len(data.encode()) <= 64 and callbacks.parse(data) is not None
    assert callbacks.parse(screen.markup(2).inline_keyboard[0][-1].callback_data) == callbacks.PageRef("w", "ivan-petrov", 3)


def test_a_sentence_longer_than_a_page_stays_whole_across_pages() -> None:
    giant = "It is " + " ".join(f"word{i} & <more>" for i in range(900)) + "."
    answer = SearchAnswer(query="word1", hits=[SearchHit(citation=cite(giant), terms=("word1",))])
    screen = render.search(answer)
    assert len(screen.pages) >= 2
    for page in screen.pages:
        assert len(page) <= LIMIT and not html_problems(page)
    header = html_to_text(screen.pages[0]).split("\n\n")[0]
    body = " ".join(html_to_text(page)[len(header) + 2 :] for page in screen.pages)
    assert " ".join(body.split()).startswith(" ".join(giant.split()))  # nothing reworded or dropped


def test_organisation_lists_people_and_agreements_with_buttons() -> None:
    org = Organization(key="acme", name="Acme", description="a company")
    people = [Person(key="jo", name="Jo Doe", role="CEO")]
    agreement = Agreement(key="a", title="Deal", type="agreement", parties=["Acme"], citations=[cite("Acme signed.")])
    screen = render.who(WhoAnswer(status="found", query="acme", organization=org, people=people, agreements=[agreement]))
    plain = html_to_text(screen.pages[0])
    assert "Acme" in plain and "Jo Doe — CEO" in plain and "Deal" in plain
    assert "w:jo" in all_markup(screen)


def test_did_you_mean_offers_the_candidates_as_buttons() -> None:
    answer = WhoAnswer(status="suggest", query="Patrushv", candidates=[EntityRef(key="np", kind="person", name="Nikolai P", detail="aide")])
    screen = render.who(answer)
    assert "Did you mean" in screen.pages[0] and "Nikolai P" in screen.pages[0]
    assert all_markup(screen) == ["w:np"]


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
    assert "Nothing in the articles" in page and "<blockquote>" not in page


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
