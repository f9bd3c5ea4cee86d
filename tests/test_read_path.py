"""The read path: several read connections, keyset pages, the trigram index of aliases, flags stored per alias.

No timing thresholds: a slow query is made slow by a lock it waits on, and "one page" is counted in queries.
"""

from __future__ import annotations

import asyncio
import threading
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


async def test_a_slow_query_does_not_block_another(seeds_db: Path) -> None:
    gate = threading.Event()
    index = await Index.open(seeds_db, readers=2)
    try:
        await _hold_on_every_connection(index, gate)
        slow = asyncio.ensure_future(index._rows("SELECT wait_for_gate()"))
        await asyncio.sleep(0)  # the slow query takes its connection
        answer = await asyncio.wait_for(index.search("energy"), 30)  # answered on the other one, gate still shut
        assert answer.hits
        assert not slow.done()
        gate.set()
        assert await asyncio.wait_for(slow, 30) == [(1,)]
    finally:
        gate.set()
        await index.close()


async def test_queries_wait_for_a_free_connection_when_every_one_is_busy(seeds_db: Path) -> None:
    gate = threading.Event()
    index = await Index.open(seeds_db, readers=1)
    try:
        await _hold_on_every_connection(index, gate)
        slow = asyncio.ensure_future(index._rows("SELECT wait_for_gate()"))
        await asyncio.sleep(0)
        waiting = asyncio.ensure_future(index.search("energy"))
        for _ in range(20):
            await asyncio.sleep(0)
        assert not waiting.done()  # one connection, held: the search waits rather than fails
        gate.set()
        await asyncio.wait_for(slow, 30)
        assert (await asyncio.wait_for(waiting, 30)).hits
    finally:
        gate.set()
        await index.close()


async def test_every_connection_is_closed(seeds_db: Path) -> None:
    index = await Index.open(seeds_db, readers=3)
    assert len(index._connections) == 3
    await index.close()
    for connection in index._connections:
        with pytest.raises(ValueError):
            await connection.execute("SELECT 1")
