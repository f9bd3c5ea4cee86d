"""Sentence splitting with offsets: every block is at least one sentence (bullets and headings have no full stop).

Linear in the text: one pass of a boundary pattern, and each candidate boundary looks at a bounded window
before it. A run of text with no boundary is cut at a word near MAX_SENTENCE characters, so no sentence is
absurdly long (an answer quotes whole sentences).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before a space and a capital,
# a digit or an opening quote, or glued to a capitalised word. Abbreviations and initials are not ends.
# The match includes the end mark itself (the boundary starts one character later), so the regex engine can skip
# ahead to the next mark instead of trying a look-behind at every character.
_BOUNDARY = re.compile(r"[.!?](?:[\"”’)\]]?\s+(?=[\"“‘(\[]?[A-ZÀ-ÞĐА-Я\d])"
                       r"|(?<=[a-z][a-z][.!?])(?=[A-Z][a-z]{2}))")  # 'in Vietnam.Speaking at …': a page that lost its spaces
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st no nos vs etc jan feb mar apr jun jul aug sep sept oct nov dec gen col lt sgt capt maj brig "
    "gov sen rep jr sr inc ltd co corp approx est dept fig vol art para smt shri mt ft op no. u.s u.k u.n e.g i.e p.m "
    "a.m ph.d".split()
)
# abbreviations that can end a sentence, and words that then clearly start the next one
_ENDING_ABBREVIATIONS = frozenset("u.s u.k u.n etc inc ltd co corp jr sr p.m a.m".split())
_SENTENCE_STARTERS = frozenset("He She It They We I The This That These Those But However Its Their His Her A An".split())
_LAST_WORD = re.compile(r"(\S+)$")
_FOLLOWING = re.compile(r"[\"”’)\]]?\s*([A-Z][a-z]*)")
_CLOSING = re.compile(r"[\"”’)\]]*")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]?")
MAX_SENTENCE = 1_200


def split(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of text[start:end], stripped of surrounding spaces."""
    segment = text[start:end]
    last = 0
    for match in _BOUNDARY.finditer(segment):
        at = match.start() + 1  # where the boundary starts: after the end mark
        before = segment[max(last, at - 40) : at]
        word = _LAST_WORD.search(before)
        token = word.group(1).rstrip(".!?\"”’)]").lower().rsplit("-", 1)[-1] if word else ""
        if token in _ABBREVIATIONS or len(token) == 1 and token.isalpha() or _INITIALS.fullmatch(token):
            following = _FOLLOWING.match(segment, at)
            if not (token in _ENDING_ABBREVIATIONS and following and following.group(1) in _SENTENCE_STARTERS):
                continue  # "Dr. Smith", "J. Smith", "U.S. officials" — but "… in the U.S. He left." ends there
        closing = _CLOSING.match(segment, at).group()  # a closing quote stays with its sentence
        yield from _bounded(text, start + last, start + at + len(closing))
        last = match.end()
    yield from _bounded(text, start + last, end)


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start and any(c.isalnum() for c in text[start:end]):
        yield start, end


def split_sentences(text: str):  # noqa: ANN201 - kept for callers that split a whole text
    """Sentences of a whole text, line by line (every line is at least one sentence)."""
    from bot.models import Sentence

    index = 0
    for line in re.finditer(r"[^\n]+", text):
        for s, e in split(text, line.start(), line.end()):
            yield Sentence(index=index, text=text[s:e], start=s, end=e)
            index += 1
