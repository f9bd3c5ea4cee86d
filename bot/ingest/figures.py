"""Figures: money, percentages, capacities, volumes, multipliers, durations and counts, each with what it measures.

The units live in `lexicon/units.json` (currencies with their symbols and words, scales, units by kind); one
pattern is built from them. What looks like a figure but is not one is dropped by its shape: a model name
(VVER-1200, Su-30MK2, 737-8), a number that ends a name ('Military Hospital 175', 'Block 12/11', 'No.1'),
a year, a date, a period ('2025-2027'), an ordinal. What a figure measures is read from its own clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.ingest import lexicon

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_CLAUSE = re.compile(r"[,;:()]|\s[—–]\s|\s-\s|\b(?:and|but|while|which|who|whereas)\b")


@dataclass
class FigureCandidate:
    value: str
    unit: str  # money | percent | capacity | energy | volume | multiplier | duration | count
    about: str
    start: int
    end: int
    key: str  # the figure normalised for merging: 'USD 5.2e9', 'percent 20', 'count 40 companies'
    rule: str = ""


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class _Patterns:
    numeric: re.Pattern[str]  # a figure that starts with a number or a currency, matched where one starts
    anchor: re.Pattern[str]  # where a number or a currency starts
    approximator: re.Pattern[str]  # 'over ', 'more than ' right before a figure
    worded: re.Pattern[str]  # 'fourfold', 'tens of thousands of' 
    currency: dict[str, str]
    scales: dict[str, float]
    unit_kind: dict[str, str]
    plural_nouns: frozenset[str]
    not_counted: frozenset[str]


@cache
def _patterns() -> _Patterns:
    data = lexicon.load("units.json")
    currency: dict[str, str] = {}
    before: list[str] = []
    after: list[str] = []
    for entry in data["currencies"]:
        for word in entry["before"]:
            currency[word.lower()] = entry["code"]
            before.append(word)
        for word in entry["after"]:
            currency[word.lower()] = entry["code"]
            after.append(word)
    scales = {k.lower(): v for k, v in data["scales"].items()}
    unit_kind = {word.lower(): kind for kind, words in data["units"].items() for word in words}
    unit_words = [word for words in data["units"].values() for word in words]
    number = rf"(?:{_NUMBER})"
    scale = rf"(?:\s?(?:{_alternation(list(scales))})\b)"
    rate = rf"(?:\s(?:{_alternation(data['rates'])})\b)?"
    symbol_before = _alternation([w for w in before if not w.isalpha()])
    code_before = _alternation([w for w in before if w.isalpha()])
    units = _alternation(unit_words)
    numeric = [
        rf"(?P<money1>(?:(?:{symbol_before})\s?|(?<![\w$])(?:{code_before})\s){number}{scale}?)",
        rf"(?P<money2>(?<![\w.$]){number}{scale}?\s(?:{_alternation(after)})\b)",
        rf"(?P<range>(?<![\w.]){number}\s(?:to|-|–)\s{number}\s?(?:%|percent\b|per cent\b))",
        rf"(?P<unit>(?<![\w.$/-]){number}{scale}?\s?(?:{units})(?![\w])(?:\s(?:of\s)?[a-z]+(?:\s[a-z]+)?)??{rate})",
        rf"(?P<count>(?<![\w.$/-]){number}{scale}?(?:\s(?:[A-Z][\w.-]*|[a-z][\w-]*|\d[\w-]*)){{0,3}}?\s(?P<noun>[a-z][a-z-]*s|{_alternation(data['plural_nouns'])})\b)",
    ]
    return _Patterns(
        numeric=re.compile("|".join(numeric)),
        anchor=re.compile(rf"(?:(?:{symbol_before})|(?<![\w$])(?:{code_before})\s)(?=\d)|(?<![\w.,$])\d"),
        approximator=re.compile(rf"(?i:{_alternation(data['approximators'])})\s$"),
        worded=re.compile(
            rf"(?P<multiplier>\b(?:a\s)?(?:{_alternation(data['multipliers'])})(?:\s(?:{_alternation(data['multiplier_nouns'])}))?\b)"
            rf"|(?P<vague>\b(?i:{_alternation(data['vague_counts'])})\sof(?=\s[a-zA-Z]))"
        ),
        currency=currency,
        scales=scales,
        unit_kind=unit_kind,
        plural_nouns=frozenset(data["plural_nouns"]),
        not_counted=frozenset(data["not_counted"]),
    )


_ANY_FIGURE = re.compile(r"\d|fold\b|\b(?:tens|hundreds|thousands|millions|dozens|billions) of\b", re.I)
_MODEL = re.compile(r"^[A-Za-z]+-\d|\d-\d{1,2}(?!\d)|\d[A-Za-z]+\d")
_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d|21\d\d)$")


def find_figures(text: str) -> list[FigureCandidate]:
    """Figures of one sentence (pure); `about` is the sentence's own words around the figure."""
    if not _ANY_FIGURE.search(text):
        return []
    patterns = _patterns()
    found: list[FigureCandidate] = []
    taken = -1  # the end of the last figure kept: a match inside it is part of it
    for match, start in _matches(text, patterns):
        if start < taken:
            continue
        kind = match.lastgroup or ""
        if kind == "noun":
            kind = "count"
        end = match.end()
        value = text[start:end].strip()
        if kind == "multiplier":
            value = re.sub(r"^a\s", "", value)
            start = end - len(value)
        if kind == "vague":
            value = value.removesuffix(" of")
            end = start + len(value)
        if not _is_figure(text, start, end, value, kind, match, patterns):
            continue
        unit = {"money1": "money", "money2": "money", "range": "percent", "vague": "count"}.get(kind, kind)
        if kind == "unit":
            word = _unit_word().search(value[re.search(_NUMBER, value).end():])
            unit = patterns.unit_kind.get(word.group().lower(), "volume") if word else "volume"
            offset = re.search(_NUMBER, value).end()
            value = value[: offset + word.end()] + _rate(value[offset + word.end() :]) if word else value
        about = _about(text, start, end, unit, value)
        found.append(FigureCandidate(value, unit, about, start, start + len(value), _key(value, unit, patterns), rule=f"figure-{unit}"))
        taken = match.end()
    return found


def _matches(text: str, patterns: _Patterns) -> list[tuple[re.Match[str], int]]:
    """Figure matches in reading order, each with where it starts (an approximator before it included). The
    numeric pattern is tried only where a number or a currency starts, so a long sentence costs little."""
    found: list[tuple[re.Match[str], int]] = []
    covered = -1
    for anchor in patterns.anchor.finditer(text):
        if anchor.start() < covered and not text[anchor.start() - 1 : anchor.start()].isspace():
            continue  # inside a match, only a number that starts a word may start a figure of its own
        match = patterns.numeric.match(text, anchor.start())
        if match is None:
            continue
        start = match.start()
        before = patterns.approximator.search(text, max(0, start - 24), start)
        if before:
            start = before.start()
        found.append((match, start))
        covered = match.end()
    if "fold" in text or " of " in text:
        for match in patterns.worded.finditer(text):
            if not any(s <= match.start() < m.end() for m, s in found):
                found.append((match, match.start()))
    found.sort(key=lambda pair: pair[1])
    return found


def _rate(rest: str) -> str:
    """'1 million metric tonnes per annum': a rate right after the unit belongs to the figure."""
    rate = re.match(r"\s(?:per annum|per year|a year|per day|a day|per month|a month|annually)\b", rest)
    return rate.group() if rate else ""


def _is_figure(text: str, start: int, end: int, value: str, kind: str, match: re.Match[str], patterns: _Patterns) -> bool:
    number = re.search(_NUMBER, value)
    before = text[max(0, start - 12) : start]
    after = text[end : end + 3]
    if kind in ("multiplier", "vague"):
        return True
    if number is None:
        return False
    digits = number.group()
    n_start = start + number.start()
    n_end = start + number.end()
    token_before = re.search(r"(\S+)\s*$", text[max(0, n_start - 30) : n_start])
    word_before = token_before.group(1) if token_before else ""
    # part of a model, a block or a name: 'VVER-1200', '737-8', 'Block 12/11', 'Hospital 175', 'No.1', 'Ninh Thuận 1'
    if text[n_end : n_end + 1] in ("/", "-") and text[n_end + 1 : n_end + 2].isdigit():
        return False
    if n_start > 0 and text[n_start - 1] in "-/" and text[n_start - 2 : n_start - 1].isalnum():
        return False
    if n_start > 0 and text[n_start - 1] == "." and word_before.lower().startswith("no"):
        return False
    if kind in ("count", "unit", "range") and word_before and word_before[0].isupper() and n_start - start == 0 and n_start - len(word_before) - 1 > 0:
        if word_before.rstrip(".,") not in patterns.currency and not re.fullmatch(_MONTHS + r"\.?", word_before):
            return False  # a number right after a capitalised word names something ('Lilama 10', 'Block 1')
    if re.fullmatch(_MONTHS + r"\.?", word_before.rstrip(",")) or re.match(rf"\s*{_MONTHS}\b", text[n_end:]):
        return False  # a date: 'October 27', '31 August 2024'
    if re.match(r"(?:st|nd|rd|th)\b", text[n_end:]):
        return False  # an ordinal: '26th', '80th anniversary'
    if kind == "count":
        noun = (match.group("noun") or "").lower()
        if noun in patterns.not_counted or _YEAR.match(digits) or noun in patterns.unit_kind:
            return False
        fill = value[number.end() :].strip().split()[:-1]
        if any(w.lower() in ("of", "in", "and", "to", "for", "by", "on", "at", "from") for w in fill[:1]):
            return False
        if re.match(r"\d+-", text[n_start:]):
            return False  # '2025-2027 period', '15-year deal' is a duration adjective, not a count
    if kind == "unit" and _YEAR.match(digits) and "," not in digits:
        return False
    return not after.startswith(("th ", "st ", "nd ", "rd "))


def _about(text: str, start: int, end: int, unit: str, value: str) -> str:
    """What the figure measures: for a count, the things counted; else the words of its own clause."""
    vague = re.match(r"(?:tens of |hundreds of )?(?:thousands|millions|hundreds|dozens|billions|tens)\b", value, re.I)
    if unit == "count" and vague:
        following = re.match(r"\s+of\s+((?:[\w’'-]+\s*){1,6}?)(?=\s(?:in|on|at|for|to|by|from|with|and|which|that|who)\b(?!\s+(?:eastern|western|northern|southern|the))|[,.;:]|$)", text[end:])
        if following:
            return following.group(1).strip()
    if unit == "count" and not vague:
        number = re.search(rf"(?:{_NUMBER})(?:\s(?:million|billion|thousand))?", value)
        words = value[number.end() :].strip() if number else ""
        if words and words[0].isalpha():
            return words
    bounds = [0] + [m.end() for m in _CLAUSE.finditer(text)] + [len(text)]
    clause_start = max(b for b in bounds if b <= start)
    clause_end = min(b for b in bounds if b >= end)
    clause = text[clause_start:clause_end].strip(" .,;")
    rest = (clause.replace(value, " ").strip(" .,;")).split()
    if len(rest) < 3:
        first = re.split(r"[,;—–]", text)[0].strip(" .")
        clause = first if len(first.split()) >= 3 else text.strip(" .")
    words = clause.split()
    return " ".join(words[:14]) + ("…" if len(words) > 14 else "")


@cache
def _unit_word() -> re.Pattern[str]:
    """A unit's word, compiled once (not per figure)."""
    return re.compile(rf"(?:{_alternation(list(_patterns().unit_kind))})(?![\w])", re.I)


@cache
def _scale_word() -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(s) for s in _patterns().scales) + r")\b")


@cache
def _currencies_longest_first() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(_patterns().currency.items(), key=lambda item: -len(item[0])))


def _key(value: str, unit: str, patterns: _Patterns) -> str:
    """The figure normalised: '$5.2 billion' and 'USD 5.2 billion' are 'USD 5200000000'; '20%' and '20 percent'
    are 'percent 20'; 'a fourfold increase' and 'increased fourfold' are 'multiplier fourfold'."""
    number = re.search(_NUMBER, value)
    if unit == "multiplier":
        return "multiplier " + re.search(r"\w+fold", value).group().lower()
    if number is None:
        return f"{unit} {value.lower()}"
    amount = float(number.group().replace(",", ""))
    scale = _scale_word().search(value[number.end() :].lower())
    if scale:
        amount *= patterns.scales[scale.group(1)]
    if unit == "money":
        low = value.lower()
        code = next((c for w, c in _currencies_longest_first() if w in low), "?")
        return f"{code} {amount:g}"
    if unit == "count":
        noun = value.split()[-1].lower()
        return f"count {amount:g} {noun}"
    if unit == "percent":
        return f"percent {amount:g}"
    return f"{unit} {amount:g} {value.split()[-1].lower()}"
