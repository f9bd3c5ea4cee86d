"""Generic word lists kept as data (sector taxonomy, titles, document types) and the small logic that reads them.

Nothing here names a particular person, organisation or agreement: the same lists serve any article.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel


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
        from bot.ingest.names import fold  # folding is shared with name matching

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
        from rapidfuzz import process, fuzz

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
