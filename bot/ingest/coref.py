"""Mentions: which sentences of an article speak of which person or organisation, named or not.

Per article, in reading order: every alias of a resolved entity (a one-word alias only where it is not
shared — in the corpus, or at least in this article); a definite description ('the Russian deputy prime
minister', 'The Party chief', 'the Nordneft leader', 'the company') is the most recent entity whose facets
fit it, compared as values (a country is a country, an organisation one of the person's); a sentence that
opens with he/she, or ends a quote with 'he said', is about the person the previous sentences were about;
bullets under a heading that names a person are that person's.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.ingest.lexicon import Lexicon, lexicon
from bot.models import Article
from bot.text import compact, fold

Hit = tuple[str, int, int]  # (entity key, start, end) in a sentence

_WORD = re.compile(r"[^\W_](?:[\w’'&.\-]*[\w])?\.?")
# a word opening with a letter that is not lower case, not inside a word: the letter first and what precedes it
# after (a two-character look-behind), so the regex engine can skip ahead to such letters
_CAPITALISED = re.compile(r"[^\W\d_a-zß-ÿа-яё](?<![\w’'&.\-].)(?:[\w’'&.\-]*[\w])?\.?")
_PRONOUN_START = re.compile(r"^[\"“‘]?(He|She|His|Her)\b")
_PRONOUN_SAID = re.compile(
    r"[,.!?][\"”’]?\s+(he|she)\s+(?:said|added|noted|told|stressed|explained|insisted|recalled)\b|(?i:\baccording to (him|her)\b)"
)
# (this and _DESCRIPTION test their first letter before what precedes it, '\b' as a look-behind after it, so the
# regex engine skips ahead to the letters a match can start with)
_GROUP = re.compile(r"(?:[TtBb](?<!\w[TtBb]))(?:(?<=[Tt])he|(?<=[Bb])oth)\s+(?:two\s+)?"
                    r"(leaders|presidents|prime ministers|PMs|ministers|heads of state|sides' leaders|delegations' heads)\b")
_ORG_NOUNS = {
    "company": None, "corporation": None, "group": "Group", "bank": "Bank", "lender": "Bank", "academy": "Academy",
    "institute": "Institute", "university": "University", "authority": "Authority", "fleet": "Fleet", "commission": "Commission",
    "committee": "Committee", "hospital": "Hospital", "airline": "Airlines", "carrier": None, "operator": None, "fund": "Fund",
    "agency": "Agency", "ministry": "Ministry", "firm": None, "corporation's": None, "council": "Council", "party": "Party",
    "embassy": "Embassy", "centre": "Centre", "center": "Center", "forum": "Forum", "union": "Union", "plant": None,
}


@dataclass
class Facets:
    """What a description may say of a person: the words of their roles, their organisations, their country."""

    role_words: set[str] = field(default_factory=set)
    organizations: set[str] = field(default_factory=set)  # compact names and aliases
    countries: set[str] = field(default_factory=set)


class AliasMatcher:
    """Finds every alias of every entity in a sentence by walking its folded capitalised words once."""

    def __init__(self, aliases: dict[tuple[str, ...], str], upper: set[tuple[str, ...]]) -> None:
        self._owner = aliases
        lengths: dict[str, set[int]] = defaultdict(set)
        for words in aliases:
            lengths[words[0]].add(len(words))
        self._lengths = {first: sorted(ns, reverse=True) for first, ns in lengths.items()}
        self._prefixes = {words[:n] for words in aliases for n in range(1, len(words) + 1)}
        self._upper = upper
        self._extra_cache: dict[int, tuple[dict[tuple[str, ...], str], dict[str, set[int]]]] = {}

    def _extra_lengths(self, extra: dict[tuple[str, ...], str]) -> dict[str, set[int]]:
        """First word → lengths of the article-local aliases ('Khaled', 'Al Nahyan'), computed once per article."""
        known = self._extra_cache.get(id(extra))
        if known is None or known[0] is not extra:
            lengths: dict[str, set[int]] = defaultdict(set)
            for words in extra:
                lengths[words[0]].add(len(words))
            known = self._extra_cache[id(extra)] = (extra, lengths)
        return known[1]

    def find(self, text: str, extra: dict[tuple[str, ...], str] | None = None) -> list[Hit]:
        """(entity key, start, end) of each alias in text; longest match wins; names must be capitalised.
        `extra` holds aliases valid in this article only (one-word names unique here)."""
        found: list[Hit] = []
        free_from = 0
        lengths_of = self._lengths
        extra_lengths = self._extra_lengths(extra) if extra else None
        for match in _CAPITALISED.finditer(text):
            token = match.group()
            if match.start() < free_from or not token[0].isupper():
                continue
            bare = _bare(token)
            parts = fold(bare).split()
            if not parts:
                continue
            ordered = lengths_of.get(parts[0])  # longest first
            more = extra_lengths.get(parts[0]) if extra_lengths is not None else None
            if more:
                ordered = sorted(set(ordered or ()) | more, reverse=True)
            elif not ordered:
                continue
            words: list[str] = []
            ends: list[int] = []
            for word in _WORD.finditer(text, match.start()):
                piece = word.group()
                piece = piece[:-2] if piece.endswith(("’s", "'s")) else piece.rstrip(".")
                for part in fold(piece).split() if piece[:1].isupper() or piece[:1].isdigit() else [piece.lower()]:
                    words.append(part)
                    ends.append(word.end())
                if len(words) >= ordered[0] or (tuple(words) not in self._prefixes and not extra):
                    break
            for n in ordered:
                alias = tuple(words[:n])
                if len(alias) != n:
                    continue
                key = self._owner.get(alias) or (extra or {}).get(alias)
                if key is None or (alias in self._upper and not bare.isupper()):
                    continue
                end = ends[n - 1]
                if text[end - 1 : end] == "." and not text[match.start() : end].rstrip(".").endswith((" D", " K")) and n == 1 and len(alias[0]) > 3:
                    end -= 1
                found.append((key, match.start(), end))
                free_from = end
                break
        return found


def _bare(token: str) -> str:
    """A capitalised word without its possessive or final full stop: what an alias's first word is compared with."""
    return token[:-2] if token.endswith(("’s", "'s")) else token.rstrip(".")


WINDOW = 8  # words: how much of what follows a capitalised word `alias_windows` keeps


def alias_windows(texts: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """The folded words `AliasMatcher.find` reads from each capitalised word on (at most WINDOW of them): an alias
    can be found in the texts only if it is the start of one of these (or, longer than WINDOW, opens with one).
    Per article and pure, so kept with its mentions: what tells which aliases its mentions depend on."""
    windows: set[tuple[str, ...]] = set()
    for text in texts:
        for match in _CAPITALISED.finditer(text):
            token = match.group()
            if not token[0].isupper() or not fold(_bare(token)).split():
                continue
            words: list[str] = []
            for word in _WORD.finditer(text, match.start()):  # as `find` reads them
                piece = _bare(word.group())
                words.extend(fold(piece).split() if piece[:1].isupper() or piece[:1].isdigit() else [piece.lower()])
                if len(words) >= WINDOW:
                    break
            windows.add(tuple(sys.intern(w) for w in words[:WINDOW]))
    return frozenset(windows)


@dataclass
class EntityIndex:
    """Everything mentions need: the matcher, article-local one-word aliases, facets and kinds."""

    matcher: AliasMatcher
    local: dict[int, dict[tuple[str, ...], str]]  # article → one-word alias → person key
    facets: dict[str, Facets]
    people: set[str]
    org_names: dict[str, str]  # org key → name
    org_heads: dict[str, set[str]]  # org key → capitalised head words of its names ('Academy', 'Fleet')


def article_mentions(article: Article, a: int, index: EntityIndex, found_people: dict[int, list[Hit]], lex: Lexicon | None = None) -> dict[int, list[Hit]]:
    """Mentions by sentence index; `found_people` are the people the grammar found in each sentence."""
    lex = lex or lexicon()
    local = index.local.get(a, {})
    result: dict[int, list[Hit]] = {}
    recent: list[str] = []  # people, most recent last
    recent_orgs: list[str] = []
    topic: str | None = None  # the person the last sentences were about
    heading_person: dict[int, str] = {}
    for sentence in article.sentences:
        hits = index.matcher.find(sentence.text, local)
        for hit in found_people.get(sentence.index, ()):
            if not any(h[0] == hit[0] and h[1] <= hit[1] < h[2] for h in hits):
                hits.append(hit)
        person_hits = sorted((h for h in hits if h[0] in index.people), key=lambda h: h[1])
        if sentence.kind == "heading" and person_hits:
            heading_person[sentence.index] = person_hits[0][0]
        if sentence.kind == "bullet" and sentence.heading in heading_person:
            key = heading_person[sentence.heading]
            if key not in {h[0] for h in hits}:
                hits.append((key, 0, 0))
        for hit in _descriptions(sentence.text, index, recent, recent_orgs, hits, lex):
            hits.append(hit)
        group = _GROUP.search(sentence.text)
        if group and len(recent) >= 2:
            # 'the two leaders witnessed the exchange …': the two people the article was last about
            for key in recent[-2:]:
                if key not in {h[0] for h in hits}:
                    hits.append((key, group.start(), group.end()))
        person_hits = sorted((h for h in hits if h[0] in index.people), key=lambda h: h[1])
        pronoun = _PRONOUN_START.match(sentence.text) or _PRONOUN_SAID.search(sentence.text)
        if pronoun and topic and sentence.kind in ("paragraph", "standfirst", "bullet"):
            before = [h for h in person_hits if h[1] < pronoun.start() + 1 and h[2] > 0]
            if not person_hits:
                hits.append((topic, pronoun.start(), pronoun.end()))
            elif before and _PRONOUN_START.match(sentence.text) is None:
                pass  # 'Tran Van Binh, for his part, …': the pronoun is the person already named
        for key, _, _ in sorted(hits, key=lambda h: h[1]):
            if key in index.people:
                if key in recent:
                    recent.remove(key)
                recent.append(key)
            else:
                if key in recent_orgs:
                    recent_orgs.remove(key)
                recent_orgs.append(key)
        subjects = sorted((h for h in hits if h[0] in index.people), key=lambda h: h[1])
        if subjects and sentence.kind in ("paragraph", "standfirst", "bullet", "heading"):
            topic = subjects[0][0]
        if hits:
            result[sentence.index] = hits
    return result


class MentionInputs:
    """The corpus-wide inputs of `article_mentions`, kept by a build (`state`) so the next can tell which articles
    they changed for (`MentionChanges`): the owner of every alias (and whether it matches upper case only), and
    a digest of every entity's kind, facets, and organisation name and heads (the name: for the parties of the
    documents an article names, made of its mentions, merge.document_parties). An article's own inputs (its article-local
    aliases and the people the grammar found in it) are digested per article (`local`)."""

    def __init__(self, index: EntityIndex) -> None:
        self._index = index
        upper = index.matcher._upper
        self.aliases = {words: (key, words in upper) for words, key in index.matcher._owner.items()}
        keys = sorted(index.people | index.org_names.keys() | index.org_heads.keys())
        self.entities = {key: _digest(_entity(index, key)) for key in keys}

    def state(self) -> tuple[dict[tuple[str, ...], tuple[str, bool]], dict[str, bytes]]:
        return self.aliases, self.entities

    def local(self, a: int, found_people: dict[int, list[Hit]]) -> bytes:
        upper = self._index.matcher._upper
        local = self._index.local.get(a, {})
        return _digest(repr((sorted((words, key, words in upper) for words, key in local.items()), sorted(found_people.items()))))


class MentionChanges:
    """What changed between the inputs a build kept (`MentionInputs.state`) and this build's: the aliases whose
    owner came, went or changed, and the entities whose digest did. An article's mentions can change only if
    one of those aliases starts one of its `alias_windows` (or, longer than a window, opens with one), or one of
    those entities is among those it mentions (a description, a pronoun, 'the two leaders' reach only an entity
    named before them, so with the same aliases no other is reached), or its own inputs changed."""

    def __init__(self, previous: tuple[dict, dict], current: MentionInputs) -> None:
        aliases, entities = previous
        changed = {words for words in aliases.keys() | current.aliases.keys() if aliases.get(words) != current.aliases.get(words)}
        self._aliases = changed
        self._firsts = {words[0] for words in changed}
        self._longer = {words[:WINDOW] for words in changed if len(words) > WINDOW}
        self._entities = {key for key in entities.keys() | current.entities.keys() if entities.get(key) != current.entities.get(key)}

    def touch(self, windows: frozenset[tuple[str, ...]], firsts: frozenset[str], keys: frozenset[str]) -> bool:
        if not keys.isdisjoint(self._entities):
            return True
        if firsts.isdisjoint(self._firsts):
            return False
        for window in windows:
            if window[0] in self._firsts:
                if any(window[:n] in self._aliases for n in range(1, len(window) + 1)):
                    return True
                if len(window) == WINDOW and window in self._longer:
                    return True
        return False


def _entity(index: EntityIndex, key: str) -> str:
    if key in index.people:
        f = index.facets.get(key)
        parts = [sorted(part) for part in (f.role_words, f.organizations, f.countries)] if f else []
        return repr(("person", key, *parts))
    return repr(("org", key, index.org_names.get(key), sorted(index.org_heads.get(key, ()))))


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _descriptions(text: str, index: EntityIndex, recent: list[str], recent_orgs: list[str], hits: list[Hit], lex: Lexicon) -> list[Hit]:
    """'the Russian deputy prime minister', 'The Party chief', 'the Nordneft leader', 'the company'."""
    found: list[Hit] = []
    for match in _description_matches(text, lex):
        qualifier, noun, start, end = match
        if any(h[1] <= start < h[2] for h in hits):
            continue
        if noun in _ORG_NOUNS and not qualifier:
            # an organisation named earlier in the same sentence first ('… with X, co-founder of Y, Z welcomed the
            # company'), then the ones the article named last
            named_here = [h[0] for h in sorted(hits, key=lambda h: h[1]) if h[0] not in index.people and h[2] <= start]
            key = _org_for(noun, [k for k in recent_orgs if k not in named_here] + named_here, index)
            if key:
                found.append((key, start, end))
            continue
        named_here = [h[0] for h in sorted(hits, key=lambda h: h[1]) if h[0] in index.people and h[2] <= start]
        pool = list(reversed(recent))
        pool = [k for k in named_here[::-1] if k not in pool] + pool
        fitting = [key for key in pool if _fits(index.facets.get(key), qualifier, noun, lex, index)]
        if fitting:
            found.append((fitting[0], start, end))
    return found


_DESCRIPTION = re.compile(r"([Tt](?<!\w[Tt])he)\s+((?:[A-Z][\w’'.-]*\s+){0,3})((?:[a-z][\w-]*\s+){0,2}?)([a-z][\w-]*)\b")


def _description_matches(text: str, lex: Lexicon) -> list[tuple[str, str, int, int]]:
    found = []
    for match in _DESCRIPTION.finditer(text):
        qualifier = match.group(2).strip()
        lower = match.group(3).strip()
        noun = match.group(4)
        phrase = f"{lower} {noun}".strip()
        tags = lex.tags(phrase) if lower else {}
        if "description_noun" in tags:
            noun = phrase
        elif "description_noun" not in lex.tags(noun) and noun not in _ORG_NOUNS:
            continue
        elif lower and not lex.tags(lower).keys() & {"portfolio", "title_mod", "demonym", "description_noun"} and noun not in _ORG_NOUNS:
            qualifier = f"{qualifier} {lower}".strip()
        if qualifier.endswith("'s") or qualifier.endswith("’s"):
            qualifier = qualifier[:-2]
        found.append((qualifier, noun, match.start(), match.end()))
    return found


def _fits(facets: Facets | None, qualifier: str, noun: str, lex: Lexicon, index: EntityIndex) -> bool:
    if facets is None:
        return False
    noun_words = {w[:5] for w in fold(noun).split()}
    generic = noun in ("official", "leader", "head", "chief", "boss", "executive", "host", "guest", "politician", "diplomat", "envoy", "counterpart")
    if not generic and not noun_words <= facets.role_words:
        return False
    if generic and not facets.role_words:
        return False
    if not qualifier:
        return True
    tags = lex.tags(qualifier)
    country = tags.get("demonym") or tags.get("country")
    if country:
        return country in facets.countries
    wanted = compact(qualifier)
    if wanted in facets.organizations:
        return True
    return {w[:5] for w in fold(qualifier).split()} <= facets.role_words


def _org_for(noun: str, recent_orgs: list[str], index: EntityIndex) -> str | None:
    head = _ORG_NOUNS.get(noun)
    for key in reversed(recent_orgs):
        heads = index.org_heads.get(key, set())
        if head is None or head in heads:
            return key
    return None
