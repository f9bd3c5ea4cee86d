"""Sentence splitting with offsets: every line is at least one sentence (bullets have no full stop)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.models import Sentence

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before a space and a capital,
# a digit or an opening quote. Abbreviations and initials are not ends.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)\]]?\s+(?=[\"“‘(\[]?[A-ZÀ-ÞĐА-Я\d])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st no vs etc jan feb mar apr jun jul aug sep sept oct nov dec gen col lt sgt capt "
    "gov sen rep jr sr inc ltd co corp approx est dept fig vol art para u.s u.k e.g i.e".split()
)


# abbreviations that can end a sentence, and words that then clearly start the next one
_ENDING_ABBREVIATIONS = frozenset("u.s u.k etc inc ltd co corp jr sr".split())
_SENTENCE_STARTERS = frozenset("He She It They We I The This That These Those But However Its Their His Her A An".split())


def split_sentences(text: str) -> Iterator[Sentence]:
    """Yield sentences of `text` with `text[start:end] == sentence.text`."""
    index = 0
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for piece_start, piece_end in _pieces(line.group(), start):
            chunk = text[piece_start:piece_end]
            stripped_left = len(chunk) - len(chunk.lstrip())
            stripped_right = len(chunk) - len(chunk.rstrip())
            s, e = piece_start + stripped_left, piece_end - stripped_right
            if e > s and re.search(r"\w", text[s:e]):
                yield Sentence(index=index, text=text[s:e], start=s, end=e)
                index += 1


def _pieces(line: str, offset: int) -> Iterator[tuple[int, int]]:
    last = 0
    for match in _BOUNDARY.finditer(line):
        before = line[last : match.start()]
        word = re.search(r"(\S+)$", before)
        token = word.group(1).rstrip(".!?\"”’)]").lower() if word else ""
        if token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token) or re.fullmatch(r"(?:[a-z]\.)+[a-z]?", token):
            following = re.match(r"[\"”’)\]]?\s*([A-Z][a-z]*)", line[match.start() :])
            if not (token in _ENDING_ABBREVIATIONS and following and following.group(1) in _SENTENCE_STARTERS):
                continue  # "Dr. Smith", "J. Smith", "U.S. officials" — but "… in the U.S. He left." ends there
        # keep a closing quote/bracket with the sentence it closes
        closing = re.match(r"[\"”’)\]]*", line[match.start() :]).group()
        yield offset + last, offset + match.start() + len(closing)
        last = match.end()
    yield offset + last, offset + len(line)
