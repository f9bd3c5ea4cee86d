"""What the per-article stages made of each file, kept beside the index, so a rebuild re-reads only new and
changed files.

An entry is keyed by the file's name and bytes (`file_key`) and holds what `pipeline` made of them: the Article,
its ArticleCandidates and the full-text form of its sentences (what the index's FTS table holds), or the reason
the file is not an article. Beside the entries, `folded` keeps the full-text form of the texts the index makes
of several articles (an agreement's title, parties and cited sentences), by a digest of the text: the
agreements of untouched articles read the same at the next build. The corpus-wide stages (resolution,
mentions, merging) are always run again, on the cached candidates: they depend on every article at once. Only
an article's mentions are kept too (`mentions`, by file key), with the corpus-wide inputs they were all made of
(`mention_state`: every alias's owner, every entity's facets): the next build finds again only the mentions of
articles that what changed since can reach (extract.MentionMemo).

The cache is one SQLite file (`<index>.cache`). It is stamped with `extractor_version()`, a digest of the code
and lexicon data the per-article stages run, so any change to the extractor empties it rather than serving
candidates the new code would not have made. Entries are pickled (they are dataclasses and pydantic models,
as a worker process returns them) and compressed; the file is written only by citebot, beside the index it
feeds. Nothing here can fail a build: a cache that cannot be opened, read or written is a cache that misses,
with one WARNING line.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import platform
import secrets
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = 3  # of the entries (2: with the sentences' full-text form; 3: the mentions table); part of the version, so a change of layout empties old caches
_SOURCES = ("ingest", "models.py", "text.py")  # under bot/: what the per-article stages run


def file_key(name: str, raw: bytes) -> str:
    """What an entry is found by: the file's name (the article id comes from it) and its bytes."""
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape"))
    digest.update(b"\0")
    digest.update(raw)
    return digest.hexdigest()


@cache
def extractor_version() -> str:
    """A digest of everything the per-article stages depend on: bot/ingest (code and lexicon data), the models
    and text utilities, the entry format, and the Python and pydantic versions that pickle them."""
    import pydantic

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(f"{FORMAT}|{platform.python_version()}|{pydantic.VERSION}".encode())
    for source in _SOURCES:
        path = root / source
        files = sorted(p for p in path.rglob("*") if p.suffix in (".py", ".json")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()[:32]


def cache_path(db_path: Path) -> Path:
    """Where the cache of an index lives: beside it, `<index>.cache`."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".cache")


class ArticleCache:
    """Entries by file key. `load(keys)` the hits, `store(entries)` new ones, `keep(keys)` drop the rest."""

    def __init__(self, path: Path, version: str | None = None) -> None:
        self.path = Path(path)
        self.version = version or extractor_version()
        self._con: sqlite3.Connection | None = None

    def open(self) -> bool:
        """Open (or make) the cache file; False, after one WARNING line, when it cannot be used."""
        try:
            self._con = self._connect()
        except (sqlite3.Error, OSError) as error:
            if isinstance(error, sqlite3.DatabaseError) and self.path.is_file():
                log.warning("the article cache %s cannot be read (%s); starting a new one", self.path, error)
                with contextlib.suppress(OSError):
                    self.path.unlink()
                try:
                    self._con = self._connect()
                    return True
                except (sqlite3.Error, OSError) as again:
                    error = again
            log.warning("not using the article cache %s: %s", self.path, error)
            self._con = None
            return False
        return True

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            con.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, entry BLOB NOT NULL)")
            con.execute("CREATE TABLE IF NOT EXISTS folded (key TEXT PRIMARY KEY, text TEXT NOT NULL)")
            con.execute("CREATE TABLE IF NOT EXISTS mentions (key TEXT PRIMARY KEY, entry BLOB NOT NULL)")
            con.execute("CREATE TABLE IF NOT EXISTS mention_state (token TEXT NOT NULL, state BLOB NOT NULL)")
            row = con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is None or row[0] != self.version:
                con.execute("BEGIN IMMEDIATE")
                con.execute("DELETE FROM entries")
                con.execute("DELETE FROM folded")
                con.execute("DELETE FROM mentions")
                con.execute("DELETE FROM mention_state")
                con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)", (self.version,))
                con.execute("COMMIT")
                if row is not None:
                    log.info("the extractor changed since the article cache was written: every file is read anew")
        except BaseException:
            con.close()
            raise
        return con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> ArticleCache:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def load(self, keys: Iterable[str], table: str = "entries") -> dict[str, bytes]:
        """The stored entries (as `pack` made them) of those keys that have one; `table="mentions"` for the last
        build's mentions of each article (see `store_mentions`)."""
        if self._con is None:
            return {}
        assert table in ("entries", "mentions")
        found: dict[str, bytes] = {}
        wanted = list(dict.fromkeys(keys))
        try:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(self._con.execute(f"SELECT key, entry FROM {table} WHERE key IN ({marks})", chunk))
        except sqlite3.Error as error:
            log.warning("the article cache %s cannot be read (%s); reading every file anew", self.path, error)
            return {}
        return found

    def store(self, entries: dict[str, bytes], keep: Iterable[str] | None = None) -> None:
        """Add entries, and with `keep` drop every entry not among those keys (files no longer in the folder),
        so the cache holds what the folder holds and no more. One transaction."""
        if self._con is None:
            return
        try:
            self._con.execute("BEGIN IMMEDIATE")
            self._con.executemany("INSERT OR REPLACE INTO entries (key, entry) VALUES (?, ?)", entries.items())
            if keep is not None:
                self._con.execute("CREATE TEMP TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY)")
                self._con.execute("DELETE FROM kept")
                self._con.executemany("INSERT OR IGNORE INTO kept (key) VALUES (?)", ((k,) for k in keep))
                self._con.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM kept)")
            self._con.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                self._con.execute("ROLLBACK")
            log.warning("could not write the article cache %s: %s", self.path, error)

    def load_mention_state(self) -> tuple[str, bytes] | None:
        """(token, packed state) of the corpus-wide inputs the kept mentions were made of; None when none is kept."""
        if self._con is None:
            return None
        try:
            row = self._con.execute("SELECT token, state FROM mention_state").fetchone()
        except sqlite3.Error as error:
            log.warning("the article cache %s cannot be read (%s); finding every mention anew", self.path, error)
            return None
        return (row[0], row[1]) if row else None

    def store_mentions(self, entries: dict[str, bytes], keep: Iterable[str], state: bytes, token: str | None) -> None:
        """Add (or replace) the mentions of these files, drop those of every file not among `keep`, and keep
        `state`, the corpus-wide inputs every kept mention now holds for (extract.MentionMemo). `token` is the
        one `load_mention_state` gave: when another build wrote since (its state is not the one this build
        compared with, so the entries this one kept may not hold for this one's), nothing is written."""
        if self._con is None:
            return
        try:
            self._con.execute("BEGIN IMMEDIATE")
            row = self._con.execute("SELECT token FROM mention_state").fetchone()
            if (row[0] if row else None) != token:
                self._con.execute("ROLLBACK")
                log.info("another build wrote the article cache %s meanwhile; keeping its mentions", self.path)
                return
            self._con.executemany("INSERT OR REPLACE INTO mentions (key, entry) VALUES (?, ?)", entries.items())
            self._con.execute("CREATE TEMP TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY)")
            self._con.execute("DELETE FROM kept")
            self._con.executemany("INSERT OR IGNORE INTO kept (key) VALUES (?)", ((k,) for k in keep))
            self._con.execute("DELETE FROM mentions WHERE key NOT IN (SELECT key FROM kept)")
            self._con.execute("DELETE FROM mention_state")
            self._con.execute("INSERT INTO mention_state (token, state) VALUES (?, ?)", (secrets.token_hex(16), state))
            self._con.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                self._con.execute("ROLLBACK")
            log.warning("could not write the article cache %s: %s", self.path, error)

    def load_folded(self) -> dict[str, str]:
        """The full-text forms kept by the last build, by `text_key` of their text."""
        if self._con is None:
            return {}
        try:
            return dict(self._con.execute("SELECT key, text FROM folded"))
        except sqlite3.Error as error:
            log.warning("the article cache %s cannot be read (%s); folding the texts anew", self.path, error)
            return {}

    def store_folded(self, folded: dict[str, str]) -> None:
        """Keep exactly these full-text forms (those the build just made or used), in one transaction."""
        if self._con is None:
            return
        try:
            self._con.execute("BEGIN IMMEDIATE")
            self._con.execute("DELETE FROM folded")
            self._con.executemany("INSERT INTO folded (key, text) VALUES (?, ?)", folded.items())
            self._con.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                self._con.execute("ROLLBACK")
            log.warning("could not write the article cache %s: %s", self.path, error)

    def keys(self) -> Iterator[str]:
        if self._con is None:
            return iter(())
        return (row[0] for row in self._con.execute("SELECT key FROM entries"))


def text_key(text: str) -> str:
    """What a text's full-text form is found by in `folded`."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def pack(entry: object) -> bytes:
    import pickle

    return zlib.compress(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes) -> object:
    import pickle

    return pickle.loads(zlib.decompress(blob))
