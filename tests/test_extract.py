"""Extraction against the gold index of the seed articles, and on an article the extractor has never seen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from bot.ingest.extract import compact
from bot.ingest.lexicon import taxonomy
from bot.ingest.names import fold
from bot.ingest.pipeline import ingest_folder
from bot.models import Facts

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
GOLD = json.loads((DATA / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def facts() -> Facts:
    return ingest_folder(ROOT / "seeds").facts


def _names(entity) -> set[str]:
    return {compact(entity.name), *(compact(a) for a in entity.aliases)}


def _find(entities, gold: dict):
    wanted = {compact(gold["name"]), *(compact(a) for a in gold.get("aliases", []))}
    return next((e for e in entities if _names(e) & wanted), None)


def _same_text(ours: str | None, theirs: str | None) -> bool:
    """The gold's words are all in ours, by 4-letter stems: 'Russian President' says 'President of Russia'."""
    if theirs is None:
        return ours is None
    if ours is None:
        return False
    stems = lambda text: {w[:4] for w in fold(text).split() if w not in ("of", "the", "and", "a", "an", "s")}  # noqa: E731
    a, b = compact(ours), compact(theirs)
    return a in b or b in a or stems(theirs) <= stems(ours) or fuzz.token_set_ratio(fold(ours), fold(theirs)) >= 90


def _file_id(file_name: str) -> str:
    return file_name.rsplit(".", 1)[0]


def test_every_person_with_role_and_organisation(facts: Facts) -> None:
    for gold in GOLD["people"]:
        person = _find(facts.people, gold)
        assert person is not None, gold["name"]
        assert compact(person.name) in {compact(gold["name"]), *(compact(a) for a in gold["aliases"])}
        assert _same_text(person.role, gold["role"]), (person.name, person.role, gold["role"])
        assert _same_text(person.organization, gold["org"]), (person.name, person.organization, gold["org"])
        cited_files = {c.article for c in person.citations}
        assert {_file_id(f) for f in gold["files"]} <= cited_files, (person.name, cited_files)
        assert any(gold["evidence"] in c.sentence for c in person.citations), person.name


def test_people_are_resolved_into_one_entity_each(facts: Facts) -> None:
    """Tô Lâm and To Lam, Kudryashov Sergei Ivanovich and Ivanovich: one person each, no stray duplicates."""
    assert len(facts.people) == len(GOLD["people"]), [p.name for p in facts.people]
    to_lam = _find(facts.people, GOLD["people"][0])
    assert {"tolam", "lam", "generalsecretarylam"} <= _names(to_lam)
    kudryashov = next(p for p in facts.people if "kudryashov" in _names(p))
    assert {"kudryashovsergeiivanovich", "ivanovich"} <= _names(kudryashov)
    assert any("the Zarubezhneft leader said" in c.sentence for c in kudryashov.citations)


def test_organisations(facts: Facts) -> None:
    found = [gold["name"] for gold in GOLD["organizations"] if _find(facts.organizations, gold)]
    missing = [gold["name"] for gold in GOLD["organizations"] if gold["name"] not in found]
    assert len(found) >= 14, missing
    petro = _find(facts.organizations, {"name": "PetroVietnam"})
    assert {"petrovietnam", compact("Việt Nam National Industry – Energy Group")} <= _names(petro)
    mgimo = _find(facts.organizations, {"name": "MGIMO"})
    assert compact("Moscow State Institute of International Relations") in _names(mgimo)
    zarubezhneft = _find(facts.organizations, {"name": "Zarubezhneft"})
    assert zarubezhneft.description and "oil" in zarubezhneft.description


def test_every_agreement_and_nothing_else(facts: Facts) -> None:
    assert len(facts.agreements) == len(GOLD["agreements"]), [a.title for a in facts.agreements]
    tax = taxonomy()
    for gold in GOLD["agreements"]:
        matches = [a for a in facts.agreements if any(gold["evidence"] in c.sentence for c in a.citations)]
        assert len(matches) == 1, gold["title"]
        agreement = matches[0]
        assert agreement.type == gold["type"], (agreement.title, agreement.type)
        assert agreement.status == gold["status"], (agreement.title, agreement.status)
        gold_sector = tax.resolve(gold["sector"])
        assert any(gold_sector in (s, tax.sectors[s].parent) for s in agreement.sectors), (agreement.title, agreement.sectors)
        for party in gold.get("parties", []):
            assert any(compact(party) in compact(p) or compact(p) in compact(party) or _find(facts.organizations, {"name": party}) and compact(p) in _names(_find(facts.organizations, {"name": party})) for p in agreement.parties), (agreement.title, agreement.parties)


def test_the_same_declaration_reported_twice_is_one_fact_with_two_citations(facts: Facts) -> None:
    declaration = next(a for a in facts.agreements if a.type == "declaration")
    assert len(declaration.citations) == 2


def test_sector_evidence(facts: Facts) -> None:
    tax = taxonomy()
    total = hits = 0
    misses = []
    for sector, evidence in GOLD["sectors"].items():
        family = set(tax.family(tax.resolve(sector)))
        for item in evidence:
            total += 1
            tagged = {h.sector for h in facts.sector_hits if item["evidence"] in h.citation.sentence}
            if tagged & family:
                hits += 1
            else:
                misses.append((sector, item["evidence"]))
    assert hits / total >= 0.9, misses


def test_figures(facts: Facts) -> None:
    for gold in GOLD["figures"]:
        figure = next((f for f in facts.figures if f.value == gold["value"]), None)
        assert figure is not None, gold["value"]
        assert any(gold["evidence"] in c.sentence for c in figure.citations)
        assert figure.about


def test_no_boilerplate_and_every_citation_is_verbatim(facts: Facts) -> None:
    articles = {a.id: a for a in facts.articles}
    for article in facts.articles:
        for boilerplate in GOLD["boilerplate_not_indexed"]:
            assert boilerplate not in article.text
            assert all(boilerplate not in s.text for s in article.sentences)
    citations = [c for p in facts.people for c in p.citations]
    citations += [c for o in facts.organizations for c in o.citations]
    citations += [c for a in facts.agreements for c in a.citations]
    citations += [c for f in facts.figures for c in f.citations]
    citations += [h.citation for h in facts.sector_hits]
    assert citations
    for citation in citations:
        article = articles[citation.article]
        assert article.text[citation.start : citation.end] == citation.sentence
        raw = (ROOT / "seeds" / article.file).read_text(encoding="utf-8")
        assert citation.sentence in raw


def test_article_metadata(facts: Facts) -> None:
    for gold in GOLD["articles"]:
        article = next(a for a in facts.articles if a.file == gold["file"])
        assert article.outlet == gold["outlet"]
        assert article.date.isoformat() == gold["date"]
        assert article.url == gold["url"]
        assert article.title
        if gold["url"]:
            assert article.title == gold["title"]


def test_no_body_sentence_is_lost() -> None:
    """Every line of prose in the seed files that is not chrome reaches the cleaned text."""
    facts = ingest_folder(ROOT / "seeds").facts
    vns = next(a for a in facts.articles if a.outlet == "VNS")
    raw = (ROOT / "seeds" / vns.file).read_text(encoding="utf-8")
    body_lines = [line.strip() for line in raw.split("\n")[1:] if line.strip()]
    for line in body_lines:
        assert line.removesuffix(" — VNS") in vns.text


# ---------------------------------------------------------------- an article never seen


def test_an_unseen_article_gives_its_own_people_organisations_and_agreements() -> None:
    facts = ingest_folder(DATA / "unseen").facts
    article = facts.articles[0]
    assert article.outlet == "Global Trade Wire"
    assert article.title == "Brazil and India Sign Ethanol and Space Deals"
    assert "contact@globaltradewire.example" not in article.text and "Privacy Policy" not in article.text
    people = {p.name: p for p in facts.people}
    assert people["Narendra Modi"].role == "Indian Prime Minister"  # as the article writes it
    assert people["Alexandre Silveira"].role == "Minister of Mines and Energy"
    assert people["Ravi Kumar"].role.startswith("CEO")
    assert people["Ravi Kumar"].organization == "Andes Bioenergy Corporation"
    assert "Luiz Inácio Lula da Silva" in people
    assert len(people["Ravi Kumar"].citations) == 2  # "Kumar added …" is him too
    orgs = {o.name: o for o in facts.organizations}
    assert "ABC" in orgs["Andes Bioenergy Corporation"].aliases
    assert {"AEB"} <= set(orgs["Brazilian Space Agency"].aliases)
    assert "ISRO" in orgs["Indian Space Research Organisation"].aliases
    assert not any("JANEIRO" in name or "Mines" == name for name in orgs)
    agreements = {a.title: a for a in facts.agreements}
    assert agreements["Memorandum of understanding on biofuels cooperation"].status == "signed"
    assert agreements["Agreement on ethanol blending standards"].status == "planned"
    roadmap = agreements["Roadmap for satellite launch cooperation through 2030"]
    assert roadmap.parties == ["Brazilian Space Agency", "Indian Space Research Organisation"]
    assert len(facts.agreements) == 3  # "discussed cooperation in agriculture" is no agreement
    values = {f.value for f in facts.figures}
    assert {"$2.5 billion", "15%", "4,000 workers"} <= values


def test_a_year_is_a_date_not_a_figure(facts: Facts) -> None:
    """'a roadmap … through 2030': the year says when, it does not measure anything."""
    assert not [f.value for f in facts.figures if f.value.isdigit()]
