"""Word tokens with offsets, and the generic vocabularies the extractors share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.ingest import lexicon
from bot.ingest.names import fold

_TOKEN = re.compile(r"[^\W_](?:[\w’'&.\-]*[\w])?\.?|[–—(),;:“”\"]")
_POSSESSIVE = re.compile(r"[’']s$")


class Token:
    """A word or punctuation mark with its offsets; the derived forms are computed once."""

    __slots__ = ("text", "start", "end", "is_cap", "is_word", "is_possessive", "bare")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        first = text[0]
        self.is_cap = first.isupper()
        self.is_word = first.isalnum()
        self.is_possessive = text.endswith(("’s", "'s"))
        # the word without a possessive or a trailing full stop
        bare = text[:-2] if self.is_possessive else text
        self.bare = bare.rstrip(".") if bare.endswith(".") and text not in ("Dr.", "Prof.") else bare

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"


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
    titles_by_first: dict[str, tuple[tuple[str, ...], ...]]  # first word → titles starting with it, longest first
    one_word_titles: frozenset[str]

    def generic(self, word: str) -> bool:
        """A capitalised word that cannot make a name on its own."""
        bare = word.rstrip(".")
        return bare in self.not_name_words or bare in self.heads or bare in self.one_word_titles or fold(bare) in self.countries


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
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for title in titles:
        by_first.setdefault(title[0], []).append(title)
    return Vocabulary(
        titles_by_first={first: tuple(group) for first, group in by_first.items()},
        one_word_titles=frozenset(t[0] for t in titles if len(t) == 1),
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
