"""The extractor on articles of other styles than the seeds: a wire story, a press release with a bulleted list
of signed documents, a piece with Chinese and Arabic names, and one event reported by two outlets."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ingest.pipeline import ingest_folder
from bot.models import Facts

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def styles() -> Facts:
    return ingest_folder(DATA / "styles").facts


def test_outlets_titles_and_chrome(styles: Facts) -> None:
    by_file = {a.file: a for a in styles.articles}
    wire, release, ahram = by_file["201_wire.txt"], by_file["202_release.txt"], by_file["203_ahram.txt"]
    assert wire.outlet == "Reuters"  # named in the dateline
    assert release.outlet == "Saudi Press Agency"  # a signature on a line of its own
    assert ahram.outlet == "Ahram Online"
    assert release.title == "Saudi Arabia and China sign 12 agreements during official visit"
    assert ahram.title == "Egypt, China discuss investment"
    assert not wire.title.startswith("JAKARTA")
    for chrome in ("PRESS RELEASE", "Riyadh, 18 October 2023", "— Ahram Online"):
        assert all(chrome not in a.text for a in styles.articles), chrome
    # a credit line is kept (its reporters can be found) but as a credit, not as something the article says
    credits = [s for a in styles.articles for s in a.sentences if "Reporting by" in s.text]
    assert credits and all(s.kind == "credit" for s in credits)


def test_lower_case_bullets_under_a_heading_are_kept_and_are_agreements(styles: Facts) -> None:
    release = next(a for a in styles.articles if a.file == "202_release.txt")
    assert "agreement on visa exemption for diplomatic passport holders" in release.text
    titles = {a.title: a for a in styles.agreements}
    for title in (
        "Memorandum of understanding on the Belt and Road Initiative",
        "Agreement on visa exemption for diplomatic passport holders",
        "Programme of cultural exchange for 2024–2026",
    ):
        assert titles[title].status == "signed"
    assert "12 agreements" not in " ".join(titles)  # a headline counting documents is not a document


def test_titles_end_where_the_document_ends(styles: Facts) -> None:
    titles = {a.title: a for a in styles.agreements}
    deal = titles["$1.2 billion deal with Japan's Inpex Corp"]
    assert deal.parties == ["Pertamina", "Inpex Corp"]
    assert titles["Agreement on carbon capture and storage"].status == "under negotiation"
    fta = titles["Free trade agreement between Egypt and the Eurasian Economic Union"]
    assert fta.parties == ["Egypt", "Eurasian Economic Union"]
    assert fta.status == "under negotiation"
    assert "transport" not in titles["Memorandum of understanding on the Belt and Road Initiative"].sectors


def test_people_of_other_naming_traditions(styles: Facts) -> None:
    people = {p.name: p for p in styles.people}
    assert people["Abdulaziz bin Salman"].role == "Minister of Energy"
    assert people["Mohammed bin Salman"].role == "Crown Prince"
    assert "Salman" not in people["Mohammed bin Salman"].aliases  # the father's name is not his
    wang = people["Wang Yi"]
    assert wang.role == "Chinese Foreign Minister"
    assert any(c.sentence.startswith("Wang said") for c in wang.citations)  # family name first
    assert any(c.sentence.startswith("Li said") for c in people["Li Qiang"].citations)
    assert people["Nicke Widyawati"].organization == "Pertamina"
    assert people["Takayuki Ueda"].organization == "Inpex Corp"  # "Inpex President N"
    orgs = {o.name for o in styles.organizations}
    assert not orgs & {"CAIRO", "RELEASE", "JAKARTA", "BEIJING"}


def test_figures_and_sentences(styles: Facts) -> None:
    figures = {f.value: f for f in styles.figures}
    assert figures["$1.2 billion"].about.startswith("Indonesian state energy firm Pertamina")
    assert figures["thousands"].about == "jobs in eastern Indonesia"
    assert "Hundreds" in figures
    wire = next(a for a in styles.articles if a.file == "201_wire.txt")
    assert [s.text for s in wire.sentences if s.text.startswith("He ")] == [
        "He met Gen. Smith in the U.S.",
        "He left for Tokyo on Wednesday.",
    ]


def test_one_event_from_two_outlets_is_one_fact_with_both_citations() -> None:
    facts = ingest_folder(DATA / "two_outlets").facts
    assert {a.outlet for a in facts.articles} == {"Andes Daily", "Reuters"}
    [agreement] = facts.agreements
    assert agreement.title == "Agreement on lithium processing cooperation"
    assert {c.outlet for c in agreement.citations} == {"Andes Daily", "Reuters"}
    assert agreement.parties == ["Chile", "South Korea"]
    [figure] = [f for f in facts.figures if f.value == "$9 billion"]
    assert {c.outlet for c in figure.citations} == {"Andes Daily", "Reuters"}
    boric = next(p for p in facts.people if p.name == "Gabriel Boric")
    assert {c.outlet for c in boric.citations} == {"Andes Daily", "Reuters"}
    assert boric.role == "Chilean President"
