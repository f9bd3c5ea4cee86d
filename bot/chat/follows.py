"""What users follow — people, organisations, sectors — and the last notification each was sent, in a small
SQLite file of its own (aiosqlite). The index is rebuilt and replaced; this is not: it lives beside it.

`FollowStore` is the whole interface the bot uses, so the store can move to a shared database when the bot
runs as several replicas; `SqliteFollowStore` is the one implementation. Nothing here knows about Telegram.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import aiosqlite

MAX_FOLLOWS = 20  # things one user may follow: enough for a beat, and a bound on every notification's work
Kind = Literal["w", "s"]  # a person or organisation (by entity key), a sector (by taxonomy key)
FollowOutcome = Literal["added", "already", "full"]


@dataclass(frozen=True)
class Followed:
    kind: Kind
    key: str
    name: str  # as the index named it when it was followed (a notification uses the name of the index it reads)


class FollowStore(Protocol):
    """Who follows what, and each user's latest notification (for its ◀ ▶ pages)."""

    async def follow(self, user_id: int, item: Followed, most: int = MAX_FOLLOWS) -> FollowOutcome: ...
    async def unfollow(self, user_id: int, kind: str, key: str) -> bool: ...
    async def following(self, user_id: int) -> list[Followed]: ...
    async def followers(self) -> dict[tuple[str, str], list[int]]: ...
    async def forget_user(self, user_id: int) -> None: ...
    async def save_notice(self, user_id: int, payload: str) -> int: ...
    async def notice(self, user_id: int) -> tuple[int, str] | None: ...
    async def claim(self, batch: str) -> bool: ...
    async def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS follows (
    user_id INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL,
    name    TEXT NOT NULL,
    since   REAL NOT NULL,
    PRIMARY KEY (user_id, kind, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS follows_item ON follows(kind, key);
CREATE TABLE IF NOT EXISTS notices (
    user_id INTEGER PRIMARY KEY,
    seq     INTEGER NOT NULL,
    made    REAL NOT NULL,
    payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    batch TEXT PRIMARY KEY,
    made  REAL NOT NULL
) WITHOUT ROWID;
"""
CLAIMS_KEPT = 7 * 24 * 3600  # seconds a claimed batch is remembered: longer than any replica lags behind


def follows_file(db_path: Path) -> Path:
    """Where the follows are kept by default: beside the index, `<DB_PATH>.follows.sqlite3`."""
    return db_path.with_name(db_path.name + ".follows.sqlite3")


class SqliteFollowStore:
    """The follow store in one SQLite file. Open with `await SqliteFollowStore.open(path)`."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> SqliteFollowStore:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path)
        try:
            await db.executescript("PRAGMA journal_mode = WAL;" + _SCHEMA)
            await db.commit()
        except BaseException:
            await db.close()
            raise
        return cls(db, path)

    async def close(self) -> None:
        await self._db.close()

    async def follow(self, user_id: int, item: Followed, most: int = MAX_FOLLOWS) -> FollowOutcome:
        """Add `item` to what the user follows: "added", "already" (nothing changed) or "full" (at `most`)."""
        async with self._db.execute(
            "SELECT count(*), sum(kind = ? AND key = ?) FROM follows WHERE user_id = ?", (item.kind, item.key, user_id)
        ) as cursor:
            count, has = await cursor.fetchone()  # type: ignore[misc]
        if has:
            return "already"
        if count >= most:
            return "full"
        await self._db.execute(
            "INSERT INTO follows (user_id, kind, key, name, since) VALUES (?, ?, ?, ?, ?)",
            (user_id, item.kind, item.key, item.name, time.time()),
        )
        await self._db.commit()
        return "added"

    async def unfollow(self, user_id: int, kind: str, key: str) -> bool:
        cursor = await self._db.execute("DELETE FROM follows WHERE user_id = ? AND kind = ? AND key = ?", (user_id, kind, key))
        await self._db.commit()
        return cursor.rowcount > 0

    async def following(self, user_id: int) -> list[Followed]:
        async with self._db.execute(
            "SELECT kind, key, name FROM follows WHERE user_id = ? ORDER BY since, key", (user_id,)
        ) as cursor:
            return [Followed(kind, key, name) for kind, key, name in await cursor.fetchall()]

    async def followers(self) -> dict[tuple[str, str], list[int]]:
        """(kind, key) → the users following it, for everything anyone follows."""
        grouped: dict[tuple[str, str], list[int]] = defaultdict(list)
        async with self._db.execute("SELECT kind, key, user_id FROM follows ORDER BY kind, key, user_id") as cursor:
            async for kind, key, user_id in cursor:
                grouped[(kind, key)].append(user_id)
        return dict(grouped)

    async def forget_user(self, user_id: int) -> None:
        """A user who blocked the bot: nothing of theirs is kept, and nothing is sent to them again."""
        await self._db.execute("DELETE FROM follows WHERE user_id = ?", (user_id,))
        await self._db.execute("DELETE FROM notices WHERE user_id = ?", (user_id,))
        await self._db.commit()

    async def save_notice(self, user_id: int, payload: str) -> int:
        """Keep a user's newest notification (replacing the one before); its number, which its buttons carry."""
        async with self._db.execute("SELECT seq FROM notices WHERE user_id = ?", (user_id,)) as cursor:
            row = await cursor.fetchone()
        seq = (row[0] if row else 0) + 1
        await self._db.execute(
            "INSERT OR REPLACE INTO notices (user_id, seq, made, payload) VALUES (?, ?, ?, ?)",
            (user_id, seq, time.time(), payload),
        )
        await self._db.commit()
        return seq

    async def notice(self, user_id: int) -> tuple[int, str] | None:
        async with self._db.execute("SELECT seq, payload FROM notices WHERE user_id = ?", (user_id,)) as cursor:
            row = await cursor.fetchone()
        return (int(row[0]), str(row[1])) if row else None

    async def claim(self, batch: str) -> bool:
        """Whether this caller is the one to send the notifications of `batch` (a new index file, by what tells it
        from the next): True once, for the first to ask. Replicas sharing this store each switch to the same new
        file; only one of them writes to the users."""
        now = time.time()
        await self._db.execute("DELETE FROM batches WHERE made < ?", (now - CLAIMS_KEPT,))
        cursor = await self._db.execute("INSERT OR IGNORE INTO batches (batch, made) VALUES (?, ?)", (batch, now))
        await self._db.commit()
        return cursor.rowcount > 0


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
