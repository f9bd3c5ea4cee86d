"""Word tokens with offsets, and the generic vocabularies the extractors share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.ingest import lexicon
from bot.ingest.names import fold

_TOKEN = re.compile(r"[^\W_](?:[\w’'&.\-]*[\w])?\.?|[–—(),;:“”\"]")
_POSSESSIVE = re.compile(r"[’']s$")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def is_cap(self) -> bool:
        return self.text[:1].isupper()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum()

    @property
    def is_possessive(self) -> bool:
        return bool(_POSSESSIVE.search(self.text))

    @property
    def bare(self) -> str:
        """The word without a possessive or a trailing full stop."""
        return _POSSESSIVE.sub("", self.text).rstrip(".") if self.text not in {"Dr.", "Prof."} else self.text


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def adjacent(text: str, left: Token, right: Token) -> bool:
    """Two tokens separated by spaces only (no punctuation)."""
    return text[left.end : right.start].strip() == ""


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

    def generic(self, word: str) -> bool:
        """A capitalised word that cannot make a name on its own."""
        bare = word.rstrip(".")
        return (
            bare in self.not_name_words
            or bare in self.heads
            or fold(bare) in self.countries
            or any(bare == title[0] for title in self.titles if len(title) == 1)
        )


@cache
def vocabulary() -> Vocabulary:
    people = lexicon.load("people.json")
    orgs = lexicon.load("organizations.json")
    countries_data = lexicon.load("countries.json")["countries"]
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
    return Vocabulary(
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
