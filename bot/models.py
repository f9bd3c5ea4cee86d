"""Typed records passed between the stages: files → articles → facts → index → answers.

Every fact carries citations; a citation is one verbatim sentence of one article with its offsets,
so a renderer can quote it and a reader can check it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AgreementStatus = Literal["signed", "initialled", "adopted", "planned", "under negotiation", "not concluded"]
STATUS_ORDER: tuple[str, ...] = ("signed", "initialled", "adopted", "under negotiation", "planned", "not concluded")  # how answers list agreements
STATUS_RANK: dict[str, int] = {status: rank for rank, status in enumerate(STATUS_ORDER)}  # another status: after them
EntityKind = Literal["person", "organization"]


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 article`, `2 articles`, `0 people` (with `nouns`): every count a reader sees agrees with its noun."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


# ---------------------------------------------------------------- articles


BlockKind = Literal[
    "dateline", "headline", "standfirst", "byline", "caption", "credit", "source", "heading", "bullet", "paragraph"
]
STATEMENT_KINDS = frozenset({"paragraph", "standfirst", "bullet"})  # what the article says: facts come from these
QUOTABLE_KINDS = STATEMENT_KINDS | {"heading"}  # shown as quotes; captions and credits are shown as such


class Block(Frozen):
    """A run of an article's cleaned text of one kind: `text[start:end]`."""

    kind: BlockKind
    start: int
    end: int


class Sentence(Frozen):
    """One sentence (or bullet) of an article's cleaned text; `text == article.text[start:end]`.

    `kind` is the kind of block it stands in; a bullet's `heading` is the index of the heading above its list.
    """

    index: int
    text: str
    start: int
    end: int
    kind: BlockKind = "paragraph"
    heading: int | None = None


class Article(Frozen):
    """A seed file read and cleaned of page chrome."""

    id: str  # the file name without `.txt`: stable across reloads
    file: str
    outlet: str
    date: dt.date
    title: str
    title_from: Literal["headline", "lead"] = "headline"  # the page's headline, or its lead sentence cut short
    url: str | None = None
    text: str  # cleaned text; sentences index into it
    blocks: tuple[Block, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    content_hash: str = ""  # of the cleaned text: tells a changed article from an unchanged one
    warnings: tuple[str, ...] = ()


class Citation(Frozen):
    """Where a fact was read: the whole sentence, verbatim, with its source."""

    article: str
    outlet: str
    date: dt.date
    url: str | None = None
    sentence: str
    start: int
    end: int
    kind: BlockKind = "paragraph"  # a caption or a credit is shown as one, not quoted as a statement
    heading: str | None = None  # a bullet's list heading ('Statements by N:'), shown above the quote as context

    @classmethod
    def of(cls, article: Article, sentence: Sentence) -> Citation:
        return cls(
            article=article.id,
            outlet=article.outlet,
            date=article.date,
            url=article.url,
            sentence=sentence.text,
            start=sentence.start,
            end=sentence.end,
            kind=sentence.kind,
        )

    @classmethod
    def stored(
        cls, article: str, outlet: str, date: dt.date, url: str | None, sentence: str, start: int, end: int,
        kind: str, heading: str | None,
    ) -> Citation:
        """A citation from a row the index wrote itself (valid already), made without validation: what
        `model_construct` does, without its pass over every field's default — 2 µs instead of 13, and an
        /agreements list carries two thousand. tests/test_models.py checks it equals the validated model."""
        made = object.__new__(cls)
        object.__setattr__(made, "__dict__", {
            "article": article, "outlet": outlet, "date": date, "url": url, "sentence": sentence, "start": start,
            "end": end, "kind": kind, "heading": heading,
        })
        object.__setattr__(made, "__pydantic_fields_set__", set(_CITATION_FIELDS))
        object.__setattr__(made, "__pydantic_extra__", None)
        object.__setattr__(made, "__pydantic_private__", None)
        return made


_CITATION_FIELDS = frozenset(Citation.model_fields)


# ---------------------------------------------------------------- facts


class Person(BaseModel):
    key: str  # short stable slug, safe for callback data and deep links
    name: str
    aliases: list[str] = Field(default_factory=list)
    role: str | None = None
    organization: str | None = None
    organization_key: str | None = None  # that organisation's entity key, when the index knows it as one
    descriptions: list[str] = Field(default_factory=list)  # how articles refer to them unnamed: 'the Party chief'
    citations: list[Citation] = Field(default_factory=list)  # every sentence that mentions them


class Organization(BaseModel):
    key: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    description: str | None = None
    citations: list[Citation] = Field(default_factory=list)


class Agreement(BaseModel):
    key: str
    title: str
    type: str  # agreement | memorandum | roadmap | declaration | contract | programme | ...
    parties: list[str] = Field(default_factory=list)
    status: AgreementStatus = "signed"
    sectors: list[str] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    more_sources: int = 0  # further citations an answer counts but does not carry
    articles: int = 0  # how many articles cite it in all, carried or not (0: count the carried citations)


class Figure(BaseModel):
    value: str  # as written: "$6 billion", "20%", "1,000 MW", "tens of thousands"
    unit: str  # money | percent | capacity | energy | volume | multiplier | duration | count
    about: str  # what it measures, in the sentence's own words
    variants: list[str] = Field(default_factory=list)  # how other articles write the same figure ('USD 6 billion')
    citations: list[Citation] = Field(default_factory=list)
    more_sources: int = 0  # further citations an answer counts but does not carry (a figure many articles repeat)
    articles: int = 0  # how many articles cite it in all, carried or not (0: count the carried citations)


class SectorHit(Frozen):
    sector: str  # a taxonomy key
    citation: Citation


class Mention(Frozen):
    """An entity named in a sentence (any alias); feeds `/who` and organisation pages."""

    entity: str  # Person.key or Organization.key
    citation: Citation


class Facts(BaseModel):
    """Everything extracted from a corpus, entities resolved across articles."""

    articles: list[Article] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    organizations: list[Organization] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    sector_hits: list[SectorHit] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)


class Skipped(Frozen):
    file: str
    reason: str


# ---------------------------------------------------------------- answers (index/query → chat/render)


class EntityRef(Frozen):
    key: str
    kind: EntityKind
    name: str
    detail: str | None = None  # role or description, to tell two candidates apart


class WhoAnswer(BaseModel):
    """`found`: one entity; `ambiguous`: several equally good; `suggest`: near misses; `none`: nothing close."""

    status: Literal["found", "ambiguous", "suggest", "none"]
    query: str
    person: Person | None = None
    organization: Organization | None = None
    people: list[Person] = Field(default_factory=list)  # an organisation's people
    agreements: list[Agreement] = Field(default_factory=list)  # agreements naming the entity
    citations: list[Citation] = Field(default_factory=list)  # what the articles say about it
    figures: list[Figure] = Field(default_factory=list)  # figures reported in the sentences about it
    candidates: list[EntityRef] = Field(default_factory=list)  # choices, suggestions or known names
    described_as: str | None = None  # found (or chosen among) by how articles refer to them: 'the Party chief'
    # No entity matched: the sentences that name the words (as a name, capitalised), best first, and whether
    # there are more; and the places the words name instead ('Tran Phu street').
    named: list[Citation] = Field(default_factory=list)
    named_more: bool = False
    places: list[str] = Field(default_factory=list)
    searchable: bool = False  # the full-text search for the words finds sentences holding all of them


class SectorInfo(Frozen):
    key: str
    name: str
    parent: str | None = None
    count: int = 0  # distinct sentences tagged with it or its sub-sectors


class SectorAnswer(BaseModel):
    status: Literal["found", "unknown", "list"]
    query: str = ""
    sector: SectorInfo | None = None
    subsectors: list[SectorInfo] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)  # tagged sentences not already shown as agreements
    known: list[SectorInfo] = Field(default_factory=list)  # for `list` and `unknown`


class SearchHit(Frozen):
    citation: Citation
    terms: tuple[str, ...] = ()  # the matched words, for bolding


class SearchAnswer(BaseModel):
    """`all`: sentences holding every word searched for; `about`: none does, so sentences about the person or
    organisation the words name holding the other words; `some`: sentences holding most of the words."""

    query: str
    hits: list[SearchHit] = Field(default_factory=list)
    more: bool = False  # more sentences match than the hits hold (the hits are the best-ranked ones)
    words: list[str] = Field(default_factory=list)  # the words searched for: the query's, without stop words
    mode: Literal["all", "about", "some"] = "all"
    about: EntityRef | None = None  # for `about`


class AgreementFilter(Frozen):
    """What an /agreements argument asks for: a topic (a sector, a party or words), statuses, a year."""

    text: str = ""
    topic: str = ""
    statuses: tuple[str, ...] = ()
    year: int | None = None


class Source(Frozen):
    article: str
    outlet: str
    date: dt.date
    title: str
    url: str | None = None
    facts: int = 0
    headline: bool = True  # False: the page has no headline and `title` is its lead sentence, cut short
    people: int = 0  # people and organisations it names, agreements and figures it reports
    organizations: int = 0
    agreements: int = 0
    figures: int = 0


class Stats(Frozen):
    articles: int = 0
    outlets: tuple[str, ...] = ()
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    sentences: int = 0
    people: int = 0
    organizations: int = 0
    agreements: int = 0
    figures: int = 0
