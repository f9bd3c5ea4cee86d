"""What an article says an organisation is, in an apposition after its name, when no descriptor before the name
says it ('Russian oil company X'): 'Orion Holding – one of the country’s leading multi-sector private investment firms
established in 1993 –', 'Borealgas, the country's largest LNG producer, said …'. The words are the article's own."""

from __future__ import annotations

import re

from bot.ingest.lexicon import Lexicon, lexicon

MAX_WORDS = 16  # an apposition describes in a phrase; longer, it is the rest of the sentence
_OPENING = re.compile(r"\s*(?:(?P<dash>[–—]|\s-\s)|(?P<comma>,))\s*")
_START = re.compile(r"(?:one of|an?|the)\s+|[A-Z][\w’'.-]*(?:’s|'s)\s+")
_WORD = re.compile(r"[^\W\d_][\w’'-]*")


def apposition(sentence: str, name: str, lex: Lexicon | None = None) -> str | None:
    """The description an apposition gives right after `name` in the sentence, or None: it opens with a dash or
    a comma, then 'one of', an article or a possessive ('Russia’s'), runs to the matching dash (or the next
    comma or the end), and holds a noun that describes organisations ('firm', 'company', 'producer')."""
    lex = lex or lexicon()
    at = sentence.find(name)
    while at >= 0:
        after = at + len(name)
        if not sentence[after : after + 1].isalnum():
            found = _described(sentence, after, lex)
            if found:
                return found
        at = sentence.find(name, at + 1)
    return None


def _described(sentence: str, after: int, lex: Lexicon) -> str | None:
    opening = _OPENING.match(sentence, after)
    if not opening:
        return None
    start = opening.end()
    if not _START.match(sentence, start):
        return None
    if opening.group("dash"):
        close = re.compile(r"\s*(?:[–—]|\s-\s)|[,;.](?:\s|$)|$")
    else:
        close = re.compile(r"[,;](?:\s|$)|\.(?:\s|$)|$")
    end = close.search(sentence, start)
    phrase = sentence[start : end.start() if end else len(sentence)].strip().rstrip(".")
    words = _WORD.findall(phrase)
    if not words or len(words) > MAX_WORDS:
        return None
    first = words[0]
    if first[:1].isupper() and not re.match(r"[A-Z][\w’'.-]*(?:’s|'s)\b", phrase):
        return None  # 'X, Chairman Y said': a name or a title, not a description
    if not any(_describes(word, lex) for word in words):
        return None
    return phrase


def _describes(word: str, lex: Lexicon) -> bool:
    low = word.lower()
    for form in (low, low[:-1] if low.endswith("s") else None, low[:-2] if low.endswith("es") else None):
        if form and "descriptor" in lex.gazetteer.phrase(form):
            return True
    return False
