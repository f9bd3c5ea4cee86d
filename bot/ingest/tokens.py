"""Word tokens with offsets: the only word regex of extraction, and the unit every later stage walks over.

A token knows its shape (`X` capitalised, `XX` all capitals, `x` lower case, `d` a number, `p` punctuation),
its lower-case and bare forms (possessive and trailing full stop removed), and its folded form for look-ups.
"""

from __future__ import annotations

import re

from bot.text import fold

_TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}(?![A-Za-z])"  # U.S., U.K., e.g.
    r"|(?<![\w-])then-(?=[A-Z])"  # 'then-U.S. President': the modifier of a title
    r"|[^\W_](?:[\w’'&\-]*[\w])?(?:(?<=s)['’](?![\w]))?"  # words, with inner hyphens, apostrophes, ampersands
    r"|[–—()\[\],;:“”\"‘’'./|!?%$€£¥₽+#*•-]"
)


class Token:
    """A word or punctuation mark with its offsets; the derived forms are computed once."""

    __slots__ = ("text", "start", "end", "shape", "bare", "low", "possessive", "_fold")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        first = text[0]
        self._fold = None
        if len(text) == 1 and not first.isalnum():
            self.possessive, self.bare, self.low, self.shape = False, text, text, "p"
            return
        last = text[-1]
        if last in "s'’" and ("'" in text or "’" in text):
            self.possessive = text.endswith(("’s", "'s")) and len(text) > 2 or text.endswith(("s'", "s’"))
            bare = text[:-2] if text.endswith(("’s", "'s")) and len(text) > 2 else text.rstrip("'’")
        else:
            self.possessive, bare = False, text
        self.bare = bare
        self.low = bare.lower()
        if first.isdigit():
            self.shape = "d"
        elif not first.isalpha():
            self.shape = "p"
        elif first.isupper():
            self.shape = "XX" if len(bare) >= 2 and bare.isupper() and not bare[1:2] in ".-" else "X"
        else:
            self.shape = "x"

    @property
    def fold(self) -> str:
        """The folded bare word ('Việt' → 'viet'); punctuation stands for itself, so phrases can hold commas."""
        if self._fold is None:
            self._fold = fold(self.bare) if self.shape != "p" else self.text
        return self._fold

    @property
    def is_cap(self) -> bool:
        return self.shape in ("X", "XX")

    @property
    def is_word(self) -> bool:
        return self.shape in ("X", "XX", "x", "d")

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start})"


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def adjacent(text: str, left: Token, right: Token) -> bool:
    """Two tokens separated by spaces only (no punctuation)."""
    return text[left.end : right.start].strip() == ""
