"""Generic word lists kept as data (sector taxonomy, titles, document types) and the small logic that reads them.

Nothing here names a particular person, organisation or agreement: the same lists serve any article.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel
from rapidfuzz import fuzz, process

from bot.ingest.names import fold


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
        loose = sorted(self._loose_sectors, key=len, reverse=True)
        self._loose = re.compile(r"(?<![\w-])(?:" + "|".join(_term_regex(t) for t in loose) + r")(?![\w])")
        exact = sorted(self._exact_sectors, key=len, reverse=True)
        self._exact = re.compile(r"(?<![\w&])(?:" + "|".join(re.escape(t) for t in exact) + r")s?(?![\w&])")
        self._order = {key: n for n, key in enumerate(self.sectors)}
        self._names: dict[str, str] = {}
        for sector in sectors:
            for spelling in [sector.key, sector.key.replace("-", " "), sector.name, *sector.synonyms]:
                self._names.setdefault(fold(spelling), sector.key)
        # a sector's own terms resolve to it too, unless another sector claims that word as a name
        for sector in sectors:
            for term in sector.terms:
                self._names.setdefault(fold(term), sector.key)

    def tag(self, text: str) -> list[str]:
        """Sector keys a sentence is about, in taxonomy order."""
        found: set[str] = set()
        for match in self._loose.finditer(self._fold(text, keep_punct=True)):
            words = " ".join(re.split(r"[\s-]+", match.group()))
            found.update(self._loose_sectors.get(words) or self._loose_sectors.get(words[:-1], ()))
        for match in self._exact.finditer(text):
            word = match.group()
            found.update(self._exact_sectors.get(word) or self._exact_sectors.get(word[:-1], ()))
        return sorted(found, key=self._order.__getitem__)

    def resolve(self, query: str) -> str | None:
        """A sector key for what a user typed (name, synonym, spelling variant, near-typo), or None."""
        folded = self._fold(query)
        if not folded:
            return None
        if folded in self._names:
            return self._names[folded]
        if folded.endswith("s") and folded[:-1] in self._names:
            return self._names[folded[:-1]]
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


@dataclass(frozen=True)
class Vocabulary:
    titles: tuple[tuple[str, ...], ...]  # token tuples, longest first
    role_nouns: frozenset[str]
    description_nouns: frozenset[str]
    patronymic_endings: tuple[str, ...]
    not_name_words: frozenset[str]
    heads: frozenset[str]
    weak_heads: frozenset[str]
    descriptors: frozenset[str]
    organ_suffixes: tuple[str, ...]
    not_organizations: frozenset[str]
    countries: dict[str, str]  # folded name/variant/demonym → country name
    demonyms: frozenset[str]  # folded demonyms
    country_names: frozenset[str]  # folded names and variants
    titles_by_first: dict[str, tuple[tuple[str, ...], ...]]  # first word → titles starting with it, longest first
    one_word_titles: frozenset[str]
    function_words: frozenset[str]
    corporate_suffixes: frozenset[str]

    def generic(self, word: str) -> bool:
        """A capitalised word that cannot make a name on its own."""
        bare = word.rstrip(".")
        return bare in self.not_name_words or bare in self.heads or bare in self.one_word_titles or fold(bare) in self.countries


@cache
def vocabulary() -> Vocabulary:
    people = load("people.json")
    orgs = load("organizations.json")
    countries_data = load("countries.json")["countries"]
    countries: dict[str, str] = {}
    demonyms: set[str] = set()
    names: set[str] = set()
    for country in countries_data:
        for spelling in [country["name"], *country["variants"]]:
            countries[fold(spelling)] = country["name"]
            names.add(fold(spelling))
        for demonym in country["demonyms"]:
            countries.setdefault(fold(demonym), country["name"])
            demonyms.add(fold(demonym))
    titles = sorted({tuple(t.split()) for t in people["titles"]}, key=len, reverse=True)
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for title in titles:
        by_first.setdefault(title[0], []).append(title)
    return Vocabulary(
        titles_by_first={first: tuple(group) for first, group in by_first.items()},
        one_word_titles=frozenset(t[0] for t in titles if len(t) == 1),
        function_words=frozenset(people["function_words"]),
        corporate_suffixes=frozenset(orgs["corporate_suffixes"]),
        titles=tuple(titles),
        role_nouns=frozenset(people["role_nouns"]),
        description_nouns=frozenset(people["description_nouns"]),
        patronymic_endings=tuple(people["patronymic_endings"]),
        not_name_words=frozenset(people["not_name_words"]),
        heads=frozenset(orgs["heads"]),
        weak_heads=frozenset(orgs["weak_heads"]),
        descriptors=frozenset(orgs["descriptors"]),
        organ_suffixes=tuple(orgs["organ_suffixes"]),
        not_organizations=frozenset(orgs["not_organizations"]),
        countries=countries,
        demonyms=frozenset(demonyms),
        country_names=frozenset(names),
    )
