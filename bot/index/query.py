"""The read API over one index file (aiosqlite). Returns pydantic answers with citations; never formats text.

The file is opened read-only, on READERS connections (each aiosqlite connection is a thread of its own), so one
slow query (a bm25 ranking of common words) does not queue the answers behind it. Small, hot tables (articles'
metadata, entities and their folded aliases, agreements' metadata, sector counts) are loaded once at `open`, so
a query is a few indexed look-ups plus one batched load of the cited sentences.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import datetime as dt
import os
import re
import sqlite3
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import aiosqlite
from rapidfuzz import fuzz, process

from bot.index.build import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    UNIT_SEPARATOR,
    description_key,
    generic_word,
    read_only_uri,
)
from bot.ingest.lexicon import GENERIC_TAGS, TITLE_TAGS, lexicon, taxonomy
from bot.models import (
    Agreement,
    AgreementFilter,
    Citation,
    EntityRef,
    Figure,
    Organization,
    Person,
    SearchAnswer,
    SearchHit,
    SectorAnswer,
    SectorInfo,
    Source,
    Stats,
    WhoAnswer,
)
from bot.text import DIGEST_PREFIX, STOP_WORDS, compact, content_query_words, fold, key_digest, query_words, search_tokens

CITATION_LIMIT = 100  # sentences per who/sector answer, oldest first (a chat shows a few pages at most)
AGREEMENT_LIMIT = 50  # agreements per who/sector answer, in agreement order
AGREEMENTS_PER_STATUS = 60  # agreements of each status in an /agreements answer (the rest are counted)
CITATIONS_PER_AGREEMENT = 8  # carried per agreement or figure: enough to quote three and link five; the rest are counted
_REMEMBERED_FILTERS = 64
FOUND_SCORE = 88  # a fuzzy match this good, and clearly ahead of the next, is an answer
CLEAR_LEAD = 6
SUGGEST_SCORE = 70
TOKEN_SCORE = 75  # a query word this close to a known name word counts as that word
KNOWN_NAMES = 5
SUGGESTIONS = 8  # candidates offered for a query of generic words only
_IGNORED_WORDS = frozenset({"the", "a", "an", "of", "and", "mr", "mrs", "ms", "dr"})
_CHUNK = 500
FIGURE_ROWS_PER_FIGURE = 8  # mention × figure rows read per figure a /who page lists (a figure is cited by several)
NAME_WORD_SCORE = 80  # a word of a name this close to a word of an entity's name is that word (Likhachov = Likhachev)
NAMED_CANDIDATES = 300  # sentences looked at for the words of a name nothing matched
PARTIAL_CANDIDATES = 500  # sentences looked at when no sentence holds every word searched for
# What /agreements understands as a status (the rest of its argument is the topic and the year).
STATUS_WORDS: dict[tuple[str, ...], str] = {
    ("signed",): "signed", ("inked",): "signed", ("concluded",): "signed",
    ("initialled",): "initialled", ("initialed",): "initialled",
    ("adopted",): "adopted",
    ("planned",): "planned", ("upcoming",): "planned",
    ("under", "negotiation"): "under negotiation", ("negotiation",): "under negotiation",
    ("negotiations",): "under negotiation", ("negotiating",): "under negotiation",
    ("being", "negotiated"): "under negotiation",
    ("not", "concluded"): "not concluded", ("failed",): "not concluded",
}
_YEAR = re.compile(r"(?:19|20)\d\d\Z")
READERS = 3  # read connections of one open index: a slow query holds one, the others keep answering


class IndexUnavailable(Exception):
    """There is no index file at the path, or it was written by another schema version."""


def unavailable_errors() -> tuple[type[Exception], ...]:
    """The errors that leave nothing to answer from, each with its reason in words for the user: this
    IndexUnavailable, and building an index failing (BuildError, or ingest's SeedsError for a missing seeds
    folder, which `build_index` lets through). For the chat layer, which imports nothing of ingest; imported when
    asked for, since answering needs neither the build nor ingest."""
    from bot.index.build import BuildError
    from bot.ingest.pipeline import SeedsError

    return (IndexUnavailable, BuildError, SeedsError)


@dataclass(frozen=True, slots=True)
class _Article:
    id: str
    outlet: str
    date: dt.date
    title: str
    url: str | None
    facts: int
    headline: bool = True


@dataclass(frozen=True, slots=True)
class _Entity:
    key: str
    kind: str
    name: str
    role: str | None
    organization: str | None
    description: str | None
    mentions: int
    aliases: tuple[str, ...]
    org_key: str | None = None
    shown: tuple[str, ...] = ()  # the aliases "Also written" lists (aliases.shown)

    def ref(self) -> EntityRef:
        if self.kind == "person":
            detail = ", ".join(part for part in (self.role, self.organization) if part) or None
        else:
            detail = self.description
        return EntityRef(key=self.key, kind=self.kind, name=self.name, detail=detail)


@dataclass(frozen=True, slots=True)
class _Agreement:
    id: int
    key: str
    title: str
    type: str
    status: str
    parties: tuple[str, ...]
    parties_folded: str
    sectors: tuple[str, ...]
    date: dt.date | None = None
    sources: int = 0  # how many sentences cite it
    articles: int = 0  # how many articles those are


class Index:
    """An open, read-only index. Open with `await Index.open(path)`; close with `await index.close()`."""

    def __init__(self, db: aiosqlite.Connection | Sequence[aiosqlite.Connection], path: Path) -> None:
        self._connections = [db] if isinstance(db, aiosqlite.Connection) else list(db)
        self._db = self._connections[0]
        self._free: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for connection in self._connections:
            self._free.put_nowait(connection)
        self.path = path
        self._by_digest: dict[str, str] | None = None
        self._matches: dict[str, list[int]] = {}  # folded /agreements filter → matching ids, in answer order
        self._match_counts: dict[str, dict[str, int]] = {}  # the same filter → how many match, by status
        self._match_places: dict[str, dict[str, list[int]]] = {}  # the same filter → status → places in its list
        self._years: set[int] | None = None  # the years agreements were first reported in
        self._families: dict[str, list[int]] = {}  # sector key → agreement ids of it and its sub-sectors

    @classmethod
    async def open(cls, path: Path, readers: int = READERS) -> Index:
        """Open the index file read-only on `readers` connections; raises IndexUnavailable if it is missing, of
        another schema version or not an index at all."""
        path = Path(path)
        if not path.is_file():
            raise IndexUnavailable(f"no index at {path}")
        connections = await _connect_all(path, max(1, readers))
        index = cls(connections, path)
        try:
            await index._load()
        except sqlite3.DatabaseError as error:  # not SQLite at all, or tables this version does not know
            await index.close()
            raise IndexUnavailable(f"{path} is not a readable citebot index ({error})") from error
        except BaseException:
            await index.close()
            raise
        return index

    async def close(self) -> None:
        """Close every connection; one left open is a thread that keeps the process from exiting. A close cut
        short leaves the connections not yet closed for the next call."""
        while self._connections:
            await self._connections[-1].close()  # aiosqlite stops the connection's thread even when cancelled
            self._connections.pop()

    @contextlib.asynccontextmanager
    async def _reader(self) -> AsyncIterator[aiosqlite.Connection]:
        """A connection no other query is using, waited for when all are busy."""
        connection = await self._free.get()
        try:
            yield connection
        finally:
            self._free.put_nowait(connection)

    async def __aenter__(self) -> Index:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------ loading

    async def _rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
        async with self._reader() as connection:  # one hop to the connection's thread, not three (cursor, rows, close)
            return list(await connection.execute_fetchall(sql, parameters))

    async def _chunks(self, sql: str, parameters: Sequence[object] = (), size: int = 2000) -> AsyncIterator[tuple]:
        """The rows of a query a few thousand at a time: a table read whole is all its strings alive at once (the
        agreements' alone were 30 MB at 10,000 articles), and a process keeps the memory of its highest mark."""
        async with self._reader() as connection, connection.execute(sql, parameters) as cursor:
            while True:
                rows = await cursor.fetchmany(size)
                if not rows:
                    return
                for row in rows:
                    yield row

    async def _load(self) -> None:
        if (await self._rows("PRAGMA application_id"))[0][0] not in (0, APPLICATION_ID):  # 0: an older index
            raise IndexUnavailable(f"{self.path} is another application's SQLite file, not a citebot index")
        version = (await self._rows("PRAGMA user_version"))[0][0]
        if version != SCHEMA_VERSION:
            raise IndexUnavailable(f"{self.path} has schema version {version}, this citebot reads {SCHEMA_VERSION}")

        # One object for each distinct value, not one per row (each row of SQLite is a fresh string): outlets,
        # entity kinds, roles and organisations, and the agreements' titles, types, statuses, parties and sectors
        # repeat — half of 36,000 agreements' repeat another's (30 → 13 MB at 10,000 articles).
        same: dict = {}
        one = same.setdefault
        dates: dict[str, dt.date] = {}
        self._articles = {
            row[0]: _Article(
                row[0], one(row[1], row[1]),
                dates.get(row[2]) or dates.setdefault(row[2], dt.date.fromisoformat(row[2])),
                row[3], row[4], row[5], bool(row[6]),
            )
            for row in await self._rows(
                "SELECT id, outlet, date, title, url, facts, headline FROM articles ORDER BY date, id"
            )
        }
        self._described: dict[str, list[tuple[str, int]]] = defaultdict(list)  # folded description → (entity, count)
        for entity, folded, count in await self._rows(
            "SELECT entity, folded, mentions FROM person_descriptions ORDER BY folded, mentions DESC, entity"
        ):
            self._described[folded].append((entity, count))
        self._article_breakdown: dict[str, dict[str, int]] | None = None
        self._newest = sorted(self._articles.values(), key=lambda a: (a.date, a.id), reverse=True)
        self._oldest_keys = [(a.date.isoformat(), a.id) for a in reversed(self._newest)]  # ascending, to bisect

        aliases: dict[str, list[str]] = defaultdict(list)
        shown: dict[str, list[str]] = defaultdict(list)
        exact: dict[str, set[str]] = defaultdict(set)
        for entity, alias, folded, flagged_shown in await self._rows(
            "SELECT entity, alias, folded, shown FROM aliases ORDER BY entity, ord"
        ):
            aliases[entity].append(alias)
            if flagged_shown:
                shown[entity].append(alias)
            exact[folded].add(entity)
        # folded alias → the entities it names, held as a tuple (a set is 216 bytes for the one entity most name)
        self._exact: dict[str, tuple[str, ...]] = {folded: tuple(keys) for folded, keys in exact.items()}
        del exact
        self._entities: dict[str, _Entity] = {}
        self._people_of: dict[str, list[str]] = defaultdict(list)
        for key, kind, name, role, organization, org_key, description, mentions in await self._rows(
            "SELECT key, kind, name, role, organization, org_key, description, mentions FROM entities ORDER BY ord"
        ):
            self._entities[key] = _Entity(
                key, one(kind, kind), name, one(role, role), one(organization, organization), description, mentions,
                tuple(aliases.get(key, ())), one(org_key, org_key), tuple(shown.get(key, ())),
            )
            if org_key and kind == "person":
                self._people_of[org_key].append(key)
        # Folded aliases for fuzzy matching: each distinct string once, with its words' postings; the words of
        # them (alias_words) with their "generic" flags.
        self._alias_list: list[str] = list(self._exact)
        self._alias_sizes: list[int] = []  # how many distinct words each has (a set per alias: 5.7 MB at 10,000)
        self._postings: dict[str, set[int]] = defaultdict(set)
        for number, alias in enumerate(self._alias_list):
            words = set(alias.split())
            self._alias_sizes.append(len(words))
            for word in words:
                self._postings[word].add(number)
        self._words: list[str] = []
        self._generic_words: dict[str, bool] = {}
        for _number, word, generic in await self._rows("SELECT id, word, generic FROM alias_words ORDER BY id"):
            self._words.append(word)
            self._generic_words[word] = bool(generic)
        tag_sets: dict[str, frozenset[str]] = {}
        self._word_tags: dict[str, frozenset[str]] = {
            word: tag_sets.setdefault(tags, frozenset(tags.split()))
            for word, tags in await self._rows("SELECT word, tags FROM lexicon_words")
        }
        self._most_mentioned = [
            e.key for e in sorted(self._entities.values(), key=lambda e: (-e.mentions, e.name))[:KNOWN_NAMES]
        ]

        self._agreements_in: dict[str, list[int]] = defaultdict(list)
        # in answer order: by status, then newest first (the date of the article that first reported it), then as
        # written — the build's rank
        self._agreements: dict[int, _Agreement] = {}
        rows = self._chunks(
            "SELECT id, key, title, type, status, parties, parties_folded, sectors, sources, articles, first_article "
            "FROM agreements ORDER BY rank"
        )
        split: dict[str, tuple[str, ...]] = {}

        def units(text: str) -> tuple[str, ...]:
            found = split.get(text)
            if found is None:
                found = split[text] = tuple(one(part, part) for part in text.split(UNIT_SEPARATOR)) if text else ()
            return found

        async for number, key, title, type_, status, parties, parties_folded, sectors, sources, articles, article in rows:
            sector_keys = units(sectors)
            for sector in sector_keys:
                self._agreements_in[sector].append(number)
            reported = self._articles[article].date if article in self._articles else None
            self._agreements[number] = _Agreement(
                number, key, one(title, title), one(type_, type_), one(status, status), units(parties),
                one(parties_folded, parties_folded), sector_keys, reported, sources, articles,
            )
        del same, split, dates
        self._rank = {number: place for place, number in enumerate(self._agreements)}
        self._agreement_keys: dict[str, int] | None = None
        self._parties_text: tuple[str, list[int], list[int]] | None = None  # made by the first party filter

        taxonomy()  # compiled once here rather than inside the first /sector
        self._sectors: dict[str, SectorInfo] = {
            key: SectorInfo(key=key, name=name, parent=parent, count=count)
            for key, name, parent, count in await self._rows("SELECT key, name, parent, count FROM sectors ORDER BY ord")
        }
        self._sector_names: dict[str, str] = {key: info.name for key, info in self._sectors.items()}

        counts = dict(  # sentence ids are 1..n: max(id) is their count without reading the table
            await self._rows(
                "SELECT 'sentences', coalesce(max(id), 0) FROM sentences UNION ALL SELECT 'figures', count(*) FROM figures"
            )
        )
        dates = [a.date for a in self._articles.values()]
        self._stats = Stats(
            articles=len(self._articles),
            outlets=tuple(sorted({a.outlet for a in self._articles.values()})),
            first_date=min(dates, default=None),
            last_date=max(dates, default=None),
            sentences=counts["sentences"],
            people=sum(1 for e in self._entities.values() if e.kind == "person"),
            organizations=sum(1 for e in self._entities.values() if e.kind == "organization"),
            agreements=len(self._agreements),
            figures=counts["figures"],
        )

    # ------------------------------------------------------------ shared loaders

    async def _citation_map(self, sentence_ids: Iterable[int]) -> dict[int, Citation]:
        """Sentence id → its citation, loaded in batches."""
        ids = list(dict.fromkeys(sentence_ids))
        loaded: dict[int, Citation] = {}
        for first in range(0, len(ids), _CHUNK):
            chunk = ids[first : first + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for number, article_id, text, start, end, kind, heading in await self._rows(
                f'SELECT s.id, s.article, s.text, s.start, s."end", s.kind, h.text FROM sentences s '
                f"LEFT JOIN sentences h ON h.id = s.heading WHERE s.id IN ({marks})",
                chunk,
            ):
                article = self._articles[article_id]
                loaded[number] = Citation.stored(
                    article_id, article.outlet, article.date, article.url, text, start, end, kind, heading
                )
        return loaded

    async def _citations(self, sentence_ids: Iterable[int]) -> list[Citation]:
        """Citations for sentence ids, in the order given."""
        ids = list(dict.fromkeys(sentence_ids))
        loaded = await self._citation_map(ids)
        return [loaded[number] for number in ids if number in loaded]

    async def _cited_sentences(self, table: str, column: str, ids: list[int], most: int) -> dict[int, list[int]]:
        """Owner id → its first `most` citation sentence ids, for agreements or figures (table/column are ours, not
        input). Only the first ones are read (citations are numbered 0, 1 … per owner: a key range each); how many
        there are in all, and in how many articles, the build counted. A figure such as "2%" may be cited by a
        thousand sentences, and an answer quotes three."""
        cited: dict[int, list[int]] = defaultdict(list)
        for first in range(0, len(ids), _CHUNK):
            chunk = ids[first : first + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for owner, sentence in await self._rows(
                f"SELECT {column}, sentence FROM {table} WHERE {column} IN ({marks}) AND ord < ? ORDER BY {column}, ord",
                (*chunk, most),
            ):
                cited[owner].append(sentence)
        return cited

    def _ordered(self, agreement_ids: Iterable[int]) -> list[int]:
        """The agreements in answer order: a few sorted by their place in it, many picked from it in one pass."""
        wanted = agreement_ids if isinstance(agreement_ids, set | frozenset) else set(agreement_ids)
        if len(wanted) * 8 > len(self._rank):
            return [number for number in self._rank if number in wanted]
        return sorted(wanted, key=self._rank.__getitem__)

    def _with_party(self, folded: str) -> list[int]:
        """Agreements one of whose folded parties holds `folded`: found by str.find in all their parties at once
        (one text, each agreement's parties ended by a NUL, which no folded text holds), not by a test per agreement."""
        if not folded:
            return list(self._agreements)
        if "\0" in folded:
            return []
        if self._parties_text is None:
            numbers = list(self._agreements)
            starts, position = [], 0
            for number in numbers:
                starts.append(position)
                position += len(self._agreements[number].parties_folded) + 1
            self._parties_text = ("\0".join(self._agreements[n].parties_folded for n in numbers), starts, numbers)
        text, starts, numbers = self._parties_text
        found: list[int] = []
        at = text.find(folded)
        while at >= 0:
            line = bisect.bisect_right(starts, at) - 1
            found.append(numbers[line])
            following = starts[line + 1] if line + 1 < len(starts) else len(text)
            at = text.find(folded, following)  # the next agreement's line: one hit per agreement
        return found

    async def _agreement_models(self, ordered_ids: Sequence[int]) -> tuple[list[Agreement], set[int]]:
        """Agreements with their first citations (the rest only counted), and the sentence ids those citations are."""
        ids = list(ordered_ids)
        cited = await self._cited_sentences("agreement_citations", "agreement", ids, CITATIONS_PER_AGREEMENT)
        shown = {s for number in ids for s in cited[number]}
        citations = await self._citation_map(shown)
        models = []
        for number in ids:
            row = self._agreements[number]
            carried = [citations[s] for s in cited[number] if s in citations]
            models.append(
                Agreement(
                    key=row.key, title=row.title, type=row.type, parties=list(row.parties), status=row.status,
                    sectors=list(row.sectors), citations=carried, more_sources=row.sources - len(cited[number]),
                    articles=row.articles,
                )
            )
        return models, shown

    async def _matching(self, filter_text: str | None) -> list[int]:
        """Agreement ids matching a filter (all of them for none), in answer order; remembered, as the index
        never changes and page 2 asks the same question as page 1."""
        folded = fold(filter_text or "")
        cached = self._matches.get(folded)
        if cached is not None:
            return cached
        wanted = self.agreement_filter(filter_text)
        ordered = self._ordered(self._agreements) if not wanted.topic else self._ordered(await self._about(wanted.topic))
        if wanted.statuses:
            ordered = [number for number in ordered if self._agreements[number].status in wanted.statuses]
        if wanted.year is not None:
            ordered = [number for number in ordered if (self._agreements[number].date or dt.date.min).year == wanted.year]
        if len(self._matches) >= _REMEMBERED_FILTERS:
            oldest = next(iter(self._matches))
            del self._matches[oldest], self._match_counts[oldest], self._match_places[oldest]
        places: dict[str, list[int]] = defaultdict(list)
        for place, number in enumerate(ordered):
            places[self._agreements[number].status].append(place)
        self._matches[folded] = ordered
        self._match_counts[folded] = {status: len(found) for status, found in places.items()}
        self._match_places[folded] = dict(places)
        return ordered

    async def _about(self, topic: str) -> set[int]:
        """Agreements of a sector (and its sub-sectors), with a party, or with every word of the topic in the
        title, the parties or a cited sentence."""
        matches: set[int] = set()
        sector = taxonomy().resolve(topic)
        if sector:
            matches.update(self._in_family(sector))
        folded = fold(topic)
        matches.update(self._with_party(folded))
        expression = _match_expression(topic)
        if expression:
            matches.update(
                row[0]
                for row in await self._rows("SELECT rowid FROM agreements_fts WHERE agreements_fts MATCH ?", (expression,))
            )
        return matches

    def agreement_filter(self, filter_text: str | None) -> AgreementFilter:
        """What an /agreements argument asks for: status words (`signed`, `under negotiation` …), a year
        (`2024`, `in 2024`) and the rest as the topic. A year no agreement was reported in is a word of the
        topic instead (`/agreements 2030`: the agreements through 2030)."""
        text = " ".join((filter_text or "").split())
        words = text.split()
        statuses: list[str] = []
        year: int | None = None
        rest: list[str] = []
        if self._years is None:
            self._years = {row.date.year for row in self._agreements.values() if row.date}
        years = self._years
        i = 0
        while i < len(words):
            pair = tuple(fold(w) for w in words[i : i + 2])
            if len(pair) == 2 and pair in STATUS_WORDS:
                statuses.append(STATUS_WORDS[pair])
                i += 2
                continue
            if pair[:1] in STATUS_WORDS:
                statuses.append(STATUS_WORDS[pair[:1]])
                i += 1
                continue
            if _YEAR.match(words[i]) and int(words[i]) in years and year is None:
                year = int(words[i])
                if rest and fold(rest[-1]) in ("in", "of", "from"):
                    rest.pop()
                i += 1
                continue
            rest.append(words[i])
            i += 1
        topic = " ".join(rest)
        if not content_query_words(topic) or all(w in STOP_WORDS for w in query_words(topic)):
            topic = ""
        return AgreementFilter(text=text, topic=topic, statuses=tuple(dict.fromkeys(statuses)), year=year)

    def _in_family(self, sector: str) -> list[int]:
        """Agreement ids of a sector and its sub-sectors, in answer order (made once per sector)."""
        family = self._families.get(sector)
        if family is None:
            family = self._families[sector] = self._ordered(
                number for key in taxonomy().family(sector) for number in self._agreements_in.get(key, ())
            )
        return family

    # ------------------------------------------------------------ answers

    async def stats(self) -> Stats:
        return self._stats

    def sector_names(self) -> Mapping[str, str]:
        """Sector key → the name answers show for it (`banking-finance` → `banking and finance`), for every sector
        an answer of this index can carry."""
        return self._sector_names

    async def who(self, name: str, page: bool = True) -> WhoAnswer:
        """Match by folded alias (case, diacritics, Cyrillic, order, typos, acronyms) → found/ambiguous/suggest/none.

        A whole alias (`Smith`, `KDB`, `Harbour Board`) is an answer, and so is how the articles refer to a person
        without naming them (`the Party chief`). Otherwise only the query's specific words pick an entity: generic
        ones (titles, organisation head nouns, countries, function words) narrow the choice but never make one, so
        `/who President` suggests rather than answers; a given name and a surname open only an entity whose
        surname it is (`Pavel Orlov` never opens Pavel Zimin). When nothing matches, the answer carries
        the sentences that name the words, and whether a search for them finds anything. With `page=False`, a
        found entity comes without its sentences, agreements and figures: which entity it is, for a caller that
        may hold its page already."""
        answer, may_name = await self._match(name, page)
        if answer.status in ("found", "ambiguous"):
            return answer
        updates: dict[str, object] = {"searchable": await self._finds_every_word(name)}
        if may_name:
            named, more, places = await self._named(name)
            updates.update(named=named, named_more=more, places=places)
        return answer.model_copy(update=updates)

    async def _match(self, name: str, page: bool = True) -> tuple[WhoAnswer, bool]:
        """The answer by names, and whether the query could be a name the index does not hold as an entity
        (not titles or countries alone, nor generic words some entity's name holds)."""
        query = fold(name)
        if not query:
            return self._none(name), False
        exact = self._exact.get(query)
        if exact:
            return await self._decide(name, exact, page=page), False
        described = self._by_description(query)
        if described:
            return await self._decide(name, described, described_as=name, ordered=True, page=page), False
        words = [w for w in query.split() if w not in _IGNORED_WORDS] or query.split()
        specific = [w for w in words if not self._is_generic(w)]
        if not specific:
            return self._generic_only(name, query, words)
        by_role = self._people_by_role(name, words)
        if by_role is not None:
            return by_role, False
        containing = self._aliases_containing(specific)
        if containing:
            return await self._decide(name, containing, page=page), False
        as_name = len(words) >= 2 and len(specific) == len(words)  # `Pavel Orlov`, not `Orlov's adviser`
        contained = self._aliases_within(words, specific)
        if as_name:
            contained = {key for key in contained if self._names_match(words, key)}
        if contained:
            return await self._decide(name, contained, page=page), False
        ranked = self._ranked(self._fuzzy(query, specific))
        fitting = [(key, score) for key, score in ranked if not as_name or self._names_match(words, key)]
        if fitting:
            best_key, best = fitting[0]
            runner_up = fitting[1][1] if len(fitting) > 1 else 0.0
            if best >= FOUND_SCORE and best - runner_up >= CLEAR_LEAD:
                return await self._opened(best_key, name, page), False
        suggestions = [key for key, score in ranked[:3] if score >= SUGGEST_SCORE]
        if as_name:
            suggestions += [key for key in self._sharing_a_word(specific) if key not in suggestions]
        if suggestions:
            return self._suggest(name, suggestions[:SUGGESTIONS]), True
        return self._none(name), True

    def _generic_only(self, name: str, query: str, words: list[str]) -> tuple[WhoAnswer, bool]:
        """A query of generic words only (`President`, `Party`, `Energy Group`): the entities whose one alias holds
        every word, or a near miss of a whole alias, as suggestions — never one entity's page. Words no entity's
        name holds that are not titles or countries (`Kremlin`) may still be a name the articles use."""
        keys = self._aliases_containing(words)
        if keys:
            return self._suggest(name, sorted(keys, key=self._popularity)[:SUGGESTIONS]), False
        may_name = not all(self._title_like(word) for word in words)
        keys = {key for key, _ in self._ranked(self._fuzzy(query, []))[:3]}
        if not keys:
            return self._none(name), may_name
        return self._suggest(name, sorted(keys, key=self._popularity)[:SUGGESTIONS]), may_name

    def _by_description(self, query: str) -> list[str]:
        """The people the articles refer to by this description (`the Vietnamese leader`), most often first."""
        entries = self._described.get(description_key(query), [])
        return [entity for entity, _count in entries if entity in self._entities]

    def _people_by_role(self, name: str, words: list[str]) -> WhoAnswer | None:
        """`Borealgas leader`, `Mekongoil chairman`: an organisation named with a title offers its people
        (those whose role fits the title first), and the organisation itself."""
        titles = [w for w in words if self._title_word(w)]
        rest = [w for w in words if w not in titles]
        if not titles or not rest:
            return None
        orgs = [key for key in self._exact.get(" ".join(rest), ()) if self._entities[key].kind == "organization"]
        if len(orgs) != 1:
            return None
        people = list(self._people_of.get(orgs[0], ()))
        if not people:
            return None

        def fits(key: str) -> bool:
            role = set(fold(self._entities[key].role or "").split())
            return bool(role & set(titles)) or bool(set(titles) & _LEADING_TITLES and role & _TOP_ROLES)

        people.sort(key=lambda key: (not fits(key), self._popularity(key)))
        refs = [self._entities[key].ref() for key in [*people[: SUGGESTIONS - 1], orgs[0]]]
        return WhoAnswer(status="ambiguous", query=name, candidates=refs)

    def _names_match(self, words: list[str], key: str) -> bool:
        """Whether a query that is a name (given name and surname, any order, typos and transliterations allowed:
        Zimin = Simin, Yevdokimov = Evdokimov) names this entity: every query word is a word of its
        names, or the query adds words to all of the entity's name the articles give (a given name, a
        patronymic), or it is an alias written without its spaces or initials (`DK Sunil`)."""
        entity = self._entities[key]
        alias_words = {word for alias in entity.aliases for word in fold(alias).split()}
        if all(any(_name_words_close(q, w) for w in alias_words) for q in words):
            return True
        name_words = fold(entity.name).split()
        if len(name_words) < len(words) and all(any(_name_words_close(q, w) for q in words) for w in name_words):
            return True
        whole = compact(" ".join(words))
        return any(fuzz.ratio(whole, compact(alias)) >= 90 for alias in entity.aliases)

    def _sharing_a_word(self, words: list[str]) -> list[str]:
        """Entities one of whose names holds one of the words (`Pavel …` for `Pavel Orlov`), best known first."""
        keys = {key for word in words for number in self._postings.get(word, ()) for key in self._exact[self._alias_list[number]]}
        return sorted(keys, key=self._popularity)[:SUGGESTIONS]

    async def _named(self, name: str) -> tuple[list[Citation], bool, list[str]]:
        """The sentences that name the words as a name (capitalised, together, in this order first), best
        ranked first; whether there are more than CITATION_LIMIT; and the places the words name instead, as
        written (`Tran Phu street`): those sentences are about a street, not a person or organisation."""
        words = [w for w in query_words(name) if w not in ("the", "a", "an")]
        if not words:
            return [], False, []
        quoted = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        expression = quoted if len(words) == 1 else f"NEAR({quoted}, {len(words) + 2})"
        rows = await self._rows(
            "SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ? ORDER BY rank LIMIT ?",
            (expression, NAMED_CANDIDATES),
        )
        ids = [row[0] for row in rows]
        citations = await self._citation_map(ids)
        if all(_ordinary(word, [c.sentence for c in citations.values()]) for word in words if word not in STOP_WORDS):
            return [], False, []  # `cooperation`: capitalised only where a sentence or a title starts
        together: list[Citation] = []
        apart: list[Citation] = []
        places: list[str] = []
        for number in ids:
            citation = citations.get(number)
            if citation is None or citation.kind in ("heading", "dateline"):  # a list's title, the place it was filed
                continue
            how, place = _named_in(citation.sentence, words, self._place_noun)
            if place:
                if place not in places:
                    places.append(place)
            elif how == "together":
                together.append(citation)
            elif how == "apart":
                apart.append(citation)
        named = together + apart
        return named[:CITATION_LIMIT], len(named) > CITATION_LIMIT, places

    async def _finds_every_word(self, text: str) -> bool:
        """Whether a search for the words finds a sentence that holds all of them."""
        expression = _match_expression(" ".join(content_query_words(text)))
        if not expression:
            return False
        rows = await self._rows(
            "SELECT s.id FROM sentences_fts f JOIN sentences s ON s.id = f.rowid "
            "WHERE sentences_fts MATCH ? AND s.kind != 'heading' LIMIT 1",
            (expression,),
        )
        return bool(rows)

    def _suggest(self, name: str, keys: list[str]) -> WhoAnswer:
        return WhoAnswer(status="suggest", query=name, candidates=[self._entities[key].ref() for key in keys])

    def _popularity(self, key: str) -> tuple[int, str]:
        return (-self._entities[key].mentions, self._entities[key].name)

    def _ranked(self, scores: dict[str, float]) -> list[tuple[str, float]]:
        return sorted(scores.items(), key=lambda item: (-item[1], -self._entities[item[0]].mentions))

    def best_known(self, limit: int = KNOWN_NAMES) -> list[EntityRef]:
        """The most mentioned people and organisations, for buttons when a name is missing or unknown."""
        return [self._entities[key].ref() for key in self._most_mentioned[:limit]]

    async def entity(self, key: str) -> WhoAnswer:
        """The `found` answer for an entity key, or for `~<digest>` of one (buttons and deep links carry them);
        `none` if unknown."""
        if key.startswith(DIGEST_PREFIX):
            key = self._digests().get(key[len(DIGEST_PREFIX) :], key)
        if key not in self._entities:
            return self._none(key)
        return await self._found(key, key)

    def _digests(self) -> dict[str, str]:
        """Digest → entity key, made on first use (only buttons of keys too long for callback data need it)."""
        if self._by_digest is None:
            self._by_digest = {key_digest(key): key for key in self._entities}
        return self._by_digest

    def _none(self, query: str) -> WhoAnswer:
        return WhoAnswer(status="none", query=query, candidates=self.best_known())

    async def _decide(
        self, query: str, keys: Iterable[str], described_as: str | None = None, ordered: bool = False, page: bool = True
    ) -> WhoAnswer:
        """One entity is its page; several are a choice (best known first, or in the order given)."""
        keys = list(dict.fromkeys(keys)) if ordered else sorted(set(keys), key=self._popularity)
        if len(keys) == 1:
            found = await self._opened(keys[0], query, page)
            return found.model_copy(update={"described_as": described_as}) if described_as else found
        return WhoAnswer(
            status="ambiguous", query=query, candidates=[self._entities[key].ref() for key in keys],
            described_as=described_as,
        )

    def _aliases_containing(self, words: list[str]) -> set[str]:
        """Entities with one alias holding every query word, in any order (`sergei kudryashov` ⊂ `kudryashov sergei ivanovich`)."""
        found: set[int] | None = None
        for word in words:
            postings = self._postings.get(word)
            if not postings:
                return set()
            found = set(postings) if found is None else found & postings
            if not found:
                return set()
        return {key for number in found or () for key in self._exact[self._alias_list[number]]}

    def _aliases_within(self, words: list[str], specific: list[str]) -> set[str]:
        """Entities whose longest alias lies wholly within the query (`Smith's adviser Ivanov` → `ivanov`)
        covering half of it, and holding one of its specific words."""
        hits: dict[int, int] = defaultdict(int)
        for word in set(words):
            for number in self._postings.get(word, ()):
                hits[number] += 1
        wanted = set(specific)
        covered = [
            number
            for number, count in hits.items()
            if count == self._alias_sizes[number] and not wanted.isdisjoint(self._alias_list[number].split())
        ]
        if not covered:
            return set()
        longest = max(self._alias_sizes[number] for number in covered)
        if longest * 2 < len(set(specific)):
            return set()
        return {
            key
            for number in covered
            if self._alias_sizes[number] == longest
            for key in self._exact[self._alias_list[number]]
        }

    def _is_generic(self, word: str) -> bool:
        """A folded word that names no one on its own: the flag stored with the alias words, or, for a word no
        alias holds, the lexicon's generic words stored beside them (a word of letters alone is one phrase of the
        lexicon or none; only a word with marks in it — `vice-president` — asks the lexicon itself)."""
        flag = self._generic_words.get(word)
        if flag is not None:
            return flag
        if word.isalpha():
            return not GENERIC_TAGS.isdisjoint(self._word_tags.get(word, ()))
        return _generic(word)

    def _title_like(self, word: str) -> bool:
        """A folded word that names a kind of person or place, never one (`president`, `vietnamese`, `the`)."""
        if word.isalpha():
            return not TITLE_TAGS.isdisjoint(self._word_tags.get(word, ())) or word in STOP_WORDS
        return _title_like(word)

    def _title_word(self, word: str) -> bool:
        """A folded word that is a title or role noun (`leader`, `chairman`, `ceo`)."""
        if word.isalpha():
            return not _ROLE_TAGS.isdisjoint(self._word_tags.get(word, ()))
        return _title_word(word)

    def _place_noun(self, text: str) -> bool:
        """A word such as `street` or `province`: after a name, the name is a place's."""
        if text.isalpha():
            return "place_head" in self._word_tags.get(fold(text), ())
        return "place_head" in lexicon().gazetteer.phrase(text)

    def _fuzzy(self, query: str, words: list[str]) -> dict[str, float]:
        """Entity → best similarity (0–100) of the query to one of its aliases, whole or word by word; scored by
        rapidfuzz (a scan in C++ of the distinct folded forms: 2 ms for 13,500 at 10,000 articles, where an FTS5
        trigram index of them took 9 ms to offer candidates — bench/README.md)."""
        scores: dict[str, float] = {}

        def note(number: int, score: float) -> None:
            for key in self._exact[self._alias_list[number]]:
                scores[key] = max(scores.get(key, 0.0), score)

        for _alias, score, number in process.extract(
            query, self._alias_list, scorer=fuzz.ratio, processor=None, score_cutoff=SUGGEST_SCORE, limit=10
        ):
            note(number, score)
        # Word by word: each query word may be a typo of a word of one alias (`pavel orlof`).
        totals: dict[int, float] | None = None
        for word in words:
            best: dict[int, float] = {}
            if len(word) < 4:
                options = [(word, 100.0)]
            else:
                options = [
                    (match, score)
                    for match, score, _ in process.extract(
                        word, self._words, scorer=fuzz.ratio, processor=None, score_cutoff=TOKEN_SCORE, limit=5
                    )
                    if match == word or not self._generic_words.get(match, False)  # `presidnt` is not a way to write a name
                ]
            for match, score in options:
                for number in self._postings.get(match, ()):
                    best[number] = max(best.get(number, 0.0), score)
            totals = best if totals is None else {n: totals[n] + s for n, s in best.items() if n in totals}
            if not totals:
                break
        for number, total in (totals or {}).items():
            note(number, total / len(words))
        return scores

    async def _opened(self, key: str, query: str, page: bool) -> WhoAnswer:
        """The `found` answer: with its page, or (page=False) the entity alone."""
        if page:
            return await self._found(key, query)
        entity = self._entities[key]
        if entity.kind == "person":
            return WhoAnswer(status="found", query=query, person=self._person(entity, []))
        organization = Organization(
            key=entity.key, name=entity.name, aliases=_shown_aliases(entity), description=entity.description, citations=[]
        )
        return WhoAnswer(status="found", query=query, organization=organization)

    async def _found(self, key: str, query: str) -> WhoAnswer:
        entity = self._entities[key]
        sentence_ids = [
            row[0]
            for row in await self._rows(
                "SELECT sentence FROM mentions WHERE entity = ? ORDER BY sentence LIMIT ?", (key, CITATION_LIMIT)
            )
        ]
        citations = await self._citations(sentence_ids)
        agreement_ids = [
            row[0]
            for row in await self._rows(
                "SELECT agreement FROM entity_agreements WHERE entity = ?", (key,)
            )
        ]
        agreements, _shown = await self._agreement_models(self._ordered(agreement_ids)[:AGREEMENT_LIMIT])
        # the figures of its first sentences: the mentions are read in order and only as far as needed (a
        # country named in 20,000 sentences was joined whole to find 50 figures)
        figure_ids = list(dict.fromkeys(
            row[0]
            for row in await self._rows(
                "SELECT fc.figure FROM mentions m JOIN figure_citations fc ON fc.sentence = m.sentence "
                "WHERE m.entity = ? ORDER BY m.sentence LIMIT ?",
                (key, AGREEMENT_LIMIT * FIGURE_ROWS_PER_FIGURE),
            )
        ))[:AGREEMENT_LIMIT]
        figures = await self._figure_models(figure_ids)
        if entity.kind == "person":
            person = self._person(entity, citations)
            return WhoAnswer(
                status="found", query=query, person=person, agreements=agreements, citations=citations, figures=figures
            )
        organization = Organization(
            key=entity.key, name=entity.name, aliases=_shown_aliases(entity), description=entity.description,
            citations=citations,
        )
        people = [self._person(self._entities[k], []) for k in self._people_of.get(key, ())]
        return WhoAnswer(
            status="found", query=query, organization=organization, people=people, agreements=agreements,
            citations=citations, figures=figures,
        )

    @staticmethod
    def _person(entity: _Entity, citations: list[Citation]) -> Person:
        return Person(
            key=entity.key, name=entity.name, aliases=_shown_aliases(entity), role=entity.role,
            organization=entity.organization, organization_key=entity.org_key, citations=citations,
        )

    def sector_key(self, name: str | None) -> str | None:
        """The key of the sector a name or synonym means (what its page is found and paged by), "" for no name
        (the list of sectors), None for a name no sector of this index has."""
        if name is None or not name.strip():
            return ""
        key = taxonomy().resolve(name)
        return key if key is not None and key in self._sectors else None

    async def sector(self, name: str | None) -> SectorAnswer:
        """No name: `list` with counts. A name or synonym: `found` with sub-sectors' facts. Else `unknown`."""
        known = sorted((s for s in self._sectors.values() if s.count > 0), key=lambda s: (-s.count, s.name))
        key = self.sector_key(name)
        if key == "":
            return SectorAnswer(status="list", known=known)
        if key is None:
            return SectorAnswer(status="unknown", query=name, known=known)
        family = taxonomy().family(key)
        agreements, shown = await self._agreement_models(self._in_family(key)[:AGREEMENT_LIMIT])
        rows = await self._rows(
            "SELECT sentence FROM sector_tags WHERE sector = ? ORDER BY sentence LIMIT ?",
            (key, CITATION_LIMIT + len(shown)),
        )
        sentence_ids = [row[0] for row in rows if row[0] not in shown][:CITATION_LIMIT]
        return SectorAnswer(
            status="found",
            query=name,
            sector=self._sectors[key],
            subsectors=[self._sectors[k] for k in family[1:] if k in self._sectors],
            agreements=agreements,
            citations=await self._citations(sentence_ids),
        )

    async def agreements(
        self, filter_text: str | None = None, limit: int | None = None, per_status: int | None = AGREEMENTS_PER_STATUS
    ) -> list[Agreement]:
        """Agreements matching a sector, a party or words of the title/sentence (all of them without a filter).

        Ordered by status (signed, adopted, under negotiation, planned), then date; at most `per_status` of each
        status (`agreement_counts` says how many match in all) and `limit` in all."""
        matching = await self._matching(filter_text)
        folded = fold(filter_text or "")
        if per_status is None:
            chosen = matching
        else:  # the first `per_status` of each status, in list order: read from each status's places, not the
            # whole list (the rest of 40,000 agreements need no look)
            places = sorted(p for found in self._match_places[folded].values() for p in found[:per_status])
            chosen = [matching[p] for p in places]
        chosen = chosen if limit is None else chosen[: max(limit, 0)]
        return (await self._agreement_models(chosen))[0]

    def agreement_years(self) -> dict[int, int]:
        """Year → how many agreements the articles first reported in it, newest first."""
        years: dict[int, int] = defaultdict(int)
        for row in self._agreements.values():
            if row.date is not None:
                years[row.date.year] += 1
        return dict(sorted(years.items(), reverse=True))

    async def agreement(self, key: str) -> Agreement | None:
        """One agreement by its key (buttons carry it), with its first citations; None when the index has no such
        agreement."""
        if self._agreement_keys is None:  # made at the first timeline button, not at every open
            self._agreement_keys = {}
            for row in self._agreements.values():  # in answer order: the first of a key, as a scan would find
                self._agreement_keys.setdefault(row.key, row.id)
        number = self._agreement_keys.get(key)
        if number is None:
            return None
        return (await self._agreement_models([number]))[0][0]

    async def sentences_about(self, kind: str, key: str) -> dict[tuple[str, str], int]:
        """Every sentence about a person or organisation (`w`, by entity key or digest) or a sector (`s`, its
        sub-sectors included), uncapped: (article id, sentence text) → sentence id. The pair names a sentence
        across rebuilds, where ids and offsets change; comparing two indexes' pairs tells what is new."""
        if kind == "w":
            if key.startswith(DIGEST_PREFIX):
                key = self._digests().get(key[len(DIGEST_PREFIX) :], key)
            sql = "SELECT s.id, s.article, s.text FROM mentions m JOIN sentences s ON s.id = m.sentence WHERE m.entity = ?"
        elif kind == "s":
            sql = "SELECT s.id, s.article, s.text FROM sector_tags t JOIN sentences s ON s.id = t.sentence WHERE t.sector = ?"
        else:
            return {}
        return {(article, text): number for number, article, text in await self._rows(sql, (key,))}

    async def citations(self, sentence_ids: Iterable[int]) -> list[Citation]:
        """The citations of these sentences, in the order given (ids of this index: `sentences_about`)."""
        return await self._citations(sentence_ids)

    def followable(self, kind: str, key: str) -> tuple[str, str, str] | None:
        """What an entity ref (`w`: a key or `~<digest>`) or a sector key (`s`) names in this index: its key, what
        it is (`person`, `organization`, `sector`) and its name; None when the index holds no such thing."""
        if kind == "w":
            if key.startswith(DIGEST_PREFIX):
                key = self._digests().get(key[len(DIGEST_PREFIX) :], key)
            entity = self._entities.get(key)
            return (entity.key, entity.kind, entity.name) if entity is not None else None
        info = self._sectors.get(key) if kind == "s" else None
        return (info.key, "sector", info.name) if info is not None else None

    async def agreement_counts(self, filter_text: str | None = None) -> dict[str, int]:
        """How many agreements match the filter, by status."""
        await self._matching(filter_text)
        return dict(self._match_counts[fold(filter_text or "")])

    async def search(self, text: str, limit: int = 50) -> SearchAnswer:
        """Sentences (not headings) holding the words, ranked by bm25 (diacritics, case and the spellings of one
        name ignored). Stop words are left out (`what did Orlov say about energy` → orlov, energy). When the words
        name a person or organisation, the sentences about them holding the other words (their bullets under
        `Statements by …` and `he said` included); when no sentence holds every word, those holding most."""
        words = content_query_words(text)
        if not words or limit <= 0:
            return SearchAnswer(query=text)
        named = self._entity_named(words)
        if named is not None:
            key, rest = named
            if rest:
                rows = await self._rows(
                    "SELECT f.rowid FROM sentences_fts f JOIN mentions m ON m.sentence = f.rowid AND m.entity = ? "
                    "JOIN sentences s ON s.id = f.rowid WHERE sentences_fts MATCH ? AND s.kind != 'heading' "
                    "ORDER BY rank LIMIT ?",
                    (key, _match_expression(" ".join(rest)), limit + 1),
                )
                if rows:
                    entity = self._entities[key]
                    names = (w for a in entity.aliases for w in fold(a).split() if not self._is_generic(w))
                    terms = tuple(dict.fromkeys([*rest, *names]))
                    return await self._answer(text, words, rows, limit, terms, "about", entity.ref())
        rows = await self._rows(
            "SELECT f.rowid FROM sentences_fts f JOIN sentences s ON s.id = f.rowid "
            "WHERE sentences_fts MATCH ? AND s.kind != 'heading' ORDER BY rank LIMIT ?",
            (_match_expression(" ".join(words)), limit + 1),
        )
        if rows or len(set(words)) < 2:
            return await self._answer(text, words, rows, limit, tuple(dict.fromkeys(words)), "all")
        return await self._most_words(text, words, limit)

    async def _answer(
        self, text: str, words: list[str], rows: Sequence[tuple], limit: int, terms: tuple[str, ...], mode: str,
        about: EntityRef | None = None,
    ) -> SearchAnswer:
        citations = await self._citations(row[0] for row in rows[:limit])
        return SearchAnswer(
            query=text, hits=[SearchHit(citation=c, terms=terms) for c in citations], more=len(rows) > limit,
            words=list(dict.fromkeys(words)), mode=mode, about=about,  # type: ignore[arg-type]
        )

    async def _most_words(self, text: str, words: list[str], limit: int) -> SearchAnswer:
        """No sentence holds every word: those holding the most of them (at least half), best ranked first."""
        wanted = list(dict.fromkeys(words))
        rows = await self._rows(
            "SELECT f.rowid FROM sentences_fts f JOIN sentences s ON s.id = f.rowid "
            "WHERE sentences_fts MATCH ? AND s.kind != 'heading' ORDER BY rank LIMIT ?",
            (_match_expression(" ".join(wanted), any_word=True), PARTIAL_CANDIDATES),
        )
        ids = [row[0] for row in rows]
        citations = await self._citation_map(ids)
        scored = []
        for position, number in enumerate(ids):
            citation = citations.get(number)
            if citation is None:
                continue
            held = {word for word, _, _ in search_tokens(citation.sentence)} & set(wanted)
            if len(held) * 2 >= len(wanted):
                scored.append((-len(held), position, citation, tuple(w for w in wanted if w in held)))
        scored.sort(key=lambda item: item[:2])
        hits = [SearchHit(citation=citation, terms=terms) for _, _, citation, terms in scored[:limit]]
        return SearchAnswer(query=text, hits=hits, more=len(scored) > limit, words=wanted, mode="some")

    def _entity_named(self, words: list[str]) -> tuple[str, list[str]] | None:
        """The one person or organisation a run of the words names by a whole alias (not a generic word alone),
        the longest run first, and the other words."""
        for size in range(min(len(words), 6), 0, -1):
            for first in range(len(words) - size + 1):
                run = words[first : first + size]
                if size == 1 and (self._is_generic(run[0]) or len(run[0]) < 3):
                    continue
                keys = self._exact.get(" ".join(run))
                if keys and len(keys) == 1:
                    return next(iter(keys)), words[:first] + words[first + size :]
        return None

    def named_in(self, text: str) -> tuple[list[EntityRef], list[SectorInfo]]:
        """The people, organisations and sectors a question names (`what did Orlov say about energy` → Pavel
        Orlov, energy), for buttons beside its search: whole aliases and sector names, longest first."""
        words = content_query_words(text)
        entities: list[str] = []
        sectors: list[str] = []
        used: set[int] = set()
        for size in range(min(len(words), 6), 0, -1):
            for first in range(len(words) - size + 1):
                span = set(range(first, first + size))
                if span & used:
                    continue
                run = words[first : first + size]
                phrase = " ".join(run)
                keys = self._exact.get(phrase)
                if keys and len(keys) == 1 and not (size == 1 and (self._is_generic(phrase) or len(phrase) < 3)):
                    entities.append(next(iter(keys)))
                    used |= span
                    continue
                sector = taxonomy().resolve(phrase, exact=True) if len(phrase) >= 3 else None
                if sector and sector in self._sectors and self._sectors[sector].count:
                    sectors.append(sector)
                    used |= span
        return (
            [self._entities[key].ref() for key in dict.fromkeys(entities)][:3],
            [self._sectors[key] for key in dict.fromkeys(sectors)][:2],
        )

    async def sources(self, limit: int | None = None) -> list[Source]:
        """Every article (the first `limit`), newest first; `facts` counts the distinct entities, agreements and
        figures cited from it plus its sector-tagged sentences. `stats().articles` says how many there are."""
        return (await self.sources_page(None, limit))[0]

    async def sources_page(
        self, after: tuple[str, str] | None = None, limit: int | None = None
    ) -> tuple[list[Source], tuple[str, str] | None]:
        """A page of `sources()`: the `limit` articles after the keyset cursor (the date and id of the last one
        shown; None: from the newest), and the cursor of this page's last one (None when no article follows)."""
        first = 0
        if after is not None:  # the articles after it are those older: as many before them as are not
            first = len(self._oldest_keys) - bisect.bisect_left(self._oldest_keys, (after[0], after[1]))
        last = len(self._newest) if limit is None else min(len(self._newest), first + max(limit, 0))
        newest = self._newest[first:last]
        cursor = (newest[-1].date.isoformat(), newest[-1].id) if newest and last < len(self._newest) else None
        return await self._sources_of(newest), cursor

    async def _sources_of(self, newest: Sequence[_Article]) -> list[Source]:
        breakdown = await self._breakdown()
        return [
            Source(
                article=a.id, outlet=a.outlet, date=a.date, title=a.title, url=a.url, facts=a.facts,
                headline=a.headline, **breakdown.get(a.id, {}),
            )
            for a in newest
        ]

    async def _breakdown(self) -> dict[str, dict[str, int]]:
        """Article → how many people, organisations, agreements and figures it names or reports (made once)."""
        if self._article_breakdown is not None:
            return self._article_breakdown
        found: dict[str, dict[str, set[object]]] = defaultdict(lambda: defaultdict(set))
        for article, entity in await self._rows(
            "SELECT DISTINCT s.article, m.entity FROM mentions m JOIN sentences s ON s.id = m.sentence"
        ):
            kind = self._entities[entity].kind if entity in self._entities else None
            if kind == "person":
                found[article]["people"].add(entity)
            elif kind == "organization":
                found[article]["organizations"].add(entity)
        for table, column, what in (("agreement_citations", "agreement", "agreements"), ("figure_citations", "figure", "figures")):
            for article, owner in await self._rows(  # table/column are ours, not input
                f"SELECT DISTINCT s.article, t.{column} FROM {table} t JOIN sentences s ON s.id = t.sentence"
            ):
                found[article][what].add(owner)
        self._article_breakdown = {
            article: {what: len(owners) for what, owners in kinds.items()} for article, kinds in found.items()
        }
        return self._article_breakdown

    async def figures(self, limit: int | None = None) -> list[Figure]:
        """Every figure (the first `limit`) with its citations, in the order of their first citation.
        `stats().figures` says how many there are."""
        return (await self.figures_page(None, limit))[0]

    async def figures_page(
        self, after: tuple[int | None, int] | None = None, limit: int | None = None
    ) -> tuple[list[Figure], tuple[int | None, int] | None]:
        """A page of `figures()` read in SQL: the `limit` figures after the keyset cursor (the first cited
        sentence and id of the last one shown; None: from the first), and the cursor of this page's last one
        (None when no figure follows). Sentence ids run in (date, article, offset) order, so a figure's first
        cited sentence orders it (`figures_first` is that index); a figure cited nowhere comes last, by id."""
        columns = "id, value, unit, about, variants, sources, articles, first_sentence"
        wanted = -1 if limit is None else max(limit, 0) + 1
        rows: list[tuple] = []
        if after is None or after[0] is not None:
            start = after if after is not None else (-1, -1)
            rows += await self._rows(
                f"SELECT {columns} FROM figures WHERE first_sentence IS NOT NULL AND (first_sentence, id) > (?, ?) "
                "ORDER BY first_sentence, id LIMIT ?",
                (start[0], start[1], wanted),
            )
        if limit is None or len(rows) <= limit:
            since = after[1] if after is not None and after[0] is None else -1
            rows += await self._rows(
                f"SELECT {columns} FROM figures WHERE first_sentence IS NULL AND id > ? ORDER BY id LIMIT ?",
                (since, -1 if limit is None else wanted - len(rows)),
            )
        more = limit is not None and len(rows) > limit
        rows = rows[: max(limit, 0)] if limit is not None else rows
        cursor = (rows[-1][7], rows[-1][0]) if more and rows else None
        return await self._figures_of_rows([row[:7] for row in rows]), cursor

    async def _figure_models(self, ids: Sequence[int]) -> list[Figure]:
        """The figures of these ids with their citations, in the order of their first citation."""
        rows: list[tuple] = []
        for first in range(0, len(ids), _CHUNK):
            chunk = list(ids[first : first + _CHUNK])
            marks = ",".join("?" * len(chunk))
            rows += await self._rows(
                f"SELECT id, value, unit, about, variants, sources, articles FROM figures WHERE id IN ({marks})", chunk
            )
        return await self._figures_of_rows(rows)

    async def _figures_of_rows(self, rows: Sequence[tuple]) -> list[Figure]:
        cited = await self._cited_sentences("figure_citations", "figure", [row[0] for row in rows], CITATIONS_PER_AGREEMENT)
        citations = await self._citation_map(s for row in rows for s in cited[row[0]])
        figures = [
            Figure(
                value=value, unit=unit, about=about, variants=[v for v in variants.split(UNIT_SEPARATOR) if v],
                citations=[citations[s] for s in cited[number] if s in citations],
                more_sources=sources - len(cited[number]), articles=articles,
            )
            for number, value, unit, about, variants, sources, articles in rows
        ]
        return sorted(figures, key=lambda f: (f.citations[0].date, f.citations[0].article, f.citations[0].start)
                      if f.citations else (dt.date.max, "", 0))


async def _connect_all(path: Path, count: int) -> list[aiosqlite.Connection]:
    """`count` read-only connections to one and the same file: should the file be replaced while they open (a
    build job swapping its new index in), they are opened again, so that no two read different files."""
    for _attempt in range(5):
        before = _inode(path)
        connections: list[aiosqlite.Connection] = []
        try:
            for _ in range(count):
                connections.append(await aiosqlite.connect(read_only_uri(path), uri=True))
        except BaseException:
            for connection in connections:
                await connection.close()
            raise
        if before is not None and before == _inode(path):
            return connections
        for connection in connections:
            await connection.close()
    raise IndexUnavailable(f"{path} kept being replaced while it was opened")


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def _shown_aliases(entity: _Entity) -> list[str]:
    """The aliases a page lists under "Also written" (flagged at build time, see `build.shown_aliases`)."""
    return list(entity.shown)


_generic = generic_word  # a query word that names no one on its own (a title, a country, a function word)


def _match_expression(text: str, any_word: bool = False) -> str:
    """An FTS5 query in which every word of `text` is a quoted token (AND; OR with `any_word`), spellings of one
    name as one word; empty if `text` has no words."""
    quoted = ['"' + word.replace('"', '""') + '"' for word in dict.fromkeys(query_words(text))]
    return (" OR " if any_word else " ").join(quoted)


_ROLE_TAGS = frozenset({"title", "role_noun"})
_LEADING_TITLES = frozenset({"leader", "head", "chief", "boss", "executive"})
_TOP_ROLES = frozenset({"director", "chairman", "chairperson", "chairwoman", "ceo", "president", "head", "chief", "founder", "general", "executive"})


@lru_cache(maxsize=8192)
def _title_like(word: str) -> bool:
    """A folded word that names a kind of person or place, never one: a title, a country, a demonym, a function
    word (`president`, `general`, `vietnamese`, `the`)."""
    tags = lexicon().gazetteer.phrase(word)
    return bool(tags.keys() & TITLE_TAGS) or word in STOP_WORDS


@lru_cache(maxsize=8192)
def _title_word(word: str) -> bool:
    """A folded word that is a title or role noun (`leader`, `chairman`, `ceo`)."""
    tags = lexicon().gazetteer.phrase(word) or lexicon().gazetteer.phrase(word.upper())
    return bool(tags.keys() & _ROLE_TAGS)


_SKELETON = (("kh", "h"), ("ks", "x"), ("iy", "y"), ("yo", "e"), ("ye", "e"), ("yu", "u"), ("ya", "a"), ("ii", "i"),
             ("j", "y"), ("w", "v"), ("ph", "f"), ("ck", "k"))


@lru_cache(maxsize=8192)
def _skeleton(word: str) -> str:
    """A word of a name with the letters transliterations disagree on made one (`yevtushenkov` → `evtushenkov`)."""
    for written, same in _SKELETON:
        word = word.replace(written, same)
    return word


def _name_words_close(query: str, word: str) -> bool:
    """Whether a query word is this word of a name: the same, an initial of it, or the same name written with a
    typo or another transliteration (`likhachov` = `likhachev`, `sergey` = `sergei`)."""
    if query == word:
        return True
    if len(word) == 1 or len(query) == 1:
        return query[0] == word[0]
    if min(len(query), len(word)) < 4:
        return False
    return fuzz.ratio(_skeleton(query), _skeleton(word)) >= NAME_WORD_SCORE


def _ordinary(word: str, sentences: Sequence[str]) -> bool:
    """Whether the articles also write the word in lower case (`cooperation`, `energy`): an ordinary word, however
    a sentence that starts with it or a title writes it; a name (`Kremlin`, `TruckMaster`) never is."""
    for sentence in sentences:
        for folded, start, end in search_tokens(sentence):
            if folded == word and sentence[start:end].islower():
                return True
    return False


def _named_in(sentence: str, words: Sequence[str], place_noun: Callable[[str], bool]) -> tuple[str | None, str | None]:
    """How a sentence names the words: "together" (in this order, next to each other), "apart" (all of them,
    close), or None; each word written as a name (capitalised or a number), unless it is a function word. With
    the place it names instead (`Tran Phu street`) when a place noun follows them."""
    tokens = search_tokens(sentence)
    wanted = list(words)

    def as_name(position: int) -> bool:
        word, start, _end = tokens[position]
        first = sentence[start : start + 1]
        return word in STOP_WORDS or first.isupper() or first.isdigit()

    size = len(wanted)
    for i in range(len(tokens) - size + 1):
        if [t[0] for t in tokens[i : i + size]] == wanted and all(as_name(j) for j in range(i, i + size)):
            after = tokens[i + size] if i + size < len(tokens) else None
            if after is not None and place_noun(sentence[after[1] : after[2]]):
                return None, sentence[tokens[i][1] : after[2]]
            return "together", None
    positions = [j for j, token in enumerate(tokens) if token[0] in wanted and as_name(j)]
    if {tokens[j][0] for j in positions} >= set(wanted) and size > 1:
        return "apart", None
    return None, None
