"""Generic word lists kept as data (sector taxonomy, titles, document types) and the small logic that reads them.

Nothing here names a particular person, organisation or agreement: the same lists serve any article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from pydantic import BaseModel
from rapidfuzz import fuzz, process

from bot.ingest.names import fold
from bot.text import alternation


def load(name: str) -> Any:
    """One JSON data file of this folder."""
    return json.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


class SectorDef(BaseModel):
    key: str
    name: str
    parent: str | None = None
    terms: list[str]
    synonyms: list[str] = []


class Taxonomy:
    """Sectors with parents; tags text with sector keys and resolves what a user types to a key."""

    def __init__(self, sectors: list[SectorDef]) -> None:
        self._fold = fold
        self.sectors = {s.key: s for s in sectors}
        # one pass per sentence: all words in one alternation (longest first), each mapped back to its sectors
        self._loose_sectors: dict[str, list[str]] = {}
        self._exact_sectors: dict[str, list[str]] = {}
        for sector in sectors:
            for term in sector.terms:
                table = self._exact_sectors if _is_acronym(term) else self._loose_sectors
                key = term if _is_acronym(term) else " ".join(re.split(r"[\s-]+", fold(term)))
                if sector.key not in table.setdefault(key, []):
                    table[key].append(sector.key)
        # terms by their words, matched on a sentence's folded words (a hyphen or a space between them)
        self._loose_words: dict[tuple[str, ...], list[str]] = {}
        for term, keys in self._loose_sectors.items():
            words = tuple(w for w in re.split(r"[\s-]+", term) if w)
            if words:
                self._loose_words.setdefault(words, []).extend(k for k in keys if k not in self._loose_words.get(words, []))
        self._longest = max((len(w) for w in self._loose_words), default=1)
        self._firsts = {words[0] for words in self._loose_words}
        # per first word, the lengths of its phrases (and 1, for a plural 's' on a one-word term), longest first:
        # a phrase of another length starting there is in no table
        starting: dict[str, set[int]] = {}
        for words in self._loose_words:
            starting.setdefault(words[0], {1}).add(len(words))
        self._lengths = {word: tuple(sorted(lengths, reverse=True)) for word, lengths in starting.items()}
        self._order = {key: n for n, key in enumerate(self.sectors)}
        # the words of _ACRONYM_WORD that can be one of the acronyms (or its plural): only those are looked up
        shaped = all(re.fullmatch(r"[A-Z0-9][A-Za-z0-9&]*", term) and not term.endswith("s") for term in self._exact_sectors)
        self._acronyms = (
            re.compile(r"(?<![\w&])(?:" + alternation(list(self._exact_sectors)) + r")s?(?![\w&])")
            if shaped and self._exact_sectors else _ACRONYM_WORD
        )
        self._names: dict[str, str] = {}
        for sector in sectors:
            for spelling in [sector.key, sector.key.replace("-", " "), sector.name, *sector.synonyms]:
                self._names.setdefault(fold(spelling), sector.key)
        # a sector's own terms resolve to it too, unless another sector claims that word as a name
        for sector in sectors:
            for term in sector.terms:
                self._names.setdefault(fold(term), sector.key)

    def tag(self, text: str) -> list[str]:
        """Sector keys a sentence is about, in taxonomy order: its folded words looked up as phrases of up to
        a few words (a plural 's' allowed on the last), acronyms ('LNG', 'R&D') as written."""
        found: set[str] = set()
        runs = _runs(self._fold(text, keep_punct=True))
        table = self._loose_words
        firsts = self._firsts
        lengths_of = self._lengths
        for words in runs:
            count = len(words)
            for i, word in enumerate(words):
                if word not in firsts and word[:-1] not in firsts:
                    continue
                for n in lengths_of.get(word, (1,)):
                    if n > count - i:
                        continue
                    phrase = tuple(words[i : i + n])
                    keys = table.get(phrase)
                    if keys is None and phrase[-1].endswith("s"):
                        keys = table.get(phrase[:-1] + (phrase[-1][:-1],))
                    if keys:
                        found.update(keys)
        for word in self._acronyms.findall(text):
            keys = self._exact_sectors.get(word) or (self._exact_sectors.get(word[:-1]) if word.endswith("s") else None)
            if keys:
                found.update(keys)
        return sorted(found, key=self._order.__getitem__)

    def is_term(self, text: str) -> bool:
        """Whether text as a whole is one of the taxonomy's terms ('Liquefied Natural Gas', 'Artificial Intelligence'):
        a common noun written with capitals, not a name."""
        runs = _runs(self._fold(text, keep_punct=True))
        if len(runs) != 1:
            return False
        words = tuple(runs[0])
        return words in self._loose_words or (words[-1].endswith("s") and words[:-1] + (words[-1][:-1],) in self._loose_words)

    def resolve(self, query: str, exact: bool = False) -> str | None:
        """A sector key for what a user typed (name, synonym, spelling variant, near-typo — not with `exact`),
        or None."""
        folded = self._fold(query)
        if not folded:
            return None
        if folded in self._names:
            return self._names[folded]
        if folded.endswith("s") and folded[:-1] in self._names:
            return self._names[folded[:-1]]
        if exact:
            return None
        best = process.extractOne(folded, list(self._names), scorer=fuzz.ratio, score_cutoff=85)
        return self._names[best[0]] if best else None

    def children(self, key: str) -> list[str]:
        return [s.key for s in self.sectors.values() if s.parent == key]

    def family(self, key: str) -> list[str]:
        """The sector and all its descendants."""
        keys = [key]
        for child in self.children(key):
            keys.extend(self.family(child))
        return keys


_RUN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9-]")
_ACRONYM_WORD = re.compile(r"(?<![\w&])[A-Z0-9][A-Za-z0-9&]*(?![\w&])")


_RUN_PIECE = re.compile(r"([a-z0-9]+(?:'[a-z]+)?)|([^\sa-z0-9-])")  # _RUN_WORD, a word and a mark told apart


def _runs(folded: str) -> list[list[str]]:
    """The words of folded text in runs that punctuation breaks ('energy, trade' is two runs)."""
    runs: list[list[str]] = []
    run: list[str] = []
    for word, mark in _RUN_PIECE.findall(folded):
        if word:
            run.append(word if "'" not in word or word.endswith("'s") else word.replace("'", ""))
        elif mark.isalnum():  # a letter folding left as it is (另, ب): a word of its own
            run.append(mark)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def _is_acronym(term: str) -> bool:
    letters = [c for c in term if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(term) <= 8


def _term_regex(folded_term: str) -> str:
    """Whole words, flexible inner spacing/hyphens, an optional plural 's'."""
    words = [re.escape(w) for w in re.split(r"[\s-]+", folded_term) if w]
    return r"[\s-]*".join(words) + r"s?"


@cache
def taxonomy() -> Taxonomy:
    data = load("sectors.json")["sectors"]
    return Taxonomy([SectorDef(key=key, **value) for key, value in data.items()])


# ---------------------------------------------------------------- the gazetteer


Tags = dict[str, str]  # tag → value ('country' → 'Vietnam', 'title' → '', 'family_name' → 'vietnamese')


class Gazetteer:
    """Phrases of the lexicon by their folded words: which tags a run of tokens starting at a word carries.

    Matching is on folded words (case and diacritics ignored); a phrase may hold punctuation ('culture, sports
    and tourism'). Whether a tag needs a capitalised word is the caller's rule, not the gazetteer's.
    """

    def __init__(self) -> None:
        self._index: dict[tuple[str, ...], Tags] = {}
        self._lengths: dict[str, tuple[int, ...]] = {}  # first word → the lengths of its phrases, longest first
        # for scan: flagged tags → word → (its tags, flagged, its phrases) for a word whose one phrase is itself;
        # what scan gives is read, never changed, so a word's entries are shared by every place it stands
        self._alone: dict[frozenset[str], dict[str, tuple[Tags, bool, list[tuple[int, Tags]]]]] = {}

    def add(self, phrase: str, tag: str, value: str = "") -> None:
        from bot.ingest.tokens import tokenize

        key = tuple(token.fold for token in tokenize(phrase))
        if not key or not all(key):
            return
        self._alone.clear()
        tags = self._index.get(key)
        if tags is None:
            tags = self._index[key] = {}
            lengths = set(self._lengths.get(key[0], ()))
            lengths.add(len(key))
            self._lengths[key[0]] = tuple(sorted(lengths, reverse=True))
        tags.setdefault(tag, value)

    def at(self, folds: list[str], i: int) -> list[tuple[int, Tags]]:
        """(length, tags) of every phrase that starts at word i, longest first."""
        lengths = self._lengths.get(folds[i])
        if not lengths:
            return []
        found = []
        index = self._index
        available = len(folds) - i
        for n in lengths:
            if n <= available:
                tags = index.get(tuple(folds[i : i + n]))
                if tags is not None:
                    found.append((n, tags))
        return found

    def scan(self, folds: list[str], flagged: frozenset[str]) -> tuple[list[list[tuple[int, Tags]]], list[bool], list[Tags]]:
        """For every word of a sentence at once: `at(folds, i)`, whether one of those phrases carries a tag of
        `flagged`, and the tags of its one-word phrase ({} if none)."""
        lengths_of = self._lengths
        index = self._index
        alone = self._alone.get(flagged)
        if alone is None:
            alone = self._alone[flagged] = {}
        total = len(folds)
        found: list[list[tuple[int, Tags]]] = []
        flags: list[bool] = []
        singles: list[Tags] = []
        for i, word in enumerate(folds):
            known = alone.get(word)
            if known is not None:
                found.append(known[2])
                flags.append(known[1])
                singles.append(known[0])
                continue
            lengths = lengths_of.get(word) if word else None
            if not lengths:
                found.append(_NO_PHRASES)
                flags.append(False)
                singles.append(_NO_TAGS)
                continue
            here = []
            single: Tags = {}
            flag = False
            available = total - i
            for n in lengths:
                if n <= available:
                    tags = index.get(tuple(folds[i : i + n])) if n > 1 else index.get((word,))
                    if tags is not None:
                        here.append((n, tags))
                        if n == 1:
                            single = tags
                        if not flag and not flagged.isdisjoint(tags):
                            flag = True
            found.append(here)
            flags.append(flag)
            singles.append(single)
            if lengths == (1,) and here:
                alone[word] = (single, flag, here)
        return found, flags, singles

    def get(self, phrase_folds: tuple[str, ...]) -> Tags:
        return self._index.get(phrase_folds, {})

    def items(self) -> Iterator[tuple[tuple[str, ...], Tags]]:
        """Every phrase (its folded words) with its tags."""
        return iter(self._index.items())

    def phrase(self, text: str) -> Tags:
        """Tags of a whole phrase written as text."""
        from bot.ingest.tokens import tokenize

        return self._index.get(tuple(token.fold for token in tokenize(text)), {})


_NO_PHRASES: list[tuple[int, Tags]] = []  # scan's entry for a word that starts no phrase: shared, read only
_NO_TAGS: Tags = {}


@lru_cache(maxsize=32_768)
def _phrase_tags(gazetteer: "Gazetteer", text: str) -> Tags:
    return gazetteer.phrase(text) if len(text) <= 200 else {}


@dataclass(frozen=True)
class Lexicon:
    """Every generic word list extraction reads, loaded once."""

    gazetteer: Gazetteer
    countries: dict[str, str]  # folded name, variant or demonym → country name
    demonyms: frozenset[str]  # folded demonyms
    patronymic_endings: tuple[str, ...]
    pronouns: dict[str, str]
    not_organizations: frozenset[str]
    modifier_nouns: frozenset[str]
    function_words: frozenset[str]

    def tags(self, text: str) -> Tags:
        return _phrase_tags(self.gazetteer, text)


_WORD_LISTS = (  # (file, key, tag): lists whose every phrase carries the tag
    ("people.json", "titles", "title"),
    ("people.json", "title_modifiers", "title_mod"),
    ("people.json", "portfolios", "portfolio"),
    ("people.json", "ranks", "rank"),
    ("people.json", "role_nouns", "role_noun"),
    ("people.json", "occupations", "occupation"),
    ("people.json", "description_nouns", "description_noun"),
    ("people.json", "speech_verbs", "speech_verb"),
    ("people.json", "not_name_words", "not_name"),
    ("people.json", "openers", "opener"),
    ("people.json", "function_words", "function_word"),
    ("organizations.json", "heads", "org_head"),
    ("organizations.json", "of_heads", "of_head"),
    ("organizations.json", "in_heads", "in_head"),
    ("organizations.json", "weak_heads", "weak_head"),
    ("organizations.json", "descriptors", "descriptor"),
    ("organizations.json", "organ_suffixes", "organ_suffix"),
    ("organizations.json", "corporate_suffixes", "corporate_suffix"),
    ("organizations.json", "possessed_by_organisations", "possessed_by_organisations"),
    ("organizations.json", "verbs_of_organisations", "org_verb"),
    ("organizations.json", "after_descriptors", "after_descriptor"),
    ("organizations.json", "modifier_nouns", "modifier_noun"),
    ("organizations.json", "founding_words", "founding"),
    ("people.json", "role_verbs", "role_verb"),
    ("people.json", "possessed_by_people", "possessed_by_people"),
    ("name_parts.json", "honorifics", "honorific"),
    ("name_parts.json", "honorifics_also_given_names", "honorific_given"),
    ("name_parts.json", "particles", "particle"),
    ("places.json", "cities", "city"),
    ("places.json", "regions", "region"),
    ("places.json", "place_heads", "place_head"),
    ("places.json", "facility_heads", "facility_head"),
)
_MONTHS = "january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec".split()
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()


@cache
def lexicon() -> Lexicon:
    gazetteer = Gazetteer()
    files: dict[str, Any] = {}
    for file, key, tag in _WORD_LISTS:
        data = files.setdefault(file, load(file))
        for phrase in data.get(key, []):
            gazetteer.add(phrase, tag)
    for culture, names in files["name_parts.json"]["family_names"].items():
        for name in names:
            gazetteer.add(name, "family_name", culture)
    countries: dict[str, str] = {}
    demonyms: set[str] = set()
    for country in load("countries.json")["countries"]:
        for spelling in [country["name"], *country["variants"]]:
            countries.setdefault(fold(spelling), country["name"])
            gazetteer.add(spelling, "country", country["name"])
        for demonym in country["demonyms"]:
            countries.setdefault(fold(demonym), country["name"])
            demonyms.add(fold(demonym))
            gazetteer.add(demonym, "demonym", country["name"])
    for word in _MONTHS:
        gazetteer.add(word, "month")
    for word in _WEEKDAYS:
        gazetteer.add(word, "weekday")
    for phrase in load("documents.json")["types"]:
        gazetteer.add(phrase, "doc_type")
    people = files["people.json"]
    orgs = files["organizations.json"]
    return Lexicon(
        gazetteer=gazetteer,
        countries=countries,
        demonyms=frozenset(demonyms),
        patronymic_endings=tuple(people["patronymic_endings"]),
        pronouns=dict(people["pronouns"]),
        not_organizations=frozenset(orgs["not_organizations"]),
        modifier_nouns=frozenset(orgs["modifier_nouns"]),
        function_words=frozenset(people["function_words"]),
    )


GENERIC_TAGS = frozenset(
    {"title", "title_mod", "org_head", "not_name", "country", "demonym", "function_word", "rank", "honorific", "portfolio"}
)
# what the read path asks of a query word: generic, a kind of person (titles, role nouns), a place noun after a name
TITLE_TAGS = frozenset({"title", "title_mod", "rank", "honorific", "function_word", "country", "demonym", "portfolio", "role_noun"})
READ_TAGS = GENERIC_TAGS | TITLE_TAGS | {"place_head"}


@dataclass(frozen=True)
class Vocabulary:
    """The generic words the read path needs: which capitalised words cannot make a name on their own."""

    countries: dict[str, str]

    def generic(self, word: str) -> bool:
        """A capitalised word that cannot make a name on its own (a title, a head noun, a country …)."""
        tags = lexicon().gazetteer.phrase(word.rstrip("."))
        return bool(tags.keys() & GENERIC_TAGS)

    def word_tags(self, wanted: frozenset[str]) -> dict[str, frozenset[str]]:
        """Each folded one-word phrase with a tag of `wanted` → those of its tags: stored in the index, so that the
        read path looks a plain word up without loading the lexicon."""
        found = {}
        for words, tags in lexicon().gazetteer.items():
            if len(words) == 1 and (mine := tags.keys() & wanted):
                found[words[0]] = frozenset(mine)
        return found


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary(countries=lexicon().countries)
