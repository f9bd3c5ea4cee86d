"""Bugs found on articles outside the seeds, each written as a short invented article: the extraction that was
wrong, and what a reader of the article expects instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ingest.pipeline import ingest_folder
from bot.models import Facts


def _facts(tmp_path: Path, body: str) -> Facts:
    (tmp_path / "article.txt").write_text(" date 2025-03-04 Two countries sign documents\n" + body, encoding="utf-8")
    return ingest_folder(tmp_path).facts


def test_a_list_item_that_states_a_fact_is_not_an_agreement(tmp_path: Path) -> None:
    facts = _facts(tmp_path, (
        "Ministers of Freedonia and Sylvania met in the capital on Tuesday and signed several documents.\n"
        "Documents signed:\n"
        "- Agreement on joint research in agriculture between Freedonia Grain Corporation and Sylvania Seed Institute\n"
        "- Healthcare investment platform to be created by Freedonia Development Fund\n"
        "- Bilateral trade grew by 14% in 2024, reaching $10 billion\n"
        "- Cooperation in offshore wind power is actively developing\n"
    ))
    titles = [a.title for a in facts.agreements]
    assert any(t.startswith("Agreement on joint research in agriculture") for t in titles), titles
    assert any(t.startswith("Healthcare investment platform") for t in titles), titles
    assert not any("trade grew" in t or "is actively developing" in t for t in titles), titles


def test_parties_after_a_passive_signed_between(tmp_path: Path) -> None:
    facts = _facts(tmp_path, (
        "An agreement on port logistics was signed between Freedonia Shipping Company (FSC) and Sylvania Rail "
        "Group (SRG) in the presence of the two prime ministers.\n"
    ))
    (agreement,) = facts.agreements
    assert agreement.parties == ["Freedonia Shipping Company", "Sylvania Rail Group"]


def test_the_party_state_and_government_of_a_country_is_no_organisation(tmp_path: Path) -> None:
    facts = _facts(tmp_path, (
        "Director Ivan Korolev said he hoped the Party, State, and Government of Sylvania would continue to support "
        "the company's projects in the country.\n"
    ))
    assert not any("Government of Sylvania" in o.name for o in facts.organizations), [o.name for o in facts.organizations]


def test_a_model_name_before_a_compound_is_no_company(tmp_path: Path) -> None:
    facts = _facts(tmp_path, (
        "The two sides reviewed industrial projects. TruckMaster vehicle production in Sylvania is cited as a success "
        "story of cooperation between the two countries.\n"
    ))
    assert "TruckMaster" not in {o.name for o in facts.organizations}


def test_a_sector_comes_from_what_a_sentence_says_not_from_a_descriptor_or_an_academys_field(tmp_path: Path) -> None:
    facts = _facts(tmp_path, (
        "Sylvanian oil company Nordvest will build a 900 MW offshore wind farm off the coast of Freedonia.\n"
        "A cooperation agreement was signed between the Freedonia Academy of Public Finance and "
        "Sylvania State University.\n"
    ))
    by_sentence: dict[str, set[str]] = {}
    for hit in facts.sector_hits:
        by_sentence.setdefault(hit.citation.sentence[:20], set()).add(hit.sector)
    assert "renewables" in by_sentence["Sylvanian oil compan"] and "oil-and-gas" not in by_sentence["Sylvanian oil compan"]
    (agreement,) = facts.agreements
    assert "universities" in agreement.sectors and "banking-finance" not in agreement.sectors, agreement.sectors


def test_parties_from_the_signers_demonyms_and_never_from_a_later_aside(tmp_path: Path) -> None:
    facts = _facts(tmp_path, (
        "Chilean Defence Minister Ivan Petrenko and his Peruvian counterpart Omar Haddad signed an agreement on "
        "military training cooperation on Monday.\n"
        "The most striking document was a letter of intent to establish a joint naval academy, a move that came "
        "months after Brazil and Argentina sealed a similar arrangement.\n"
    ))
    by_title = {a.title.split()[0].lower(): a for a in facts.agreements}
    assert by_title["agreement"].parties == ["Chile", "Peru"]
    assert by_title["letter"].parties == []


def test_a_list_of_documents_over_several_sentences_keeps_its_status(tmp_path: Path) -> None:
    facts = _facts(tmp_path, (
        "The two delegations signed several memoranda of understanding on energy cooperation on Monday.\n"
        "These included a memorandum between Freedonia Power Company and Sylvania Grid Corporation on grid links.\n"
        "The other agreements were a Production Sharing Agreement for the Northern Block between Freedonia Oil "
        "Company and Sylvania Energy Group, and a cultural exchange programme.\n"
    ))
    statuses = {a.title.split()[0]: a.status for a in facts.agreements}
    assert statuses.get("Production") == "signed", statuses


def test_the_two_countries_of_the_lead_sign_as_parties(tmp_path: Path) -> None:
    facts = _facts(tmp_path, (
        "SEOUL -- Chile and Peru agreed on Friday to deepen their partnership in mining and energy, officials said.\n"
        "The two countries signed a memorandum of understanding to establish a joint centre for copper research.\n"
    ))
    (agreement,) = facts.agreements
    assert agreement.parties == ["Chile", "Peru"]


def test_sentences_glued_at_their_full_stops_are_split(tmp_path: Path) -> None:
    facts = _facts(tmp_path, (
        "President Ivan Petrenko has vowed active efforts to support the development of roads in Sylvania.Speaking "
        "at a forum in the capital on Friday, he said the two sides would cooperate on energy.The presidential "
        "office noted that 54 memoranda of understanding were signed during the forum.\n"
    ))
    sentences = [s.text for s in facts.articles[0].sentences]
    assert sentences[0].endswith("roads in Sylvania.") and sentences[1].startswith("Speaking at a forum"), sentences


def test_a_photo_credit_after_the_date_is_not_the_outlet(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text(
        " date 2023-06-16 Photo : NORTHWIRE News\n\nPresident Ivan Petrenko has vowed active efforts to support the "
        "development of roads and railways in Sylvania, officials said on Friday.\n", encoding="utf-8")
    (article,) = ingest_folder(tmp_path).facts.articles
    assert "Photo" not in article.outlet


@pytest.mark.parametrize(("address", "outlet"), [
    ("https://www.example-wire.com/2025/06/12/story", "example-wire.com"),  # an unknown site: its address as it reads
    ("https://tass.com/politics/1", "TASS"),  # a known outlet's domain
    ("https://www.inform.kz/en/story", "Kazinform"),  # a domain the lexicon lists
    ("https://arab.news/6g5jw", "Arab News"),
])
def test_a_page_that_names_its_outlet_only_in_its_address(tmp_path: Path, address: str, outlet: str) -> None:
    (tmp_path / "page.txt").write_text(
        f" date 2025-06-12 Leaders meet\n{address}\nPresident Ivan Petrenko will meet the Sylvanian prime minister in "
        "the capital next week, the foreign ministry said on Thursday.\n", encoding="utf-8")
    (article,) = ingest_folder(tmp_path).facts.articles
    assert article.outlet == outlet


def test_a_description_starts_after_the_conjunction_before_it() -> None:
    from bot.ingest.entities import find_entities

    found = find_entities("Norair has resumed direct flights to the capital, while private carrier SkyJet Air is "
                          "launching new routes.", "paragraph")
    descriptions = {o.name: o.description for o in found.orgs}
    assert descriptions["SkyJet Air"] == "private carrier"


def test_two_documents_of_one_title_in_one_article_have_two_keys(tmp_path: Path) -> None:
    """Bug caught at 10,000 bench articles: two documents of one article with the same title but other parties
    (so not one agreement) got one key, and the second could never be opened from a timeline's button."""
    facts = _facts(tmp_path, (
        "Freedonia and Sylvania signed an agreement on scientific research on Tuesday.\n"
        "Separately, Freedonia Grain Corporation and Marsovia Seed Institute signed an agreement on scientific "
        "research.\n"
    ))
    research = [a for a in facts.agreements if a.title.lower().startswith("agreement on scientific research")]
    assert len(research) == 2, [(a.title, a.parties) for a in facts.agreements]
    assert research[0].key != research[1].key
