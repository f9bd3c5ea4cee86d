"""The read API over one index file (aiosqlite). Returns pydantic answers with citations; never formats text."""

from __future__ import annotations

from pathlib import Path

from bot.models import (
    Agreement,
    Figure,
    SearchAnswer,
    SectorAnswer,
    Source,
    Stats,
    WhoAnswer,
)


class Index:
    """An open, read-only index. Open with `await Index.open(path)`; close with `await index.close()`."""

    @classmethod
    async def open(cls, path: Path) -> "Index":
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def stats(self) -> Stats:
        raise NotImplementedError

    async def who(self, name: str) -> WhoAnswer:
        """Match by folded alias (case, diacritics, Cyrillic, order, typos, acronyms) → found/ambiguous/suggest/none."""
        raise NotImplementedError

    async def entity(self, key: str) -> WhoAnswer:
        """The `found` answer for an entity key (buttons and deep links carry keys); `none` if unknown."""
        raise NotImplementedError

    async def sector(self, name: str | None) -> SectorAnswer:
        """No name: `list` with counts. A name or synonym: `found` with sub-sectors' facts. Else `unknown`."""
        raise NotImplementedError

    async def agreements(self, filter_text: str | None = None) -> list[Agreement]:
        """All agreements, or those matching a sector, a party or words of the title/sentence."""
        raise NotImplementedError

    async def search(self, text: str, limit: int = 50) -> SearchAnswer:
        """FTS5 over sentences, ranked by bm25."""
        raise NotImplementedError

    async def sources(self) -> list[Source]:
        raise NotImplementedError

    async def figures(self) -> list[Figure]:
        raise NotImplementedError
