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
    """A word or punctuation mark with its offsets; the derived forms are computed once per distinct word
    (`_derived`), so a token is only its text, offsets and those forms."""

    __slots__ = ("text", "start", "end", "shape", "bare", "low", "possessive", "fold", "is_cap", "is_word")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.shape, self.bare, self.low, self.possessive, self.fold, self.is_cap, self.is_word = _DERIVED.get(text) or _derived(text)

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start})"


def _derived(text: str) -> tuple[str, str, str, bool, str, bool, bool]:
    """(shape, bare, low, possessive, fold, is_cap, is_word) of a token's text. `fold` is the folded bare word
    ('Việt' → 'viet'); punctuation stands for itself, so phrases can hold commas."""
    first = text[0]
    if len(text) == 1 and not first.isalnum():
        return "p", text, text, False, text, False, False
    last = text[-1]
    if last in "s'’" and ("'" in text or "’" in text):
        possessive = text.endswith(("’s", "'s")) and len(text) > 2 or text.endswith(("s'", "s’"))
        bare = text[:-2] if text.endswith(("’s", "'s")) and len(text) > 2 else text.rstrip("'’")
    else:
        possessive, bare = False, text
    if first.isdigit():
        shape = "d"
    elif not first.isalpha():
        shape = "p"
    elif first.isupper():
        shape = "XX" if len(bare) >= 2 and bare.isupper() and not bare[1:2] in ".-" else "X"
    else:
        shape = "x"
    folded = fold(bare) if shape != "p" else text
    return shape, bare, bare.lower(), possessive, folded, shape in ("X", "XX"), shape in ("X", "XX", "x", "d")


_DERIVED: dict[str, tuple[str, str, str, bool, str, bool, bool]] = {}  # `_derived`, looked up without a call
_DERIVED_KEPT = 131_072
_new = object.__new__


def tokenize(text: str) -> list[Token]:
    """The tokens of a text. `findall` makes no match objects; a token's offset is where its text is next found,
    since every character a token can start with starts one wherever it stands (nothing skipped between two
    tokens can begin a third)."""
    tokens: list[Token] = []
    append = tokens.append
    find = text.find
    derived = _DERIVED
    end = 0
    for word in _TOKEN.findall(text):
        forms = derived.get(word)
        if forms is None:
            if len(derived) >= _DERIVED_KEPT:
                derived.clear()
            forms = derived[word] = _derived(word)
        token = _new(Token)
        token.text = word
        token.start = start = find(word, end)
        token.end = end = start + len(word)
        token.shape, token.bare, token.low, token.possessive, token.fold, token.is_cap, token.is_word = forms
        append(token)
    return tokens


def adjacent(text: str, left: Token, right: Token) -> bool:
    """Two tokens separated by spaces only (no punctuation)."""
    return text[left.end : right.start].strip() == ""
