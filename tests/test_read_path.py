"""The read path: several read connections, keyset pages, flags stored per alias.

No timing thresholds: a slow query is made slow by a lock it waits on, and "one page" is counted in queries.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.index.query import Index

ROOT = Path(__file__).resolve().parents[1]


async def _hold_on_every_connection(index: Index, gate: threading.Event) -> None:
    def wait_for_gate() -> int:
        gate.wait(30)  # released by the test; the bound only stops a broken test from hanging
        return 1

    for connection in index._connections:
        await connection.create_function("wait_for_gate", 0, wait_for_gate)


@contextlib.asynccontextmanager
async def _one_slow_query(seeds_db: Path, readers: int) -> AsyncIterator[tuple[Index, threading.Event, asyncio.Future]]:
    """An index on `readers` connections with one query holding a connection until the gate opens."""
    gate = threading.Event()
    index = await Index.open(seeds_db, readers=readers)
    try:
        await _hold_on_every_connection(index, gate)
        slow = asyncio.ensure_future(index._rows("SELECT wait_for_gate()"))
        await asyncio.sleep(0)  # the slow query takes its connection
        yield index, gate, slow
    finally:
        gate.set()
        await index.close()


async def test_a_slow_query_does_not_block_another(seeds_db: Path) -> None:
    async with _one_slow_query(seeds_db, readers=2) as (index, gate, slow):
        answer = await asyncio.wait_for(index.search("energy"), 30)  # answered on the other one, gate still shut
        assert answer.hits
        assert not slow.done()
        gate.set()
        assert await asyncio.wait_for(slow, 30) == [(1,)]


async def test_queries_wait_for_a_free_connection_when_every_one_is_busy(seeds_db: Path) -> None:
    async with _one_slow_query(seeds_db, readers=1) as (index, gate, slow):
        waiting = asyncio.ensure_future(index.search("energy"))
        for _ in range(20):
            await asyncio.sleep(0)
        assert not waiting.done()  # one connection, held: the search waits rather than fails
        gate.set()
        await asyncio.wait_for(slow, 30)
        assert (await asyncio.wait_for(waiting, 30)).hits


async def test_every_connection_is_closed(seeds_db: Path) -> None:
    index = await Index.open(seeds_db, readers=3)
    assert len(index._connections) == 3
    await index.close()
    for connection in index._connections:
        with pytest.raises(ValueError):
            await connection.execute("SELECT 1")


# ---------------------------------------------------------------- the dev corpus

DEV = ROOT / "tests" / "data" / "dev" / "articles"


@pytest.fixture(scope="module")
def dev_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bot.index.build import build_index

    path = tmp_path_factory.mktemp("dev") / "dev.sqlite3"
    build_index(DEV, path, cache=False)
    return path


# ---------------------------------------------------------------- flags stored per alias


def test_aliases_carry_their_generic_and_shown_flags(dev_db: Path) -> None:
    import sqlite3

    from bot.index.build import generic_word, shown_aliases

    con = sqlite3.connect(dev_db)
    try:
        rows = con.execute(
            "SELECT a.entity, a.alias, a.folded, a.generic, a.shown, e.kind, e.name FROM aliases a "
            "JOIN entities e ON e.key = a.entity ORDER BY a.entity, a.ord"
        ).fetchall()
        assert rows
        by_entity: dict[str, list[tuple]] = {}
        for row in rows:
            by_entity.setdefault(row[0], []).append(row)
            assert row[3] == int(all(generic_word(word) for word in row[2].split()))
        for key, entity_rows in by_entity.items():
            kind, name = entity_rows[0][5], entity_rows[0][6]
            aliases = [row[1] for row in entity_rows]
            shown = set(shown_aliases(kind, name, aliases))
            assert [row[4] for row in entity_rows] == [int(alias in shown) for alias in aliases], key
        assert any(row[4] == 0 for row in rows)  # a lone given name or patronymic is flagged
        words = dict(con.execute("SELECT word, generic FROM alias_words").fetchall())
        assert words and all(flag == int(generic_word(word)) for word, flag in words.items())
        ordered = [row[0] for row in con.execute("SELECT word FROM alias_words ORDER BY id")]
        assert ordered == list(dict.fromkeys(word for row in rows for word in row[2].split()))
    finally:
        con.close()


# ---------------------------------------------------------------- keyset pages


async def _pages(read, size: int) -> list[list]:
    pages, cursor = [], None
    while True:
        items, cursor = await read(cursor, size)
        pages.append(items)
        if cursor is None:
            return pages


@pytest.mark.parametrize("size", [1, 2, 3, 7, 100])
async def test_keyset_pages_of_figures_and_sources_are_the_whole_answer_sliced(dev_db: Path, size: int) -> None:
    index = await Index.open(dev_db)
    try:
        for whole, read in ((await index.figures(), index.figures_page), (await index.sources(), index.sources_page)):
            assert len(whole) > 3
            pages = await _pages(read, size)
            assert [item for page in pages for item in page] == whole
            assert all(len(page) == size for page in pages[:-1]) and 0 < len(pages[-1]) <= size
        assert await index.figures(5) == (await index.figures_page(None, 5))[0] == (await index.figures())[:5]
        assert await index.sources(5) == (await index.sources())[:5]
    finally:
        await index.close()


async def test_a_figures_page_is_one_range_read_of_the_keyset_index(dev_db: Path) -> None:
    index = await Index.open(dev_db)
    try:
        statements: list[str] = []
        for connection in index._connections:
            await connection.set_trace_callback(statements.append)
        first, cursor = await index.figures_page(None, 3)
        statements.clear()
        second, _ = await index.figures_page(cursor, 3)
        figure_reads = [s for s in statements if "FROM figures" in s]
        assert len(figure_reads) == 1 and "(first_sentence, id) >" in figure_reads[0] and "LIMIT 4" in figure_reads[0]
        assert second == (await index.figures())[3:6]
        plan = " ".join(row[-1] for row in await index._rows(
            "EXPLAIN QUERY PLAN SELECT id FROM figures WHERE first_sentence IS NOT NULL AND (first_sentence, id) > (?, ?) "
            "ORDER BY first_sentence, id LIMIT 4", (1, 1)))
        assert "figures_first" in plan and "TEMP B-TREE" not in plan  # a range of the index, no sort
    finally:
        await index.close()


# ---------------------------------------------------------------- the lexicon's words stored in the index


async def test_query_words_are_told_apart_by_the_stored_lexicon_words_as_by_the_lexicon(dev_db: Path) -> None:
    """Every word of the articles and the lexicon: generic, title-like, a title, a place noun — the same answer
    from the index's `lexicon_words` as from the lexicon itself."""
    import sqlite3

    from bot.index import query
    from bot.index.build import generic_word
    from bot.ingest.lexicon import lexicon
    from bot.text import fold

    con = sqlite3.connect(dev_db)
    try:
        words = {w for (text,) in con.execute("SELECT text FROM sentences") for w in {*text.split(), *fold(text).split()}}
    finally:
        con.close()
    words |= {w for phrase, _tags in lexicon().gazetteer.items() for w in phrase}
    words = {w for w in words if w.isalpha()}
    async with await Index.open(dev_db) as index:
        assert len(index._word_tags) > 500
        for word in words:
            assert index._place_noun(word) == ("place_head" in lexicon().gazetteer.phrase(word)), word
            if fold(word) != word:
                continue
            assert index._title_like(word) == query._title_like(word), word
            assert index._title_word(word) == query._title_word(word), word
            assert index._is_generic(word) == generic_word(word), word


def test_a_serving_process_answers_who_without_building_the_lexicon(dev_db: Path) -> None:
    """The lexicon takes a tenth of a second or more to build; a process that only serves never needs it."""
    import subprocess
    import sys

    script = (
        "import asyncio, sys\n"
        "from bot.ingest import lexicon as L\n"
        "from bot.index.query import Index\n"
        "from bot.chat import handlers\n"
        "async def main():\n"
        "    async with await Index.open(sys.argv[1]) as index:\n"
        "        for name in ('Smith', 'Minister', 'the minister', 'chairman of the board', 'Quuxley Street', 'xyz'):\n"
        "            await handlers.who_by_name(index, name)\n"
        "        await index.sector('energy')\n"
        "        await index.agreements('nuclear')\n"
        "    print(L.lexicon.cache_info().currsize)\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(dev_db)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


# ---------------------------------------------------------------- counts stored at build time


async def test_stored_citation_counts_are_the_citations_counted(dev_db: Path) -> None:
    import sqlite3

    con = sqlite3.connect(dev_db)
    try:
        for table, owner in (("agreements", "agreement"), ("figures", "figure")):
            stored = {row[0]: row[1:] for row in con.execute(f"SELECT id, sources, articles FROM {table}")}
            counted = {
                row[0]: row[1:]
                for row in con.execute(
                    f"SELECT c.{owner}, count(*), count(DISTINCT s.article) FROM {owner}_citations c "
                    f"JOIN sentences s ON s.id = c.sentence GROUP BY c.{owner}"
                )
            }
            assert stored and stored == {key: counted.get(key, (0, 0)) for key in stored}, table
            dense = con.execute(f"SELECT count(*) FROM {owner}_citations GROUP BY {owner} HAVING max(ord) + 1 != count(*)")
            assert dense.fetchall() == []  # 0, 1 … per owner: "ord < n" is its first n
        first = con.execute(
            "SELECT a.id, a.first_sentence, a.first_article, s.article, (SELECT min(sentence) FROM agreement_citations "
            "WHERE agreement = a.id) FROM agreements a LEFT JOIN sentences s ON s.id = a.first_sentence"
        ).fetchall()
        assert first and all(row[1] == row[4] and row[2] == row[3] for row in first)  # the earliest, and its article
    finally:
        con.close()


@pytest.mark.parametrize("filter_text", [None, "signed", "energy", "nuclear", "planned", "memorandum"])
@pytest.mark.parametrize("per_status", [None, 0, 1, 3, 60])
async def test_agreements_per_status_are_the_first_of_each_status_in_list_order(
    dev_db: Path, filter_text: str | None, per_status: int | None
) -> None:
    async with await Index.open(dev_db) as index:
        everything = await index.agreements(filter_text, per_status=None)
        taken: dict[str, int] = {}
        expected = []
        for agreement in everything:
            if per_status is None or taken.get(agreement.status, 0) < per_status:
                taken[agreement.status] = taken.get(agreement.status, 0) + 1
                expected.append(agreement.key)
        assert [a.key for a in await index.agreements(filter_text, per_status=per_status)] == expected
        assert [a.key for a in await index.agreements(filter_text, limit=2, per_status=per_status)] == expected[:2]


async def test_agreements_load_in_answer_order_and_party_filters_find_what_a_scan_finds(dev_db: Path) -> None:
    """The agreements are held in the build's rank order; a party filter over all of them at once finds what a
    test of each one finds."""
    import sqlite3

    con = sqlite3.connect(dev_db)
    try:
        ranked = [row[0] for row in con.execute("SELECT id FROM agreements ORDER BY rank")]
    finally:
        con.close()
    async with await Index.open(dev_db) as index:
        rows = list(index._agreements.values())
        assert len(rows) > 20
        assert [row.id for row in rows] == ranked
        some = {row.id for row in rows[::3]}
        assert index._ordered(some) == [row.id for row in rows if row.id in some]
        assert index._ordered(list(some)[:2]) == [row.id for row in rows if row.id in set(list(some)[:2])]
        words = {w for row in rows for w in row.parties_folded.split()} | {"ministry of", "a", "zzz", " | "}
        for word in words:
            assert sorted(index._with_party(word)) == sorted(row.id for row in rows if word in row.parties_folded), word
        assert index._with_party("\0") == []


def test_each_entitys_agreements_are_its_parties_and_the_ones_its_sentences_cite(dev_db: Path) -> None:
    import sqlite3

    con = sqlite3.connect(dev_db)
    try:
        stored = set(con.execute("SELECT entity, agreement FROM entity_agreements"))
        joined = set(con.execute(
            "SELECT entity, agreement FROM agreement_parties WHERE entity IS NOT NULL "
            "UNION SELECT m.entity, ac.agreement FROM mentions m JOIN agreement_citations ac ON ac.sentence = m.sentence"
        ))
        assert stored and stored == joined
    finally:
        con.close()


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """80 generated bench articles: agreements reported by several articles, cited first by a later one."""
    from bench.corpus import generate
    from bot.index.build import build_index

    folder = tmp_path_factory.mktemp("bench")
    generate(80, folder / "seeds")
    build_index(folder / "seeds", folder / "bench.sqlite3", cache=False)
    return folder / "bench.sqlite3"


async def test_agreements_are_ranked_by_status_then_the_date_of_their_earliest_sentence(bench_db: Path) -> None:
    import sqlite3

    from bot.models import STATUS_ORDER

    ranks = " ".join(f"WHEN '{status}' THEN {rank}" for rank, status in enumerate(STATUS_ORDER))
    con = sqlite3.connect(bench_db)
    try:
        later_first = con.execute(
            "SELECT count(*) FROM agreements a JOIN agreement_citations c ON c.agreement = a.id AND c.ord = 0 "
            "WHERE c.sentence != a.first_sentence"
        ).fetchone()[0]
        expected = [row[0] for row in con.execute(
            "SELECT a.id FROM agreements a LEFT JOIN sentences s ON s.id = (SELECT min(sentence) FROM agreement_citations "
            f"WHERE agreement = a.id) LEFT JOIN articles r ON r.id = s.article ORDER BY CASE a.status {ranks} ELSE 99 END, "
            "r.date IS NULL, r.date DESC, coalesce(a.first_sentence, 0), a.id"
        )]
    finally:
        con.close()
    assert later_first > 0  # the case that needs the earliest sentence, not the first cited
    async with await Index.open(bench_db) as index:
        assert list(index._agreements) == expected
