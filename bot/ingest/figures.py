"""Figures: money, percentages, capacities, counts and target years, each with what it measures."""

from __future__ import annotations

import re
from dataclasses import dataclass


_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s?(?:trillion|billion|million|thousand|bn|mn|tn|m|k)\b)"
_CURRENCY_WORDS = r"(?:US dollars|dollars|USD|euros?|EUR|roubles?|rubles?|RUB|yuan|CNY|dong|VND|rupees?|yen|pounds?)"

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("money", re.compile(rf"(?:US\$|\$|€|£|¥|₽)\s?(?:{_NUMBER}){_SCALE}?")),
    ("money", re.compile(rf"(?<![\w$])(?:{_NUMBER}){_SCALE}?\s{_CURRENCY_WORDS}\b")),
    ("percent", re.compile(rf"(?<![\w.])(?:{_NUMBER})\s?(?:%|per ?cent\b)")),
    ("capacity", re.compile(rf"(?<![\w.])(?:{_NUMBER})\s?(?:GW|MW|kW|TWh|GWh|MWh|kWh|gigawatts?|megawatts?)\b")),
    (
        "volume",
        re.compile(
            rf"(?<![\w.])(?:{_NUMBER}){_SCALE}?\s(?:tonnes|tons|barrels|cubic metres|cubic meters|bcm|tonnes per year|passengers|TEU)\b"
        ),
    ),
    ("count", re.compile(r"\b(?:[Tt]ens|[Hh]undreds|[Tt]housands|[Mm]illions) of(?: (?:thousands|millions) of)?(?=\s[a-zA-Z])")),
    ("target year", re.compile(r"(?:(?<=\bthrough )|(?<=\buntil )|(?<=\btill )|(?<=\bby ))(?:20\d\d|21\d\d)\b")),
)
_COUNT_NUMBER = re.compile(rf"(?<![\w.$€£%])({_NUMBER})\s(?!(?:percent|per cent|MW|GW|kW)\b)([a-z]+s)\b")
_NOT_COUNTED = {"years", "days", "months", "weeks", "hours", "minutes", "times", "percent", "decades"}


_ANY_FIGURE = re.compile(r"\d|\b(?:tens|hundreds|thousands|millions) of\b", re.I)


@dataclass
class FigureCandidate:
    value: str
    unit: str
    about: str
    start: int
    end: int


def find_figures(text: str) -> list[FigureCandidate]:
    """Figures of one sentence (pure); `about` is the sentence's own words around the figure."""
    found: list[FigureCandidate] = []
    if not _ANY_FIGURE.search(text):
        return found
    for unit, pattern in PATTERNS:
        for match in pattern.finditer(text):
            if any(f.start <= match.start() < f.end or match.start() <= f.start < match.end() for f in found):
                continue
            value = match.group().strip()
            if unit == "count":
                value = value.removesuffix(" of").strip()
            found.append(FigureCandidate(value, unit, _about(text, match.start(), match.end(), unit), match.start(), match.end()))
    for match in _COUNT_NUMBER.finditer(text):
        number, noun = match.groups()
        if noun in _NOT_COUNTED or re.fullmatch(r"(?:19|20)\d\d", number):
            continue
        if any(f.start <= match.start() < f.end for f in found):
            continue
        found.append(FigureCandidate(f"{number} {noun}", "count", _about(text, match.start(), match.end(), "count"), match.start(), match.end()))
    found.sort(key=lambda f: f.start)
    return found


def _about(text: str, start: int, end: int, unit: str) -> str:
    """What the figure measures: the noun phrase after a capacity or count, else the clause around the figure."""
    if unit in ("capacity", "count", "volume"):
        following = re.match(r"\s*(?:of\s+)?((?:[\w’'-]+\s*){1,6}?)(?=\s(?:in|on|at|for|to|by|from|with|and|which|that|,)\b|[,.;]|$)", text[end:])
        if following and following.group(1).strip():
            return following.group(1).strip()
    clause_start = max(text.rfind(sep, 0, start) for sep in (",", ";", "—", " – ", ":"))
    clause_end_candidates = [i for i in (text.find(sep, end) for sep in (",", ";", " — ", " – ")) if i >= 0]
    clause_end = min(clause_end_candidates) if clause_end_candidates else len(text)
    clause = text[clause_start + 1 if clause_start >= 0 else 0 : clause_end].strip(" .")
    if len(clause.replace(text[start:end], "").split()) < 3:
        first = re.split(r"[,;—–]", text)[0].strip(" .")
        clause = first if len(first.split()) >= 3 else text.strip(" .")
    words = clause.split()
    return " ".join(words[:16]) + ("…" if len(words) > 16 else "")
