"""Word tokens with offsets: the unit the entity finders walk over."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[^\W_](?:[\w’'&.\-]*[\w])?\.?|[–—(),;:“”\"]")


class Token:
    """A word or punctuation mark with its offsets; the derived forms are computed once."""

    __slots__ = ("text", "start", "end", "is_cap", "is_word", "is_possessive", "bare", "low")

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
        self.low = self.bare.lower()

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def adjacent(text: str, left: Token, right: Token) -> bool:
    """Two tokens separated by spaces only (no punctuation)."""
    return text[left.end : right.start].strip() == ""
