"""The same agreement or figure from several sentences or articles as one fact with several citations.

Two documents are one when they are of one type, share most content words of their titles and name no
conflicting parties; two figures when they are the same value of the same unit about the same subject.
Candidates are bucketed by kind and content word (agreements by their day too, and figures by kind and day for
the match by shared words), so merging stays linear in the corpus: each new one is compared with the few
earlier ones it could be, in the order a pass over all of them would meet them.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable
from datetime import date as Date, timedelta
from functools import lru_cache

from bot.ingest.coref import Hit
from bot.ingest.documents import DocumentCandidate
from bot.ingest.figures import FigureCandidate
from bot.ingest.lexicon import lexicon
from bot.ingest.tokens import tokenize
from bot.models import Agreement, Article, Figure
from bot.text import fold

SAME_EVENT_DAYS = 7  # two outlets report one signing within days; months apart it is another document
_STOP = frozenset(
    "a an the of on in for to and or with by between through from at its their new phase main cooperation "
    "agreement memorandum understanding deal roadmap declaration contract programme program protocol treaty".split()
)


def content(text: str) -> set[str]:
    return {w for w in fold(text).split() if w not in _STOP and len(w) > 1}


def same_subject(a: set[str], b: set[str]) -> bool:
    """Most words of the shorter subject, and at least two of them when it has two or more."""
    if not a or not b:
        return a == b
    shared = len(a & b)
    return shared / min(len(a), len(b)) >= 0.5 and shared >= min(2, len(a), len(b))


class Buckets:
    """Which earlier facts share a kind and a content word with a new one."""

    def __init__(self) -> None:
        self._index: dict[tuple[Hashable, str], list[int]] = defaultdict(list)

    def add(self, kind: Hashable, words: set[str], position: int) -> None:
        for word in words or {""}:
            self._index[(kind, word)].append(position)

    def candidates(self, kind: Hashable, words: set[str]) -> list[int]:
        return self.candidates_of_kinds((kind,), words)

    def candidates_of_kinds(self, kinds: Iterable[Hashable], words: set[str]) -> list[int]:
        """Positions sharing a word with `words` under any of `kinds`, in the order they were added."""
        found: set[int] = set()
        for kind in kinds:
            for word in words or {""}:
                found.update(self._index.get((kind, word), ()))
        return sorted(found)


def _days_around(day: Date) -> list[Date]:
    """The days within SAME_EVENT_DAYS of `day`, either side: when a second report of one event appears."""
    return [day + timedelta(days=n) for n in range(-SAME_EVENT_DAYS, SAME_EVENT_DAYS + 1)]


# Per document of an article: its parties and the content words it is matched on (what `document_parties` gives)
Sided = list[tuple[list[str], set[str]]]


def document_parties(article: Article, found: list[DocumentCandidate], hits: dict[int, list[Hit]], org_names: dict[str, str]) -> Sided:
    """The parties and the subject's content words of each document of one article, from its mentions by sentence
    (`hits`) and the names of the organisations they are: per article, so a rebuild that kept the article's
    mentions (extract.MentionMemo; an organisation's name is among what they were made of) keeps these too."""
    sided: Sided = []
    last_parties: list[str] = []
    last_index = -10
    for doc in found:
        parties = _parties(doc, hits.get(doc.sentence.index, []), org_names)
        if not parties and _SIDES.search(doc.sentence.text) and doc.sentence.index - last_index <= 1:
            parties = last_parties  # 'The sides also signed a protocol …': the sides of the document just before
        if not parties and _TWO_COUNTRIES.search(doc.sentence.text):
            parties = _lead_countries(article)  # 'The two countries signed …': the two the article opens with
        if parties:
            last_parties, last_index = parties, doc.sentence.index
        sided.append((parties, content(doc.subject) - {w for p in parties for w in content(p)} or content(doc.title)))
    return sided


def agreements_of(
    articles: list[Article],
    documents: list[list[DocumentCandidate]],
    sided: list[Sided],
    citations,  # noqa: ANN001 - extract.Citations
) -> list[Agreement]:
    """Every document of every article as an agreement, the same document from two outlets one agreement;
    `sided` is each article's `document_parties`."""
    merged: list[tuple[Agreement, set[str]]] = []
    cited_in: list[set[int]] = []  # per merged agreement, the ids of its citations (each sentence's is one object)
    by_word = Buckets()  # by (type, date of the first article) and content word
    keys: set[str] = set()
    for a, (article, found, of_article) in enumerate(zip(articles, documents, sided)):
        for doc, (parties, words) in zip(found, of_article):
            sectors = doc.sectors
            citation = citations.of(a, doc.sentence.index)
            kinds = [(doc.type, day) for day in _days_around(article.date)]
            same_at = next(
                (
                    i
                    for i in by_word.candidates_of_kinds(kinds, words)
                    if same_subject(merged[i][1], words)
                    and not (merged[i][0].parties and parties and not set(merged[i][0].parties) & set(parties))
                ),
                None,
            )
            opener = citations.of(a, doc.opener.index) if doc.opener is not None else None
            if same_at is not None:
                same = merged[same_at][0]
                for cited in (citation, opener):
                    if cited is not None and id(cited) not in cited_in[same_at]:
                        same.citations.append(cited)
                        cited_in[same_at].add(id(cited))
                same.sectors = list(dict.fromkeys([*same.sectors, *sectors]))
                same.parties = list(dict.fromkeys([*same.parties, *parties]))
                continue
            key = _agreement_key(article.id, doc.title, keys)
            agreement = Agreement(key=key, title=doc.title, type=doc.type, parties=parties, status=doc.status, sectors=sectors,
                                  citations=[citation] + ([opener] if opener is not None else []))
            by_word.add((doc.type, article.date), words, len(merged))
            merged.append((agreement, words))
            cited_in.append({id(c) for c in agreement.citations})
    return [agreement for agreement, _ in merged]


def _agreement_key(article: str, title: str, taken: set[str]) -> str:
    """A key from the article and the title, the same in every build; a second document of that title in that
    article (other parties, so not the same agreement) is numbered, so that each key opens one agreement."""
    number = 1
    key = "a-" + hashlib.sha1(f"{article}:{title}".encode()).hexdigest()[:10]
    while key in taken:
        number += 1
        key = "a-" + hashlib.sha1(f"{article}:{title}:{number}".encode()).hexdigest()[:10]
    taken.add(key)
    return key


_SIDES = re.compile(r"\b(?:the|both)\s+(?:two\s+)?(?:sides|parties|companies|countries|governments|ministries|partners)\b", re.I)


def _parties(doc: DocumentCandidate, hits: list[Hit], org_names: dict[str, str]) -> list[str]:
    """Organisations named in the document's title; for a state-level document, the countries named."""
    start, end = doc.span
    title = doc.sentence.text[start:end]
    between = re.search(r"\b(?:between|by|with|among|from)\b", title)
    before = [org_names[key] for key, s, e in hits if key in org_names and e <= doc.span[0]]
    if between:
        start += between.end()
        named = [(s, org_names[key]) for key, s, e in hits if key in org_names and start <= s and e <= end]
        inside_orgs = [(s, e) for key, s, e in hits if key in org_names]
        named += [(s, c) for s, c in _countries(doc.sentence.text) if start <= s < end and not any(a <= s < b for a, b in inside_orgs)]
        parties = [name for _, name in sorted(named)]
        if between.group() == "with":
            parties = before[-1:] + parties
    else:
        parties = before if len(before) >= 2 else []
    if not parties:
        parties = _parties_after(doc, hits, org_names)
    if parties:
        return list(dict.fromkeys(parties))
    # the countries its clause names ('India and Vietnam signed …'), not those of a later aside ('…, a move that
    # came after Pakistan and Saudi Arabia sealed a pact'); demonyms of the signers ('the Russian minister and
    # his Vietnamese counterpart signed …') when no country is named
    stop = _CLAUSE_END.search(doc.sentence.text, doc.span[1])
    text = doc.sentence.text[: stop.start() if stop else None]
    countries = list(dict.fromkeys(c for _, c in _countries(text)))
    if len(countries) < 2:
        countries = list(dict.fromkeys([*countries, *(c for _, c in _demonyms(doc.sentence.text[: doc.span[0]]))]))
    return countries if len(countries) >= 2 else []


# 'An agreement on X was signed between A and B in the presence of …': the parties follow the verb
_SIGNED_BETWEEN = re.compile(
    r"[^,;]{0,40}?\b(?:signed|inked|concluded|initiall?ed|reached|agreed)\s+(?:between|by)\b", re.I)
_CLAUSE_END = re.compile(r"[,;.]|\b(?:in the presence|during|on the sidelines|at the|witnessed|under)\b")


def _parties_after(doc: DocumentCandidate, hits: list[Hit], org_names: dict[str, str]) -> list[str]:
    text = doc.sentence.text
    verb = _SIGNED_BETWEEN.match(text, doc.span[1])
    if not verb:
        return []
    start = verb.end()
    stop = _CLAUSE_END.search(text, start)
    end = stop.start() if stop else len(text)
    named = [(s, org_names[key]) for key, s, e in hits if key in org_names and start <= s and e <= end]
    if not named:
        named = [(s, c) for s, c in _countries(text) if start <= s < end]
    parties = [name for _, name in sorted(named)]
    return parties if len(parties) >= 2 else []


_TWO_COUNTRIES = re.compile(r"\b(?:the|both)\s+(?:two\s+)?(?:countries|nations|sides|governments|states)\b", re.I)


def _lead_countries(article: Article) -> list[str]:
    """The two countries an article's headline and lead name, when they name exactly two."""
    lead = [s.text for s in article.sentences if s.kind in ("paragraph", "standfirst")][:2]
    countries = list(dict.fromkeys(c for text in [article.title, *lead] for _, c in _countries(text)))
    return countries if len(countries) == 2 else []


@lru_cache(maxsize=4096)
def _demonyms(text: str) -> list[tuple[int, str]]:
    """(offset, country) of every demonym in text ('Russian', 'Vietnamese')."""
    lex = lexicon()
    tokens = tokenize(text)
    folds = [t.fold for t in tokens]
    found = []
    for i, token in enumerate(tokens):
        if token.is_cap:
            for n, tags in lex.gazetteer.at(folds, i):
                if "demonym" in tags and tags["demonym"]:
                    found.append((token.start, tags["demonym"]))
                    break
    return found


@lru_cache(maxsize=4096)
def _countries(text: str) -> list[tuple[int, str]]:
    """(offset, country) of every country named in text; not demonyms or possessives ("Japan's Nexo")."""
    lex = lexicon()
    found = []
    tokens = tokenize(text)
    folds = [t.fold for t in tokens]
    i = 0
    while i < len(tokens):
        step = 1
        if tokens[i].is_cap and not (i + 1 < len(tokens) and tokens[i + 1].text == "$"):
            for n, tags in lex.gazetteer.at(folds, i):
                if "country" in tags and not tokens[i + n - 1].possessive:
                    found.append((tokens[i].start, tags["country"]))
                    step = n
                    break
        i += step
    return found


# Figures whose value alone all but identifies them (an amount of money, a capacity, a volume, a count of
# something) are the same figure when two reports within days share one word of their sentences; shares,
# multiples and durations recur, so they need two.
_SPECIFIC_UNITS = frozenset({"money", "capacity", "energy", "volume", "count"})


def figures_of(articles: list[Article], found_figures: list[list[tuple[int, FigureCandidate]]], citations) -> list[Figure]:  # noqa: ANN001
    """Every figure of every article, the same figure reported twice one figure with two citations: the same
    value of the same unit about the same subject, or — in reports within SAME_EVENT_DAYS of each other — the
    same value in sentences that share words (`trade grew by 20 percent` and `two-way trade … up 20%`)."""
    figures: list[tuple[Figure, set[str]]] = []
    reported: list[tuple[set[str], set[object]]] = []  # per figure: its sentences' words, its articles' dates
    cited_at: list[set[tuple[str, int]]] = []  # per figure: (article, start) of each sentence it cites
    by_word = Buckets()
    by_day: dict[tuple[str, object], set[int]] = defaultdict(set)  # (kind, a date it was reported) → figures
    for a, per_article in enumerate(found_figures):
        date = articles[a].date
        for index, found in per_article:
            citation = citations.of(a, index)
            words = content(found.about) - content(found.value)
            said = content(citation.sentence) - content(found.value)
            kind = found.key
            same = next((i for i in by_word.candidates(kind, words) if same_subject(figures[i][1], words)), None)
            if same is None:
                needed = 1 if found.unit in _SPECIFIC_UNITS else 2
                near: set[int] = set()
                for day in _days_around(date):
                    near.update(by_day.get((kind, day), ()))
                same = next((i for i in sorted(near) if len(reported[i][0] & said) >= needed), None)
            if same is not None:
                figure = figures[same][0]
                if (citation.article, citation.start) not in cited_at[same]:
                    figure.citations.append(citation)
                    cited_at[same].add((citation.article, citation.start))
                if found.value != figure.value and found.value not in figure.variants:
                    figure.variants.append(found.value)
                reported[same][0].update(said)
                reported[same][1].add(date)
                by_day[(kind, date)].add(same)
                continue
            by_word.add(kind, words, len(figures))
            by_day[(kind, date)].add(len(figures))
            figures.append((Figure(value=found.value, unit=found.unit, about=found.about, citations=[citation]), words))
            reported.append((set(said), {date}))
            cited_at.append({(c.article, c.start) for c in figures[-1][0].citations})
    return [figure for figure, _ in figures]
