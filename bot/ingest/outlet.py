"""Who published an article: the outlet its page names, read from the clues the layout found.

In order of trust: the article's own signature (`… — VNS`), the agency of the dateline (`(Reuters)`, `/TASS/`),
a `Source:` line, a byline or a lone agency line, the site name the page repeats (copyright owner, header),
and last an agency the page's chrome mentions. A photo credit (`© Getty Images / …`) is never the outlet.
Known news agencies (`lexicon/outlets.json`) are shown by the name they use in English.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from bot.ingest import lexicon
from bot.ingest.layout import Line, OutletClue, copyright_owner, date_remainder, lone_signature, source_name, word_count
from bot.text import compact, fold

ORDER = ("signature", "dateline", "source", "byline", "lone", "site", "dateline-unknown", "source-unknown", "mention",
         "address")


@dataclass(frozen=True)
class Agencies:
    names: dict[str, str]  # folded alias → display name
    longest: int  # most words in an alias
    site_words: frozenset[str]  # words that make a short line a site name: Times, News, Online, Post ...


@cache
def agencies() -> Agencies:
    data = lexicon.load("outlets.json")
    names: dict[str, str] = {}
    for outlet in data["outlets"]:
        for alias in [outlet["name"], *outlet.get("aliases", [])]:
            names.setdefault(fold(alias), outlet["name"])
    chrome = lexicon.load("chrome.json")
    return Agencies(
        names=names,
        longest=max(len(alias.split()) for alias in names),
        site_words=frozenset(fold(word) for word in chrome["outlet_words"]),
    )


def agency(text: str) -> str | None:
    """The display name of a known agency `text` names as a whole ('KYODO NEWS' → 'Kyodo News')."""
    return agencies().names.get(fold(text))


def agency_in(text: str) -> str | None:
    """A known agency named by a run of words inside text ('by PIB Delhi', 'AA News Broadcasting System')."""
    if text in _AGENCY_IN:
        return _AGENCY_IN[text]
    found = _agency_in(text)
    if len(_AGENCY_IN) >= 16_384:
        _AGENCY_IN.clear()
    _AGENCY_IN[text] = found
    return found


_AGENCY_IN: dict[str, str | None] = {}  # a site's lines repeat on all its pages: each is read once per process


def _agency_in(text: str) -> str | None:
    table = agencies()
    words = re.findall(r"[^\W_][\w&.’'-]*", text)
    for width in range(min(table.longest, len(words)), 0, -1):
        for start in range(len(words) - width + 1):
            piece = words[start : start + width]
            if width == 1 and not (piece[0].isupper() or piece[0][:1].isupper() and len(piece[0]) > 3):
                continue  # one word: an acronym or a capitalised name, not a common word
            found = table.names.get(fold(" ".join(piece)))
            if found:
                return found
    return None


def address_clue(url: str | None) -> OutletClue | None:
    """The page's own address, the weakest clue: a known outlet's domain ('vietnamnews.vn' → Viet Nam News,
    'tass.com' → TASS), else the site as its address reads ('astanatimes.com')."""
    host = re.match(r"https?://(?:www\d?\.|m\.|amp\.|en\.|world\.|english\.)?([^/:?#]+)", url or "")
    if not host:
        return None
    site = host.group(1).lower()
    labels = site.split(".")
    # 'asia.nikkei.com' → 'asia', 'nikkei'; 'arab.news' → 'arabnews'
    candidates = [labels[0], *(labels[1:2] if len(labels) > 2 else []), "".join(labels[:-1]), "".join(labels)]
    for known_site, name in _domains().items():
        if site == known_site or site.endswith("." + known_site):
            return OutletClue(name, "address")
    names = _compact_aliases()
    for label in candidates:
        known = names.get(label.replace("-", ""))
        if known:
            return OutletClue(known, "address")
    return OutletClue(site, "address")


@cache
def _domains() -> dict[str, str]:
    return {domain: entry["name"] for entry in lexicon.load("outlets.json")["outlets"] for domain in entry.get("domains", [])}


@cache
def _compact_aliases() -> dict[str, str]:
    """`_aliases` by their compact form without a leading 'the' ('thehanoitimes' → 'hanoitimes')."""
    return {compact(alias).removeprefix("the"): entry for alias, entry in _aliases().items()}


@cache
def _aliases() -> dict[str, str]:
    """Every alias of every outlet of the lexicon → the outlet's name."""
    return {alias: entry["name"] for entry in lexicon.load("outlets.json")["outlets"] for alias in [entry["name"], *entry["aliases"]]}


def clues(lines: list[Line], header: str, url: str | None = None) -> list[OutletClue]:
    """Every place the page names its publisher, in page order; its address last."""
    found: list[OutletClue] = []
    table = agencies()
    counts = Counter(line.text for line in lines)
    for n, line in enumerate(lines):
        text = line.text
        if line.signature:
            found.append(OutletClue(line.signature, "signature"))
        if line.agency:
            known = agency(line.agency)
            found.append(OutletClue(known or line.agency, "dateline" if known else "dateline-unknown"))
        if line.kind == "source":
            name = source_name(text)
            if name:
                known = agency(name) or agency_in(name)
                found.append(OutletClue(known or name, "source" if known else "source-unknown"))
            continue
        if line.kind == "byline":
            names = re.sub(r"^(?:By|BY)\s+", "", text)
            known = agency(names)
            if known:
                found.append(OutletClue(known, "byline"))
            continue
        if line.kind not in ("chrome", "credit") or line.why in ("photo credit",):
            continue
        lone = lone_signature(text)
        if lone and n >= len(lines) * 0.5:
            found.append(OutletClue(lone, "signature"))  # an article signs with the name it wants to be read by
            continue
        bare = text.strip(" ()[]")
        if agency(bare) and word_count(bare) <= 4:
            found.append(OutletClue(_as_written(bare), "lone" if n else "site"))
            continue
        remainder = date_remainder(text)
        if remainder:
            known = agency_in(remainder)
            if known:
                found.append(OutletClue(known, "byline"))
                continue
            if _site_like(remainder, table):
                found.append(OutletClue(remainder.strip(" ,|-"), "site"))
                continue
        owner = copyright_owner(text) if ("©" in text or "opyright" in text) else None
        if owner:
            found.append(OutletClue(agency(owner) or _title(owner), "site"))
            continue
        if (n == 0 or counts[text] > 1) and not _chrome_word(text) and _site_like(text, table):
            found.append(OutletClue(_as_written(text), "site"))
            continue
        known = agency_in(text)
        if known:
            found.append(OutletClue(known, "mention"))
    if header and _site_like(header, table) and not _PHOTO_CREDIT.match(header):
        found.append(OutletClue(_as_written(header), "site"))
    address = address_clue(url)
    if address is not None:
        found.append(address)
    return found


_PHOTO_CREDIT = re.compile(r"^\W*(?:Photos?|Image|Picture|Credit|Illustration)\b", re.I)  # 'Photo : YONHAP News' credits a picture


def _as_written(name: str) -> str:
    """A site's own name as the page writes it ('Sputnik International'); a banner in capitals ('KYODO NEWS')
    by the agency's name, or title-cased."""
    if name.isupper() and len(name) > 4:
        return agency(name) or _title(name)
    return name


def _chrome_word(text: str) -> bool:
    from bot.ingest.layout import chrome

    return text.lower() in chrome().whole_lines


def _site_like(text: str, table: Agencies) -> bool:
    """A short name-like line: 'Ahram Online', 'VietnamPlus', 'ANTARA News' (not a sentence, not a menu item)."""
    words = text.split()
    if not 1 <= len(words) <= 5 or re.search(r"[.!?:|,]$|\d", text) or not text[:1].isupper():
        return False
    return len(words) == 1 or any(fold(w) in table.site_words for w in words) or agency(text) is not None


def _title(name: str) -> str:
    """'HANOITIMES', 'KYODO NEWS' keep their words; an all-capital name of several words is title-cased."""
    if name.isupper() and " " in name:
        return " ".join(w.capitalize() if len(w) > 3 else w for w in name.split())
    return name


def choose(found: list[OutletClue]) -> tuple[str | None, str]:
    """The outlet, and which clue gave it."""
    if not found:
        return None, ""
    site_counts = Counter(clue.name for clue in found if clue.how == "site")
    best = min(
        enumerate(found),
        key=lambda item: (ORDER.index(item[1].how), -site_counts.get(item[1].name, 0), item[0]),
    )[1]
    name = best.name
    if best.how == "site":  # several site clues: the one the page repeats, in its main script
        latin = [c for c in found if c.how == "site" and c.name.isascii()]
        if latin and not name.isascii():
            name = max(latin, key=lambda c: site_counts[c.name]).name
    if name.isupper() and len(name) > 5:  # 'VINAOIL' on the banner, 'Vinaoil' in the copyright line
        name = next((c.name for c in found if fold(c.name) == fold(name) and not c.name.isupper()), name)
    return name, best.how
