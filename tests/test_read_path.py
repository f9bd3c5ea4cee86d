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
