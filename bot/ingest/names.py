"""Folding names and words for matching: case, diacritics (Lê Văn An = Le Van An), Cyrillic (Иванов = Ivanov)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@cache
def _cyrillic() -> tuple[dict[str, str], dict[str, str]]:
    table = json.loads((Path(__file__).parent / "lexicon" / "cyrillic.json").read_text(encoding="utf-8"))
    return table["letters"], table["initial"]


def transliterate(text: str) -> str:
    """Russian Cyrillic letters to Latin; other characters pass through."""
    if text.isascii() or not _CYRILLIC.search(text):
        return text
    letters, initial = _cyrillic()
    out: list[str] = []
    previous = ""
    for char in text:
        low = char.lower()
        if low in letters:
            at_word_start = not previous.isalpha()
            out.append(initial[low] if at_word_start and low in initial else letters[low])
        else:
            out.append(char)
        previous = char
    return "".join(out)


def strip_marks(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    if decomposed.isascii():
        return decomposed
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_NON_WORD = re.compile(r"[^\w]+")
_PUNCT = re.compile(r"[‘’`´]")
_POSSESSIVE = re.compile(r"'s\b")


# Names and words repeat and are cached; longer strings (sentences, whatever a user typed) are folded afresh, so
# the cache holds at most _CACHED_ENTRIES strings of at most _CACHED_LENGTH characters, whatever the input.
_CACHED_LENGTH = 200
_CACHED_ENTRIES = 65_536


def fold(text: str, keep_punct: bool = False) -> str:
    """Lower-case ASCII-ish form: `Lê Văn An` → `le van an`, `Иванов` → `ivanov`.

    With keep_punct the string keeps its punctuation and spacing (for tagging sentences); without it,
    punctuation becomes single spaces (for comparing names).
    """
    if len(text) > _CACHED_LENGTH:
        return _fold(text, keep_punct)
    return _cached_fold(text, keep_punct)


def _fold(text: str, keep_punct: bool) -> str:
    folded = strip_marks(transliterate(text)).lower()
    folded = _PUNCT.sub("'", folded)
    if keep_punct:
        return folded
    folded = _POSSESSIVE.sub("", folded).replace("'", "")
    return " ".join(_NON_WORD.sub(" ", folded).split())


_cached_fold = lru_cache(maxsize=_CACHED_ENTRIES)(_fold)


def slug(text: str, limit: int = 40) -> str:
    """A short ASCII key for callback data and deep links (`a-z0-9-` only, at most `limit` bytes).

    A name in a script that does not fold to ASCII (Chinese, Arabic …) gets a stable hash instead.
    """
    folded = fold(text).replace(" ", "-")
    if not folded.isascii() or not folded.strip("-"):
        return "x-" + hashlib.sha1(text.encode()).hexdigest()[:12]
    return folded[:limit].strip("-")
