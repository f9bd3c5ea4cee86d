"""The index layer: facts → SQLite file (atomic swap, validation) → read API answers.

The facts here are invented (people, organisations and documents that are in no seed article), so the
tests say what the index does with any corpus.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import types
from pathlib import Path

import pytest

from bot.index.build import SCHEMA_VERSION, BuildError, build_index, write_index
from bot.index.query import Index, IndexUnavailable
from bot.ingest import pipeline
from bot.models import (
    Agreement,
    Article,
    Citation,
    Facts,
    Figure,
    Mention,
    Organization,
    Person,
    Sentence,
    SectorHit,
    Skipped,
)


def article(id_: str, date: str, outlet: str, sentences: list[str], url: str | None = None) -> Article:
    text = " ".join(sentences)
    spans, at = [], 0
    for number, sentence in enumerate(sentences):
        spans.append(Sentence(index=number, text=sentence, start=at, end=at + len(sentence)))
        at += len(sentence) + 1
    return Article(
        id=id_, file=f"{id_}.txt", outlet=outlet, date=dt.date.fromisoformat(date), title=sentences[0][:40],
        url=url, text=text, sentences=tuple(spans), content_hash=hashlib.sha256(text.encode()).hexdigest()[:16],
    )


def cite(source: Article, needle: str) -> Citation:
    """The citation of the one sentence of `source` containing `needle`."""
    (sentence,) = [s for s in source.sentences if needle in s.text]
    return Citation.of(source, sentence)


CHILE = article("a1", "2024-03-01", "Andes Daily", [
    "Maria Lopez, Minister of Energy of Chile, signed a memorandum with Andes Power Corporation on offshore wind.",
    "The memorandum covers 500 MW of new capacity.",
    "Lopez said the deal strengthens energy security.",
    "Carlos Lopez, chief executive of Andes Power Corporation, welcomed the memorandum.",
    "APC will also train students at local schools.",
])
BALTIC = article("b2", "2024-03-05", "Pacific Wire", [
    "Nikolai Sorokin, chairman of Baltic Shipyards, announced plans for a shipbuilding contract.",
    "Đặng Văn Tâm, director of the Saigon Port Authority, said talks on a port roadmap are under way.",
    "Sorokin said the contract is worth $2 billion.",
    "Bilateral trade grew by 15% last year.",
], url="https://example.org/baltic")


def invented_facts() -> Facts:
    maria = Person(key="maria-lopez", name="Maria Lopez", aliases=["Lopez", "Minister Lopez"],
                   role="Minister of Energy", organization="Ministry of Energy of Chile",
                   citations=[cite(CHILE, "Maria Lopez"), cite(CHILE, "Lopez said")])
    carlos = Person(key="carlos-lopez", name="Carlos Lopez", aliases=["Lopez"], role="chief executive",
                    organization="Andes Power Corporation", citations=[cite(CHILE, "Carlos Lopez")])
    sorokin = Person(key="nikolai-sorokin", name="Nikolai Sorokin", aliases=["Sorokin", "Sorokin Nikolai"],
                     role="chairman", organization="Baltic Shipyards",
                     citations=[cite(BALTIC, "Nikolai Sorokin"), cite(BALTIC, "Sorokin said")])
    tam = Person(key="dang-van-tam", name="Đặng Văn Tâm", aliases=["Tâm"], role="director",
                 organization="Saigon Port Authority", citations=[cite(BALTIC, "Đặng Văn Tâm")])
    apc = Organization(key="andes-power", name="Andes Power Corporation", aliases=["APC", "Andes Power"],
                       description="Chilean power company",
                       citations=[cite(CHILE, "signed a memorandum"), cite(CHILE, "Carlos Lopez")])
    baltic = Organization(key="baltic-shipyards", name="Baltic Shipyards", citations=[cite(BALTIC, "Nikolai Sorokin")])
    port = Organization(key="saigon-port", name="Saigon Port Authority", citations=[cite(BALTIC, "Saigon Port")])
    agreements = [
        Agreement(key="port-roadmap", title="Port roadmap", type="roadmap", status="under negotiation",
                  parties=["Saigon Port Authority"], sectors=["maritime"], citations=[cite(BALTIC, "port roadmap")]),
        Agreement(key="shipbuilding-contract", title="Shipbuilding contract", type="contract", status="planned",
                  parties=["Baltic Shipyards"], sectors=["maritime"],
                  citations=[cite(BALTIC, "shipbuilding contract"), cite(BALTIC, "$2 billion")]),
        Agreement(key="offshore-wind-mou", title="Memorandum on offshore wind", type="memorandum", status="signed",
                  parties=["Ministry of Energy of Chile", "Andes Power Corporation"], sectors=["renewables"],
                  citations=[cite(CHILE, "signed a memorandum")]),
    ]
    figures = [
        Figure(value="500 MW", unit="MW", about="new capacity", citations=[cite(CHILE, "500 MW")]),
        Figure(value="$2 billion", unit="money", about="the contract", citations=[cite(BALTIC, "$2 billion")]),
    ]
    hits = [
        SectorHit(sector="renewables", citation=cite(CHILE, "offshore wind")),
        SectorHit(sector="energy", citation=cite(CHILE, "signed a memorandum")),
        SectorHit(sector="energy", citation=cite(CHILE, "energy security")),
        SectorHit(sector="education", citation=cite(CHILE, "students")),
        SectorHit(sector="maritime", citation=cite(BALTIC, "shipbuilding")),
        SectorHit(sector="maritime", citation=cite(BALTIC, "port roadmap")),
        SectorHit(sector="banking-finance", citation=cite(BALTIC, "Bilateral trade")),
    ]
    mentions = [
        Mention(entity="andes-power", citation=cite(CHILE, "APC will")),
        Mention(entity="carlos-lopez", citation=cite(CHILE, "Carlos Lopez")),
    ]
    return Facts(articles=[CHILE, BALTIC], people=[maria, carlos, sorokin, tam],
                 organizations=[apc, baltic, port], agreements=agreements, figures=figures,
                 sector_hits=hits, mentions=mentions)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "index.sqlite3"
    write_index(invented_facts(), path)
    return path


@pytest.fixture
async def index(db: Path):
    opened = await Index.open(db)
    yield opened
    await opened.close()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- building


def test_the_index_carries_its_schema_version_and_every_row(db: Path) -> None:
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM sentences").fetchone()[0] == 9
    assert con.execute("SELECT count(*) FROM agreements").fetchone()[0] == 3
    for text, start, end, body in con.execute(
        'SELECT s.text, s.start, s."end", a.text FROM sentences s JOIN article_texts a ON a.article = s.article'
    ):
        assert body[start:end] == text
    con.close()
    assert [p.name for p in db.parent.iterdir()] == ["index.sqlite3"]  # no temporary file left behind


async def test_a_failing_build_leaves_the_old_index_readable_and_unchanged(db: Path) -> None:
    before = file_digest(db)
    broken = invented_facts()
    wrong = cite(CHILE, "500 MW").model_copy(update={"start": 3})  # offsets that do not hold the sentence
    broken.figures.append(Figure(value="1", unit="count", about="x", citations=[wrong]))
    reader = await Index.open(db)
    try:
        with pytest.raises(BuildError, match="not the text"):
            write_index(broken, db)
        assert file_digest(db) == before
        assert [p.name for p in db.parent.iterdir()] == ["index.sqlite3"]
        assert (await reader.who("Sorokin")).status == "found"  # the open reader keeps answering
    finally:
        await reader.close()


async def test_a_rebuild_swaps_the_file_while_an_open_reader_keeps_the_old_one(db: Path) -> None:
    reader = await Index.open(db)
    try:
        smaller = invented_facts()
        smaller.articles = [CHILE]
        smaller.people = [p for p in smaller.people if p.citations[0].article == "a1"]
        smaller.organizations = [smaller.organizations[0]]
        smaller.agreements = [smaller.agreements[2]]
        smaller.figures = [smaller.figures[0]]
        smaller.sector_hits = [h for h in smaller.sector_hits if h.citation.article == "a1"]
        write_index(smaller, db)
        assert (await reader.stats()).articles == 2
        assert len((await reader.search("Sorokin")).hits) == 2
        async with await Index.open(db) as fresh:
            assert (await fresh.stats()).articles == 1
            assert (await fresh.who("Sorokin")).status == "none"
    finally:
        await reader.close()


def test_facts_without_articles_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="empty"):
        write_index(Facts(), tmp_path / "index.sqlite3")
    assert list(tmp_path.iterdir()) == []


def test_a_citation_of_an_unknown_article_is_refused(tmp_path: Path) -> None:
    facts = invented_facts()
    stray = cite(BALTIC, "Bilateral").model_copy(update={"article": "nowhere"})
    facts.figures.append(Figure(value="15%", unit="percent", about="trade", citations=[stray]))
    with pytest.raises(BuildError, match="unknown article"):
        write_index(facts, tmp_path / "index.sqlite3")


async def test_opening_a_missing_or_foreign_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable):
        await Index.open(tmp_path / "missing.sqlite3")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("PRAGMA user_version = 99").connection.close()
    with pytest.raises(IndexUnavailable, match="schema version"):
        await Index.open(other)
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(IndexUnavailable, match="not a readable citebot index"):
        await Index.open(garbage)


@pytest.fixture
def fake_ingest(monkeypatch: pytest.MonkeyPatch):
    """The real pipeline with its reading replaced: `result` (an `Ingested`) is what the next ingest returns."""
    state = types.SimpleNamespace(result=None, calls=[], SeedsError=pipeline.SeedsError)

    def ingest_folder(seeds_dir: Path, progress=None, **options) -> pipeline.Ingested:
        if not Path(seeds_dir).is_dir():
            raise pipeline.SeedsError(f"seeds folder not found: {seeds_dir}")
        state.calls.append(seeds_dir)
        return state.result

    monkeypatch.setattr(pipeline, "ingest_folder", ingest_folder)
    return state


def test_build_index_reports_what_was_added_changed_and_removed(tmp_path: Path, fake_ingest) -> None:
    db = tmp_path / "index.sqlite3"
    skipped = [Skipped(file="empty.txt", reason="empty file")]
    fake_ingest.result = pipeline.Ingested(facts=invented_facts(), skipped=skipped)
    first = build_index(tmp_path, db)
    assert (first.articles, first.sentences, first.people, first.organizations) == (2, 9, 4, 3)
    assert (first.agreements, first.figures, first.sector_tags) == (3, 2, 7)
    assert first.added == ["a1", "b2"] and first.changed == [] and first.removed == []
    assert first.skipped == skipped
    assert any("empty.txt: empty file" in line for line in first.summary_lines())

    edited = article("a1", "2024-03-01", "Andes Daily", ["A shorter text about nothing in particular."])
    third = article("c3", "2024-04-01", "Andes Daily", ["Another article."])
    fake_ingest.result = pipeline.Ingested(facts=Facts(articles=[edited, third]), skipped=[])
    second = build_index(tmp_path, db)
    assert (second.added, second.changed, second.removed) == (["c3"], ["a1"], ["b2"])


def test_build_index_with_no_article_keeps_the_old_index(tmp_path: Path, fake_ingest) -> None:
    db = tmp_path / "index.sqlite3"
    write_index(invented_facts(), db)
    before = file_digest(db)
    bad = [Skipped(file="blob.txt", reason="binary file")]
    fake_ingest.result = pipeline.Ingested(facts=Facts(), skipped=bad)
    with pytest.raises(BuildError) as caught:
        build_index(tmp_path, db)
    assert caught.value.skipped == bad
    assert file_digest(db) == before
    with pytest.raises(fake_ingest.SeedsError):
        build_index(tmp_path / "missing", db)


# ---------------------------------------------------------------- who


async def test_who_finds_a_person_with_role_citations_and_agreements(index: Index) -> None:
    answer = await index.who("Maria Lopez")
    assert answer.status == "found"
    assert answer.person.name == "Maria Lopez" and answer.person.role == "Minister of Energy"
    assert answer.person.organization == "Ministry of Energy of Chile"
    assert [c.sentence for c in answer.citations] == [CHILE.sentences[0].text, CHILE.sentences[2].text]
    assert [a.key for a in answer.agreements] == ["offshore-wind-mou"]
    assert all(c.outlet == "Andes Daily" and c.date == dt.date(2024, 3, 1) for c in answer.citations)


@pytest.mark.parametrize("query", ["nikolai sorokin", "NIKOLAI SOROKIN", "Sorokin Nikolai", "Сорокин",
                                   "Николай Сорокин", "Chairman Sorokin", "Sorokn", "Nikolai Sorokim"])
async def test_who_matches_case_order_cyrillic_titles_and_typos(index: Index, query: str) -> None:
    answer = await index.who(query)
    assert answer.status == "found", answer
    assert answer.person.key == "nikolai-sorokin"


@pytest.mark.parametrize("query", ["Dang Van Tam", "đặng văn tâm", "Đặng Văn Tâm", "tam"])
async def test_who_ignores_diacritics(index: Index, query: str) -> None:
    answer = await index.who(query)
    assert answer.status == "found" and answer.person.key == "dang-van-tam"


async def test_who_asks_which_one_when_two_people_share_a_surname(index: Index) -> None:
    answer = await index.who("lopez")
    assert answer.status == "ambiguous"
    assert {c.key for c in answer.candidates} == {"maria-lopez", "carlos-lopez"}
    assert all(c.kind == "person" and c.detail for c in answer.candidates)


async def test_who_finds_an_organisation_by_acronym_with_its_people(index: Index) -> None:
    answer = await index.who("apc")
    assert answer.status == "found"
    assert answer.organization.name == "Andes Power Corporation"
    assert [p.key for p in answer.people] == ["carlos-lopez"]
    assert [a.key for a in answer.agreements] == ["offshore-wind-mou"]
    assert "APC will also train students at local schools." in [c.sentence for c in answer.citations]


async def test_who_suggests_for_a_distant_typo(index: Index) -> None:
    answer = await index.who("Andez Pwer")
    assert answer.status in {"found", "suggest"}
    keys = [answer.organization.key] if answer.status == "found" else [c.key for c in answer.candidates]
    assert "andes-power" in keys


@pytest.mark.parametrize("query", ["Elon Musk", "xyz", "", "!!!"])
async def test_who_knows_nothing_about_strangers(index: Index, query: str) -> None:
    answer = await index.who(query)
    assert answer.status == "none"
    assert answer.citations == [] and answer.person is None and answer.organization is None
    assert answer.candidates  # a few names the index does know


@pytest.mark.parametrize(
    ("query", "suggested"),
    [("Minister", {"maria-lopez"}), ("Corporation", {"andes-power"}), ("Shipyards", {"baltic-shipyards"}),
     ("Port Authority", {"saigon-port"}), ("the chairman", set()), ("Chile", set())],
)
async def test_generic_words_alone_suggest_and_never_answer(index: Index, query: str, suggested: set[str]) -> None:
    """A title, a head noun or a country names no one: `/who Minister` must not open the one minister's page."""
    answer = await index.who(query)
    assert answer.status == ("suggest" if suggested else "none"), answer.status
    assert answer.person is None and answer.organization is None and answer.citations == []
    if suggested:
        assert {c.key for c in answer.candidates} == suggested


@pytest.mark.parametrize(("query", "key"), [("Minister Lopez", "maria-lopez"), ("APC", "andes-power"),
                                            ("Andes", "andes-power"), ("Baltic Shipyards", "baltic-shipyards")])
async def test_a_whole_alias_or_a_specific_word_still_answers(index: Index, query: str, key: str) -> None:
    answer = await index.who(query)
    assert answer.status == "found", answer
    assert (answer.person or answer.organization).key == key


@pytest.mark.parametrize("query", ["Chairman of Baltic Shipyards", "Baltic Shipyards chairman", "Baltic Shipyards head"])
async def test_an_organisation_named_with_a_title_offers_its_people_first(index: Index, query: str) -> None:
    """`/who Zarubezhneft leader` asks for a person: the organisation's people (the one whose role fits first),
    then the organisation itself."""
    answer = await index.who(query)
    assert answer.status == "ambiguous"
    assert [c.key for c in answer.candidates] == ["nikolai-sorokin", "baltic-shipyards"]


async def test_best_known_are_the_most_mentioned(index: Index) -> None:
    known = index.best_known(2)
    assert len(known) == 2 and all(ref.name for ref in known)
    assert known == (await index.who("nobody at all")).candidates[:2]


async def test_entity_by_key(index: Index) -> None:
    assert (await index.entity("baltic-shipyards")).organization.name == "Baltic Shipyards"
    assert (await index.entity("baltic-shipyards")).people[0].key == "nikolai-sorokin"
    assert (await index.entity("no-such-key")).status == "none"


# ---------------------------------------------------------------- sectors, agreements, search


async def test_sector_list_counts_children_into_parents(index: Index) -> None:
    answer = await index.sector(None)
    assert answer.status == "list"
    counts = {s.key: s.count for s in answer.known}
    assert counts["energy"] == 2  # distinct sentences: one tagged energy, one tagged both energy and renewables
    assert counts["renewables"] == 1 and counts["maritime"] == 2
    assert "agriculture" not in counts
    assert [s.count for s in answer.known] == sorted((s.count for s in answer.known), reverse=True)


async def test_sector_found_with_children_agreements_and_other_sentences(index: Index) -> None:
    answer = await index.sector("power")  # a synonym of energy
    assert answer.status == "found" and answer.sector.key == "energy"
    assert "renewables" in [s.key for s in answer.subsectors]
    assert [a.key for a in answer.agreements] == ["offshore-wind-mou"]  # tagged renewables, shown under energy
    assert [c.sentence for c in answer.citations] == [CHILE.sentences[2].text]  # the MoU sentence is not repeated


async def test_a_known_sector_with_nothing_tagged_is_found_empty(index: Index) -> None:
    answer = await index.sector("agriculture")
    assert answer.status == "found" and answer.agreements == [] and answer.citations == []


async def test_an_unknown_sector_lists_the_known_ones(index: Index) -> None:
    answer = await index.sector("basket weaving")
    assert answer.status == "unknown" and {s.key for s in answer.known} >= {"energy", "maritime"}


async def test_agreements_are_ordered_by_status_and_filtered(index: Index) -> None:
    assert [a.status for a in await index.agreements()] == ["signed", "under negotiation", "planned"]
    assert [a.key for a in await index.agreements("wind")] == ["offshore-wind-mou"]  # a sector synonym
    assert [a.key for a in await index.agreements("maritime")] == ["port-roadmap", "shipbuilding-contract"]
    assert [a.key for a in await index.agreements("baltic")] == ["shipbuilding-contract"]  # a party
    assert [a.key for a in await index.agreements("roadmap")] == ["port-roadmap"]  # words of the title
    assert [a.key for a in await index.agreements("$2 billion")] == ["shipbuilding-contract"]  # words of a sentence
    assert await index.agreements("zebra") == []
    signed = (await index.agreements("wind"))[0]
    assert signed.parties == ["Ministry of Energy of Chile", "Andes Power Corporation"]
    assert [c.sentence for c in signed.citations] == [CHILE.sentences[0].text]


async def test_long_agreement_lists_are_capped_per_status_and_counted(tmp_path: Path) -> None:
    facts = invented_facts()
    everywhere = [Citation.of(a, sentence) for a in (CHILE, BALTIC) for sentence in a.sentences]
    facts.agreements += [
        Agreement(key=f"deal-{i}", title=f"Maritime deal {i}", type="agreement", status="signed", sectors=["maritime"],
                  citations=everywhere if i == 0 else [cite(BALTIC, "shipbuilding")])
        for i in range(3)
    ]
    path = tmp_path / "index.sqlite3"
    write_index(facts, path)
    async with await Index.open(path) as index:
        capped = await index.agreements("maritime", per_status=2)
        assert [a.status for a in capped] == ["signed", "signed", "under negotiation", "planned"]
        assert await index.agreement_counts("maritime") == {"signed": 3, "under negotiation": 1, "planned": 1}
        assert len(await index.agreements("maritime", per_status=None)) == 5
        assert [a.key for a in capped][:2] == ["deal-1", "deal-2"]  # newest first within a status
        big = next(a for a in await index.agreements("maritime", per_status=None) if a.key == "deal-0")
        assert len(big.citations) == 8 and big.more_sources == 1  # nine citations: eight carried, one counted
        assert big.articles == 2  # from two articles, however many of them are carried
        assert [c.sentence for c in big.citations] == [c.sentence for c in everywhere[:8]]


async def test_a_figure_many_articles_repeat_carries_its_first_citations_and_counts_the_rest(tmp_path: Path) -> None:
    """A figure such as "2%" can be cited by a thousand sentences; a /who page loaded every one of them (140 ms
    at 2,000 articles). It carries the first eight now, and counts the others and their articles."""
    facts = invented_facts()
    reports = [article(f"r{i}", f"2024-04-{i + 1:02d}", f"Outlet {i}", [f"Orders grew by 15% in month {i}."])
               for i in range(12)]
    facts.articles += reports
    facts.figures.append(Figure(value="15%", unit="percent", about="orders",
                                citations=[Citation.of(a, a.sentences[0]) for a in reports]))
    path = tmp_path / "index.sqlite3"
    write_index(facts, path)
    async with await Index.open(path) as index:
        (repeated,) = [f for f in await index.figures() if f.about == "orders"]
    assert [c.article for c in repeated.citations] == [f"r{i}" for i in range(8)]
    assert (repeated.more_sources, repeated.articles) == (4, 12)
    from bot.chat.render import fragments
    from bot.chat.render.views.figures import figure_block

    assert fragments.figure_line(repeated).endswith(" +10</i>")  # two outlets named, ten more of the twelve
    assert "…and 9 more sources" in figure_block(repeated)  # three quoted, nine more: five linked, four counted


def test_a_stored_citation_is_the_validated_one() -> None:
    """`Citation.stored` skips validation for rows the index wrote; it must make exactly the model validation
    makes (a pydantic upgrade that changes the model's internals fails here, not in an answer)."""
    fields = dict(article="a1", outlet="Andes Daily", date=dt.date(2024, 3, 1), url="https://example.org/a",
                  sentence="The memorandum covers 500 MW.", start=3, end=31, kind="bullet", heading="Statements:")
    stored, validated = Citation.stored(**fields), Citation(**fields)
    assert stored == validated and hash(stored) == hash(validated)
    assert stored.model_dump() == validated.model_dump() and stored.model_fields_set == validated.model_fields_set
    assert stored.model_dump_json() == validated.model_dump_json()
    with pytest.raises(Exception):
        stored.sentence = "changed"  # frozen, like the validated one


async def test_search_ignores_diacritics_and_ranks_hits(index: Index) -> None:
    answer = await index.search("dang van tam")
    assert [h.citation.sentence for h in answer.hits] == [BALTIC.sentences[1].text]
    assert answer.hits[0].terms == ("dang", "van", "tam")
    assert answer.hits[0].citation.url == "https://example.org/baltic"
    assert len((await index.search("memorandum")).hits) == 3
    assert (await index.search("memorandum", limit=1)).hits[0].citation.article == "a1"


@pytest.mark.parametrize("query", ["!!!", "", '"', "AND OR NOT", "wind*", "a:b", "(((", "NEAR("])
async def test_search_never_fails_on_odd_input(index: Index, query: str) -> None:
    answer = await index.search(query)
    assert isinstance(answer.hits, list)


async def test_sources_figures_and_stats(index: Index) -> None:
    sources = await index.sources()
    assert [s.article for s in sources] == ["b2", "a1"]  # newest first
    assert all(s.facts > 0 for s in sources)
    assert [f.value for f in await index.figures()] == ["500 MW", "$2 billion"]
    stats = await index.stats()
    assert (stats.articles, stats.people, stats.organizations, stats.agreements, stats.figures) == (2, 4, 3, 3, 2)
    assert stats.outlets == ("Andes Daily", "Pacific Wire")
    assert (stats.first_date, stats.last_date) == (dt.date(2024, 3, 1), dt.date(2024, 3, 5))


# ---------------------------------------------------------------- the seed articles, through the real ingest

GOLD = json.loads((Path(__file__).parent / "data" / "gold.json").read_text(encoding="utf-8"))
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeds") / "index.sqlite3"
    report = build_index(SEEDS, path)
    assert report.articles == 2 and not report.skipped
    return path


@pytest.mark.parametrize("case", GOLD["queries"], ids=lambda case: case["command"])
async def test_gold_questions_are_answered_from_the_seeds(seeds_db: Path, case: dict) -> None:
    command, _, argument = case["command"].partition(" ")
    async with await Index.open(seeds_db) as index:
        if command == "/who":
            answer = await index.who(argument)
        elif command == "/sector":
            answer = await index.sector(argument or None)
        else:
            answer = await index.agreements(argument or None)
    dumped = [a.model_dump(mode="json") for a in answer] if isinstance(answer, list) else answer.model_dump(mode="json")
    text = json.dumps(dumped, ensure_ascii=False)
    assert [word for word in case["must_mention"] if word not in text] == []
    if case.get("expect_empty"):
        assert answer.citations == [] and answer.agreements == []
        if command == "/who":
            assert answer.status == "none"
        else:
            assert answer.status == "found"  # a known sector, nothing said about it


async def test_seed_citations_quote_their_articles_verbatim(seeds_db: Path) -> None:
    con = sqlite3.connect(seeds_db)
    rows = con.execute(
        'SELECT s.text, s.start, s."end", t.text FROM sentences s JOIN article_texts t ON t.article = s.article'
    ).fetchall()
    con.close()
    assert rows and all(body[start:end] == text for text, start, end, body in rows)
    async with await Index.open(seeds_db) as index:
        hits = (await index.search("to lam")).hits  # the articles write Tô Lâm and To Lam
        assert any("Tô Lâm" in hit.citation.sentence for hit in hits)
        assert any("To Lam" in hit.citation.sentence for hit in hits)


async def test_a_who_page_lists_the_figures_of_the_entitys_first_sentences(tmp_path: Path) -> None:
    """The figures of a /who page were the first 50 by figure id, found by joining every sentence naming the
    entity (20,000 for a country at 10,000 articles); they are those of its first sentences now, read in order
    only as far as needed."""
    facts = invented_facts()
    reports = [article(f"f{i:02d}", f"2024-05-{i % 28 + 1:02d}", "Outlet", [f"Sorokin said output rose by {i}%."])
               for i in range(60)]
    facts.articles += reports
    sorokin = next(p for p in facts.people if p.key == "nikolai-sorokin")
    facts.mentions += [Mention(entity=sorokin.key, citation=Citation.of(a, a.sentences[0])) for a in reports]
    facts.figures += [Figure(value=f"{i}%", unit="percent", about="output", citations=[Citation.of(a, a.sentences[0])])
                      for i, a in reversed(list(enumerate(reports)))]  # written newest first: ids run backwards
    path = tmp_path / "index.sqlite3"
    write_index(facts, path)
    async with await Index.open(path) as index:
        answer = await index.entity(sorokin.key)
    listed = {f.value for f in answer.figures}
    assert len(listed) == 50
    first = sorted(reports, key=lambda a: (a.date, a.id))
    assert "$2 billion" in listed  # the entity's own earliest figure, in BALTIC
    assert not listed & {f"{int(a.id[1:])}%" for a in first[-10:]}  # the newest ten wait for a narrower question
