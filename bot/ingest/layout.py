"""The lines of a saved news page, each given a kind: what is the article and what is the page around it.

A page is a head (site name, menus, headline, standfirst, dates, bylines, photo captions), a body (the dateline
lead, paragraphs, headings and list items) and a tail (signature, credits, source line, related links, contacts,
copyright). Kinds come from the shape of a line and its place, and from generic phrase lists in
`lexicon/chrome.json`; nothing here knows a particular site.

Every pattern here runs in time linear in the line: no nested quantifiers over the same characters.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache

from bot.ingest import lexicon
from bot.text import alternation, fold

MAX_LINE = 20_000  # a line longer than this with no sentence end is not prose (a dump, a base64 blob)

URL = re.compile(r"https?://[^\s<>\"]+")
_URL_LINE = re.compile(r"(?:[\w ]{0,20}:\s*)?https?://\S+")
_EMAIL = re.compile(r"(?<![\w.+-])[\w+-]+(?:\.[\w+-]+)*@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?:\+\d[\d ().-]{6,}\d|\(\+?\d{1,4}\)[\d ().-]{5,}\d|(?<![\d,.])\d{2,4}[ .-]\d{3,4}[ .-]\d{3,4}(?:[ .-]\d{2,4})?)(?![\d,])"
)
_IMAGE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg)(?:\?|$)|/img/|/images?/", re.I)
SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]?$")
_HAS_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]?(?:\s|$)")
BULLET = re.compile(r"(?:[-•·*▪►–]\s+|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+)")
_ICON_WORD = re.compile(r"[a-z]+(?:_[a-z]+)+\b")  # icon-font ligatures: chevron_right, chat_bubble_outline
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|"
    r"Nov(?:ember)?|Dec(?:ember)?|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\.?"
)
_DATE_PIECE = re.compile(
    rf"\b(?:\d{{1,2}}\s{_MONTH}(?:,?\s\d{{4}})?|{_MONTH}\s\d{{1,2}}(?:,\s?\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}(?:T[\d:+]+)?|"
    rf"\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}|\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s?[AP]M)?)(?![\w/])",
)
_DATE_WORDS = frozenset(
    "updated update published posted on at by | - – — , : . gmt utc ist et est wib ict msk cet bst pm am ago hours hour "
    "minutes mins min days day monday tuesday wednesday thursday friday saturday sunday today yesterday last".split()
)
_TZ = re.compile(r"^(?:GMT|UTC)[+-]\d{1,2}(?::\d{2})?$|^[+-]\d{4}$")
_CREDIT_AT_END = re.compile(
    r"(?:\((?:[\w.'’ -]{0,30}\s)?Photos?\s?[:/][^()]{1,80}\)"  # (Photo: VNA), (AP Photo/Thanh Nam)
    r"|\bPhotos?\s+courtesy\s+of\s+[^.]{1,60}"  # Photo courtesy of Boeing
    r"|\b[A-Z]{2,10}\s+Photos?\s+[^\W\d_][^()©]{1,40}"  # VNS Photo Văn Hải
    r"|©\s?[^©]{1,80})\s*$"  # © Getty Images / Lan Tran
)
_PAREN_AT_END = re.compile(r"\(([^()]{2,80})\)\s*$")
_BYLINE = re.compile(r"^(?:By|BY|Written by|Story by|Words by)\s+(?P<names>[^\W\d_][^|•]{1,120})$")
_LABELLED = re.compile(
    r"^(?P<label>Reporter|Reporters|Editor|Editors|Writer|Author|Authors|Edited by|Reported by|Photo|Photos|Text|"
    r"Editing|Translated by|Compiled by|Correspondent)\s*[:|]\s*(?P<names>\S.{0,120})$",
    re.I,
)
_REPORTING = re.compile(r"^\(?\s*(?:Reporting|Additional reporting|Writing|Editing)\s+by\b.{0,400}$", re.I)
_REPORTED_FROM = re.compile(r"^[^\W\d_][\w’'-]*(?:\s[^\W\d_][\w’'-]*){0,3}\s(?:reported|contributed)\b.{0,80}\.$")
_SOURCE = re.compile(r"^(?:Source|SOURCE|Nguồn|Источник|Quelle|Fuente)\s*:?\s+(?P<name>\S.{0,80}?)\.?$")
_PROVIDED_BY = re.compile(r"^(?:News|Content|Press release)?\s*provided by\s*:?\s*(?P<name>.{0,80})$", re.I)
_SIGNATURE = re.compile(r"\s+[—–]{1,2}\s*(?P<name>[A-Z][\w&.’'-]*(?:\s[A-Z][\w&.’'-]*){0,3})\s*$")
_LONE_SIGNATURE = re.compile(r"^[—–-]{1,2}\s*(?P<name>[A-Z][\w&.’'-]*(?:\s[A-Z][\w&.’'-]*){0,3})$")
_CLOSING_MARKS = re.compile(r"\s*(?:\./\.|■|\(END\)|\(end\)|\[END\]|-30-|###)\s*$")
_CLOSING_TEXTS = ("./.", "■", "(END)", "(end)", "[END]", "-30-", "###")  # one of them is in every closing mark
_COPYRIGHT = re.compile(r"(?:©|\(c\)|Copyright)\s*(?:©\s*)?(?:\d{4}(?:\s?[-–]\s?\d{4})?\s*)?(?P<owner>[^\W\d_][^.|©]{0,60})", re.I)
_RIGHTS = re.compile(r"\s*[.,]?\s*(?:All rights reserved|ALL RIGHTS RESERVED|Reproduction.*)$")
_MENU_SPLIT = re.compile(r"\s[|•·]\s|\s\|\s?|\s?\|\s")
_COUNTER = re.compile(r"^(?:[\w ]{0,20}[:(]\s*)?[\d,.]+\s*\)?\s*(?:views?|comments?|likes?|shares?|reads?)?$|"
                      r"^(?:views?|comments?|likes?|shares?|visitor counter|release id)\b.{0,40}$", re.I)
_STAFF_INITIALS = re.compile(r"^[A-Z]{1,4}(?:/[A-Za-z]{1,8}){1,5}$|^\*{3,}$|^[-=_*#~]{3,}$")
_ABOUT = re.compile(r"^About\s+(?:the\s+)?[A-Z][\w&.’' -]{1,60}$")


@cache
def _OUTLET_WORDS() -> frozenset[str]:  # noqa: N802 - a constant read from data
    return frozenset(fold(w) for w in lexicon.load("chrome.json")["outlet_words"])


@dataclass(frozen=True)
class Chrome:
    phrases: tuple[str, ...]
    whole_lines: frozenset[str]
    max_words: int
    short_phrases: tuple[str, ...]
    short_max_words: int
    icon_words: frozenset[str]
    list_headers: tuple[str, ...]
    tag_headers: frozenset[str]

    def phrase_in(self, low: str) -> bool:
        return self._phrases.search(low) is not None

    def short_phrase_in(self, low: str) -> bool:
        return self._short_phrases.search(low) is not None

    @cached_property
    def _phrases(self) -> re.Pattern[str]:  # kept on the instance: no hashing of the phrase tuple per line
        return _any_of(self.phrases)

    @cached_property
    def _short_phrases(self) -> re.Pattern[str]:
        return _any_of(self.short_phrases)


@cache
def _any_of(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One scan for any of the phrases (as substrings, the way they are written in the data)."""
    return re.compile(alternation(phrases))


@cache
def chrome() -> Chrome:
    data = lexicon.load("chrome.json")
    return Chrome(
        phrases=tuple(data["phrases"]),
        whole_lines=frozenset(data["whole_lines"]),
        max_words=int(data["max_words"]),
        short_phrases=tuple(data["short_phrases"]),
        short_max_words=int(data["short_max_words"]),
        icon_words=frozenset(data["icon_words"]),
        list_headers=tuple(data["list_headers"]),
        tag_headers=frozenset(data["tag_headers"]),
    )


@dataclass
class Line:
    """One line of the page, its kind, and what it says about the page (outlet, people credited)."""

    text: str
    kind: str = "paragraph"  # paragraph | heading | bullet | headline | standfirst | byline | credit | caption | source | chrome
    start: int = 0  # the part of the line that is the block (a signature or closing mark cut off)
    end: int = -1
    dateline: int = 0  # length of a dateline opening the line ("HANOI, Nov 20 (Reuters) - ")
    agency: str | None = None  # an outlet named by the line (dateline agency, byline organisation, source line)
    signature: str | None = None
    why: str = ""  # the rule that gave the kind, for `citebot explain`

    def __post_init__(self) -> None:
        if self.end < 0:
            self.end = len(self.text)

    @property
    def body(self) -> str:
        return self.text[self.start : self.end]


@dataclass
class Page:
    lines: list[Line]
    url: str | None = None
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- single-line shapes


def word_count(line: str) -> int:
    return len(line.split())


def is_menu(line: str) -> bool:
    """`Home | News | Contact`, `English | Tiếng Việt`: short items between separators."""
    if "|" not in line and " • " not in line and " · " not in line:
        return False
    items = [item.strip() for item in _MENU_SPLIT.split(line) if item.strip()]
    return len(items) >= 2 and all(word_count(item) <= 5 and not SENTENCE_END.search(item) for item in items)


def date_remainder(line: str) -> str | None:
    """For a line that is mostly a date or a time ('Updated 6:12 AM GMT+7, March 4, 2025'), what is left
    once the date, times, weekdays and zone words are taken away; None for a line that carries no date."""
    if word_count(line) > 16 or not _DATE_PIECE.search(line):
        return None
    rest = _DATE_PIECE.sub(" ", line)
    kept = []
    for word in re.split(r"(\s+|[|,])", rest):
        bare = word.strip(" ,.:|-–—()")
        if not bare or fold(bare) in _DATE_WORDS or _TZ.match(bare) or re.fullmatch(r"[\d:.+/-]+", bare):
            continue
        kept.append(bare)
    return " ".join(kept)


def credit_at_end(line: str) -> tuple[int, str] | None:
    """Where a photo credit closing a caption starts, and the credit: (start, credit)."""
    if "©" not in line and "hoto" not in line:
        return None
    match = _CREDIT_AT_END.search(line)
    if match:
        return match.start(), match.group().strip()
    return None


def is_chrome_line(line: str, main_script: str) -> str:
    """The reason a line is page chrome by its shape or a generic phrase, or '' when it is not."""
    data = chrome()
    words = line.split()
    low = line.lower().strip(" •·-–—|>›»")
    if not low:
        return "empty"
    if low in data.whole_lines:
        return "menu word"
    if _ICON_WORD.match(low) or words[0] in data.icon_words:
        return "icon word"
    if "http" in line and (_URL_LINE.fullmatch(line) or (URL.search(line) and word_count(URL.sub("", line)) <= 3)):
        return "address"
    if len(words) <= 12 and "@" in line and _EMAIL.search(line):
        return "e-mail"
    if len(words) <= 10 and _PHONE.search(line) and not _HAS_SENTENCE_END.search(line[:-1]):
        return "phone"
    if _COUNTER.match(line) or _STAFF_INITIALS.match(line):
        return "counter"
    if is_menu(line):
        return "menu"
    if ("©" in line or low.startswith("copyright")) and (len(words) <= 14 or _RIGHTS.search(line)):
        return "copyright"
    if len(words) <= data.max_words and data.phrase_in(low):
        return "chrome phrase"
    if len(words) <= data.short_max_words and data.short_phrase_in(low):
        return "chrome phrase"
    if not re.search(r"[^\W\d_]", line):
        return "no letters"
    if not line.isascii() and len(words) <= 40 and script(line) not in (main_script, "other"):
        return "other script"
    if main_script == "latin" and 3 <= len(words) <= 40 and not line.isascii() and _marked_share(line) > 0.2:
        return "other language"  # a Vietnamese, Turkish … line on an English page: a translated menu or caption
    if _run_together(line):
        return "run-together summary"
    return ""


def _marked_share(line: str) -> float:
    """Share of letters with diacritics: an English sentence naming 'Hà Nội' has few, a Vietnamese one many."""
    letters = [c for c in line if c.isalpha()]
    return sum(1 for c in letters if not c.isascii()) / len(letters) if letters else 0.0


_GLUED = re.compile(r"[a-z\d)][.:!?][A-Z]|[a-z]{3}[A-Z][a-z]")
# a capital right after a mark or a lower-case letter: every match of _GLUED holds one of its own, so a line with
# fewer than three has fewer than three glued joints (found by their rare capital first)
_GLUED_HINT = re.compile(r"[A-Z](?<=[.:!?a-z][A-Z])")


_GLUED_WORDS = re.compile(r"[a-z]{3}[A-Z][a-z]{2}|[a-z]:[A-Z]")


def _run_together(line: str) -> bool:
    """A page's summary widget glues headings and sentences without spaces: 'MeetingStatements by X:Putin said'.
    Prose whose sentences only lost the space after their full stops ('in Vietnam.Speaking at …') is still prose."""
    if len(_GLUED_HINT.findall(line)) < 3 or len(_GLUED.findall(line)) < 3:
        return False
    return not is_prose(line) or len(_GLUED_WORDS.findall(line)) >= 2


_WITHOUT_ASCII_LETTERS = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")


def script(text: str) -> str:
    """The script most letters of text are written in: latin, cyrillic or other."""
    counts: Counter[str] = Counter(latin=len(text) - len(text.translate(_WITHOUT_ASCII_LETTERS)))  # [A-Za-z] counted
    for char in _NON_ASCII_LETTER.findall(text) if not text.isascii() else ():
        counts[_script_of(char)] += 1
    return counts.most_common(1)[0][0] if any(counts.values()) else "other"


@lru_cache(maxsize=4096)
def _script_of(char: str) -> str:
    import unicodedata

    name = unicodedata.name(char, "")
    return "cyrillic" if "CYRILLIC" in name else "latin" if "LATIN" in name else "other"


def is_prose(line: str) -> bool:
    """A paragraph: enough words, mostly lower-case words, and a sentence end."""
    words = line.split()
    if len(words) < 8 or not _HAS_SENTENCE_END.search(line):
        return False
    enough = len(words) * 0.35
    lower = 0
    for word in words:
        if word[0].islower():
            lower += 1
            if lower >= enough:
                return True  # a paragraph's words are mostly lower case: no need to count them all
    return len(words) >= 12 and lower >= len(words) * 0.15 and bool(SENTENCE_END.search(line))


def looks_like_headline(line: str) -> bool:
    words = line.split()
    return (
        3 <= len(words) <= 30
        and line[:1].isupper() or line.startswith(("(", "“", '"', "‘"))
    ) and not line.endswith((":", ",", ";")) and (not SENTENCE_END.search(line) or line.endswith(("?", "!")))


# ---------------------------------------------------------------- datelines


_DATELINE_AGENCY = re.compile(
    r"^(?P<pre>[^/\n]{0,70}?)\s?(?:\((?P<a1>[A-Z][\w&/ .-]{0,40})\)|/(?P<a2>[A-Z][\w&.-]{1,24})/\.?)"
    r"(?P<tail>\s*(?:[—–:-]{1,2}\s+|\.\s+|(?=[A-Z“\"‘])))"
)
_DATELINE_PLAIN = re.compile(r"^(?P<pre>[^\W\d_][^\s,—–]*(?:\s[^\s,—–]+){0,4}?(?:,\s[^—–\n]{3,30}?)?)\s[—–]{1,2}\s+")
_DATELINE_DOTTED = re.compile(r"^(?P<pre>[A-Z][A-Z.'’-]+(?:\s[A-Z][A-Z.'’-]+){0,3})\.\s(?P<a3>[A-Z]{3,}(?:\s[A-Z]{2,})?)\s[—–-]{1,2}\s+")


def _place_like(pre: str) -> bool:
    """The words before an agency are a place and maybe a date: capitalised words, numbers, a bracketed country."""
    pre = re.sub(r"[\[(][^\])]{1,30}[\])]", " ", pre).strip(" ,.")
    if not pre:
        return True
    words = [w.strip(",.") for w in pre.split()]
    return len(words) <= 9 and all(w[:1].isupper() or w[:1].isdigit() for w in words if w)


def parse_dateline(line: str) -> tuple[int, str | None] | None:
    """(length, agency) of a dateline opening `line`: 'HANOI, Nov 20 (Reuters) - ', 'MOSCOW (AP) — ',
    'HANOI, October 14. /TASS/. ', 'ASTANA. KAZINFORM – ', 'HÀ NỘI — ', '(PVN) - '."""
    head = line[:160]
    match = _DATELINE_AGENCY.match(head)
    if match and _place_like(match["pre"]) and (match["pre"].strip() or match["tail"].strip()):
        agency = (match["a1"] or match["a2"] or "").strip()
        words = agency.replace("/", " ").split()
        if agency and len(words) <= 4 and not re.fullmatch(r"\d.*", agency):
            # '(R)', '(left)' in a caption are not agencies; a country in brackets is part of the place
            if agency[:1].isupper() and (agency.isupper() or len(words) <= 3) and len(agency) > 1:
                end = match.end()
                if end < len(line) and (match["tail"].strip() or line[end:end + 1].isupper() or line[end:end + 1] in "“\"‘"):
                    return end, agency.split("/")[0].strip()
    match = _DATELINE_DOTTED.match(head)
    if match:
        return match.end(), match["a3"]
    match = _DATELINE_PLAIN.match(head)
    if match:
        place = match["pre"].split(",")[0]
        letters = [c for c in place if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and len(letters) >= 3:
            return match.end(), None
    return None


# ---------------------------------------------------------------- the page


@dataclass
class OutletClue:
    """A place on the page that names who published it, and how strongly that place says so."""

    name: str
    how: str  # signature | dateline | source | byline | lone | site | copyright | mention


def _heading(line: str) -> bool:
    return line.endswith(":") and word_count(line) <= 12


def _first_pass(line: str, main_script: str, agencies: frozenset[str]) -> tuple[str, str]:
    """(kind, why) from the line alone; 'short' is a line whose kind its place decides."""
    if len(line) > MAX_LINE and not _HAS_SENTENCE_END.search(line):
        return "chrome", "overlong line"
    if (_BYLINE.match(line) or _LABELLED.match(line)) and word_count(line) <= 14 and not is_prose(line):
        return "byline", "byline"
    reason = is_chrome_line(line, main_script)
    bullet = BULLET.match(line)
    if reason and not (bullet and word_count(line) >= 6 and reason in ("other script", "chrome phrase")):
        credit = credit_at_end(line) if reason == "copyright" else None
        if credit and word_count(line[: credit[0]]) >= 4 and not _RIGHTS.search(line) and "opyright" not in line[: credit[0]]:
            return "caption", "caption with a photo credit"
        return "chrome", reason
    if (_BYLINE.match(line) or _LABELLED.match(line)) and not is_prose(line):
        return "byline", "byline"  # 'By the end of the year, the two countries …' is prose
    if _REPORTING.match(line):
        return "credit", "reporting credit"
    if _SOURCE.match(line) or _PROVIDED_BY.match(line):
        return "source", "source line"
    remainder = date_remainder(line)
    if remainder is not None and word_count(remainder) <= 5:
        if "|" in line and 2 <= word_count(remainder) <= 3 and line.index("|") > len(remainder) - 2 and fold(remainder.split()[-1]) not in _OUTLET_WORDS():
            return "byline", "name and date"  # 'Elif Demir |12.11.2025 - Update : 12.11.2025'
        return "dated", "date line"
    credit = credit_at_end(line)
    if credit:
        return ("caption", "caption with a photo credit") if credit[0] > 0 else ("credit", "photo credit")
    paren = _PAREN_AT_END.search(line)
    if paren and fold(paren[1].split("/")[0]) in agencies and word_count(line) >= 5:
        return "caption", "caption with an agency credit"
    if bullet:
        return "bullet", "list item"
    if _heading(line):
        return "heading", "heading"
    if _REPORTED_FROM.match(line):
        return "credit", "reported from"
    if is_prose(line):
        return "paragraph", "prose"
    return "short", ""


# `_first_pass` of short lines: a site's chrome (menus, share buttons, contact lines) repeats on all its pages
_FIRST_PASSES: dict[tuple[str, str, frozenset[str]], tuple[str, str]] = {}
_FIRST_PASSES_KEPT = 65_536
_CACHED_LINE = 200


def classify(lines: list[str], agencies: frozenset[str]) -> Page:
    """Give every line of a page its kind (see the module docstring); `agencies` are folded agency names."""
    page = Page(lines=[Line(text=text) for text in lines])
    main_script = script(" ".join(lines)[:20_000])
    data = chrome()
    known = _FIRST_PASSES
    for line in page.lines:
        if len(line.text) <= _CACHED_LINE:
            key = (line.text, main_script, agencies)
            found = known.get(key)
            if found is None:
                if len(known) >= _FIRST_PASSES_KEPT:
                    known.clear()
                found = known[key] = _first_pass(line.text, main_script, agencies)
            line.kind, line.why = found
        else:
            line.kind, line.why = _first_pass(line.text, main_script, agencies)
        if line.kind == "chrome" and line.why == "overlong line":
            page.warnings.append(f"a line of {len(line.text):,} characters with no sentence end was skipped")
        if page.url is None and line.why == "address":
            match = URL.search(line.text)
            if match and not _IMAGE.search(match.group()):
                page.url = match.group().rstrip(".,;")

    # a caption's credit may stand on the next line: 'Space Agency Director General N' / '© Ivan Sokolov/TASS'
    for before, credit in zip(page.lines, page.lines[1:]):
        if credit.kind in ("credit", "chrome") and credit.why in ("photo credit", "copyright") and before.kind == "short":
            if credit.text.startswith(("©", "Photo", "(Photo")) and not _RIGHTS.search(credit.text):
                before.kind, before.why = "caption", "caption above a photo credit"
                credit.kind, credit.why = "credit", "photo credit"

    for before, after in zip(page.lines, page.lines[1:]):
        if before.kind == "source" and not source_name(before.text) and after.kind in ("short", "chrome"):
            after.kind, after.why = "source", "named by the line above"
    _lists(page, data)
    body_start, body_end = _body_bounds(page)
    for line in page.lines[body_start : body_end + 1]:
        words = line.text.split()
        if line.kind == "short" and len(words) >= 4 and SENTENCE_END.search(line.text) and any(w[:1].islower() for w in words):
            line.kind, line.why = "paragraph", "short sentence in the body"
    _head(page, body_start)
    _tail(page, body_end, agencies)
    _dateline(page, body_start)
    # the same line twice (a page's summary repeated, a paragraph copied into a widget): the first one stays
    seen: set[str] = set()
    for line in page.lines:
        if line.kind in ("paragraph", "standfirst", "caption", "heading") and line.text in seen:
            line.kind, line.why = "chrome", "repeated line"
        seen.add(line.text)
    for line, after in zip(page.lines, [*page.lines[1:], None]):
        if line.kind == "short":  # still undecided: a short line that opens what follows is a sub-heading
            opens = after is not None and after.kind in ("paragraph", "heading", "bullet")
            line.kind, line.why = ("heading", "sub-heading") if opens and looks_like_headline(line.text) else ("chrome", "stray short line")
        if line.kind == "dated":
            line.kind = "chrome"
        if line.kind in ("paragraph", "standfirst", "bullet"):
            _closing(line)
    return page


def _lists(page: Page, data: Chrome) -> None:
    """Related-article lists, tag lists, 'About X' boilerplate and bullets under a heading."""
    in_related = in_tags = in_list = False
    for n, line in enumerate(page.lines):
        low = line.text.lower().strip(" :›»")
        if low in data.tag_headers or low.startswith(("tags:", "tags :", "topics:", "keywords:")):
            line.kind, line.why, in_tags, in_related = "chrome", "tag list", True, False
            continue
        if any(low.startswith(header) for header in data.list_headers) and word_count(line.text) <= 6:
            line.kind, line.why, in_related, in_tags = "chrome", "related-links header", True, False
            continue
        if in_tags:
            if line.kind in ("short", "chrome") and word_count(line.text) <= 6:
                line.kind, line.why = "chrome", "tag"
                continue
            in_tags = False
        if in_related:
            if line.kind in ("short", "chrome", "heading", "bullet", "dated") or (line.kind == "paragraph" and word_count(line.text) < 16):
                line.kind, line.why = "chrome", "related link"
                continue
            in_related = False
        if line.kind == "heading":
            in_list = True
            continue
        if in_list and line.kind in ("short", "bullet", "chrome") and not line.why.startswith(("icon", "address", "e-mail", "copyright", "menu")):
            if line.kind == "bullet" or word_count(line.text) >= 2:
                line.kind, line.why = "bullet", "item under a heading"
                continue
        if line.kind not in ("bullet",):
            in_list = False
    # 'About Boeing' near the end and what follows it: a company's standard boilerplate
    for n, line in enumerate(page.lines):
        if n >= len(page.lines) * 0.6 and _ABOUT.match(line.text) and line.kind in ("short", "heading"):
            for rest in page.lines[n:]:
                if rest.kind not in ("source", "credit", "byline"):
                    rest.kind, rest.why = "chrome", "boilerplate about the issuer"
            break


def _body_bounds(page: Page) -> tuple[int, int]:
    """Index of the first and last line of the article's body."""
    prose = [n for n, line in enumerate(page.lines) if line.kind in ("paragraph", "bullet")]
    if not prose:
        return len(page.lines), len(page.lines)
    start = next((n for n in prose if page.lines[n].kind == "paragraph"), prose[0])
    for n, line in enumerate(page.lines[: max(prose[-1], 1)]):
        if line.kind == "paragraph" and parse_dateline(line.text):
            start = n
            break
    return start, prose[-1]


def _standfirst_like(text: str) -> bool:
    """Headlines are short; a standfirst is a sentence of 15 words or more."""
    return word_count(text) >= 15


def _name_like(text: str) -> bool:
    """'Ministry of External Affairs': every word capitalised but the small ones, and few of them."""
    words = text.split()
    return len(words) <= 6 and all(w[:1].isupper() or w in ("of", "the", "and", "&", "for", "-", "–") for w in words)


def _slug_overlap(text: str, url: str | None) -> float:
    if not url:
        return 0.0
    slug = set(re.findall(r"[a-z0-9]+", fold(url.rsplit("/", 1)[-1] or url)))
    words = re.findall(r"[a-z0-9]+", fold(text))
    return sum(1 for w in words if w in slug) / len(words) if words else 0.0


def _head(page: Page, body_start: int) -> None:
    """Before the body: the headline, a standfirst, captions; the rest is chrome.

    The headline is the title-like line whose words the page's address repeats, else the one the page repeats,
    else the last title-like line above the body (sites put their name and menus first).
    """
    head = page.lines[:body_start]
    counts = Counter(line.text for line in page.lines)
    candidates = []
    for line in head:
        if line.kind == "paragraph":
            line.kind, line.why = "standfirst", "summary above the body"
        elif line.kind == "short":
            words = word_count(line.text)
            site_like = words <= 4 and (line.text.isupper() or counts[line.text] > 1 or words <= 3)
            if looks_like_headline(line.text) and not site_like:
                if candidates and _standfirst_like(line.text):
                    if not all(_name_like(c.text) for c in candidates):
                        continue  # a long line below a title-like one is the standfirst
                    candidates = []  # above a long title, short names are the site's and its section's
                candidates.append(line)
    headline = None
    if candidates:
        by_slug = max(candidates, key=lambda line: _slug_overlap(line.text, page.url))
        repeated = [line for line in candidates if counts[line.text] > 1]
        if _slug_overlap(by_slug.text, page.url) >= 0.6:
            headline = by_slug
        else:
            headline = repeated[0] if repeated else candidates[-1]
        headline.kind, headline.why = "headline", "the page's headline"
    for line in head:
        if line.kind != "short":
            continue
        words = word_count(line.text)
        if headline is not None and head.index(line) > head.index(headline) and _standfirst_like(line.text):
            line.kind, line.why = "standfirst", "standfirst below the headline"
        else:
            line.kind, line.why = "chrome", "head of the page"
    opened = False  # a prose line ending in a colon opens a list: its items are the article's
    for line in head:
        if line.kind == "bullet" and line.why == "list item" and not opened:
            line.kind, line.why = "chrome", "a list above the article"
        if line.kind in ("standfirst", "heading"):
            opened = line.text.rstrip().endswith(":")


def _tail(page: Page, body_end: int, agencies: frozenset[str]) -> None:
    """After the body: credits and the source stay; related headlines, contacts and labels are chrome."""
    for line in page.lines[body_end + 1 :]:
        if line.kind in ("short", "heading", "dated", "standfirst"):
            line.kind, line.why = "chrome", "after the body"
        elif line.kind == "paragraph" and word_count(line.text) < 12:
            line.kind, line.why = "chrome", "after the body"


def _dateline(page: Page, body_start: int) -> None:
    """The lead paragraph's dateline ('HANOI, Nov 20 (Reuters) - ') is a block of its own."""
    for line in page.lines[body_start : body_start + 3]:
        if line.kind not in ("paragraph", "standfirst", "chrome") or line.why == "repeated line":
            continue
        parsed = parse_dateline(line.text)
        if parsed:
            line.dateline, line.agency = parsed
            if line.kind == "chrome":
                line.kind = "paragraph"
            return


def _closing(line: Line) -> None:
    """A closing signature (`… — VNS`) or mark (`./.`, `■`, `(END)`) is cut off the block."""
    text = line.text
    signature = _SIGNATURE.search(text) if "—" in text or "–" in text else None  # the dash it needs
    if signature and SENTENCE_END.search(text[: signature.start()]):
        line.signature = signature["name"]
        line.end = signature.start()
        return
    closing = _CLOSING_MARKS.search(text) if any(mark in text for mark in _CLOSING_TEXTS) else None
    if closing and closing.start() > 0:
        line.end = closing.start()
        if text[closing.start() :].strip().startswith("./.") and not text[: closing.start()].endswith("."):
            line.end = closing.start() + text[closing.start() :].index(".") + 1  # keep the full stop of './.'


def lone_signature(text: str) -> str | None:
    match = _LONE_SIGNATURE.match(text)
    return match["name"] if match else None


def copyright_owner(text: str) -> str | None:
    """The owner a copyright line names: '© 2025 VietnamPlus. All rights reserved.' → 'VietnamPlus'."""
    if "/" in text:
        return None  # '© Getty Images / Lan Tran': a photo credit, not the page's owner
    match = _COPYRIGHT.search(text)
    if not match:
        return None
    owner = _RIGHTS.sub("", match["owner"]).strip(" .,-–")
    owner = re.sub(r"\s+(?:All|ALL)\b.*$", "", owner).strip(" .,")
    return owner if owner and word_count(owner) <= 6 else None


def source_name(text: str) -> str | None:
    match = _SOURCE.match(text) or _PROVIDED_BY.match(text)
    return match["name"].strip(" .") if match and match["name"].strip() else None
