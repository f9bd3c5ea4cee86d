"""file → Article: the date header, outlet, title and URL, page chrome removed, sentences with offsets.

A saved news page is the article body wrapped in navigation, metadata, contact lines and share buttons.
The reader keeps every line of prose and every bullet, and drops lines that are chrome by their shape
(e-mails, phone numbers, bare URLs, numbers, timestamps, tag lists, menus) or by a generic phrase list.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

from bot.ingest import lexicon
from bot.ingest.names import fold
from bot.ingest.sentences import split_sentences
from bot.models import Article

MAX_BYTES = 5 * 1024 * 1024  # a news article is tens of kilobytes; a larger file is not one

_HEADER = re.compile(r"^\ufeff?\s*date\s+(\d{4})-(\d{2})-(\d{2})\b[ \t]*")
_URL = re.compile(r"https?://\S+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_PHONE = re.compile(r"^\+?[\d\s()./-]{7,}$")
_TIMESTAMP = re.compile(r"^[\d\s:.,/TZ+GMTUC-]+$")
_IMAGE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg)(?:\?|$)|/img/|/images?/", re.I)
_SIGNATURE = re.compile(r"\s+[—–-]{1,2}\s*([A-Z][A-Za-z&.]*(?: [A-Z][A-Za-z&.]*){0,3})\s*$")
_RUN_TOGETHER = re.compile(r"(?<=[a-z\d)][.:!?])(?=[A-Z])|(?<=[a-z]{2})(?=[A-Z][a-z])")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)]?$")
_LONE_SIGNATURE = re.compile(r"^[—–-]{1,2}\s*([A-Z][\w&.]*(?: [A-Z][\w&.]*){0,3})$")
# "MOSCOW —", "JAKARTA, March 12 (Reuters) -", "BEIJING (Xinhua) --": the place (and date, and agency) before the lead
DATELINE = re.compile(
    r"^[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)*(?:,\s*[A-Z][a-z]+\.? \d{1,2})?\s*(?:\(([A-Z][\w&. ]{1,30})\))?\s*[—–-]{1,2}\s+"
)
_PLACE_DATE = re.compile(r"^[A-Z][\w .'-]{1,30},\s*(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\.?\s+\d{1,2})(?:,?\s+\d{4})?$")
_BULLET = re.compile(r"^(?:[-•·*▪►–]\s+|\d{1,2}[.)]\s+)")


class ArticleError(ValueError):
    """The file cannot be read as an article; the message is the one-line reason shown to the user."""


@cache
def _chrome() -> tuple[tuple[str, ...], frozenset[str], int, tuple[str, ...], int]:
    data = lexicon.load("chrome.json")
    return (
        tuple(data["phrases"]),
        frozenset(data["whole_lines"]),
        int(data["max_words"]),
        tuple(data["short_phrases"]),
        int(data["short_max_words"]),
    )


def read_article(path: Path) -> Article:
    """Read one seed file; raises ArticleError with a reason when it is not an article."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ArticleError(f"too large ({size / 1_048_576:.1f} MB; an article is under {MAX_BYTES // 1_048_576} MB)")
    raw = path.read_bytes()
    return parse_article(raw, path.name)


def parse_article(raw: bytes, file_name: str) -> Article:
    """Pure: bytes of a seed file → Article."""
    if not raw.strip():
        raise ArticleError("empty file")
    if b"\x00" in raw[:8192]:
        raise ArticleError("binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleError(f"not UTF-8 text (bad byte at position {error.start})") from None
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    header = _HEADER.match(text)
    if not header:
        raise ArticleError("no ' date YYYY-MM-DD' header on the first line")
    try:
        published = date(int(header[1]), int(header[2]), int(header[3]))
    except ValueError:
        raise ArticleError(f"invalid date in the header: {header[1]}-{header[2]}-{header[3]}") from None

    lines = [line.strip() for line in text[header.end():].split("\n")]
    lines = [line for line in lines if line]
    url = _canonical_url(lines)
    outlet, lines = _outlet(lines, url)
    title = _headline(lines, url)
    body = _body_lines(lines, outlet, title)
    if not title and len(body) > 1 and _looks_like_headline(body[0]) and _SENTENCE_END.search(body[1]):
        title = body.pop(0)  # a headline line above the lead
    warnings: list[str] = []
    if not body:
        raise ArticleError("no article text found (only page chrome)")
    cleaned = "\n".join(body)
    sentences = tuple(split_sentences(cleaned))
    if not title:
        title = _title_from_lead(sentences[0].text if sentences else cleaned)
    if outlet is None:
        warnings.append("no outlet found; shown as the file name")
    article_id = file_name.rsplit(".", 1)[0]
    return Article(
        id=article_id,
        file=file_name,
        outlet=outlet or article_id,
        date=published,
        title=title,
        url=url,
        text=cleaned,
        sentences=sentences,
        content_hash=hashlib.sha256(" ".join(cleaned.split()).encode()).hexdigest()[:16],
        warnings=tuple(warnings),
    )


# ---------------------------------------------------------------- metadata


def _canonical_url(lines: list[str]) -> str | None:
    """The first web address on a line of its own that is not an image."""
    for line in lines:
        match = _URL.fullmatch(line)
        if match and not _IMAGE.search(line):
            return line.rstrip(".,;")
    return None


def _outlet(lines: list[str], url: str | None) -> tuple[str | None, list[str]]:
    """The outlet from a closing signature (`… — XYZ`), else the site name the page chrome repeats."""
    if lines:
        lone = _LONE_SIGNATURE.match(lines[-1])
        if lone:
            return lone[1], lines[:-1]
        signature = _SIGNATURE.search(lines[-1])
        if signature and _SENTENCE_END.search(lines[-1][: signature.start()]):
            return signature[1], [*lines[:-1], lines[-1][: signature.start()]]
    for line in lines[:3]:  # a wire agency names itself in the dateline: "JAKARTA, March 12 (Reuters) -"
        dateline = DATELINE.match(line)
        if dateline and dateline[1]:
            return dateline[1], lines
    counts = Counter(line for line in lines if _looks_like_site_name(line))
    domain = fold(urlparse(url).netloc) if url else ""
    best: tuple[float, str] | None = None
    for name, count in counts.items():
        if count < 2:
            continue
        score = count
        first_word = fold(name).split()[0]
        if domain and first_word in domain.replace(".", " ").replace("-", " ") or (domain and first_word in domain):
            score += 5
        if any(f" - {name}" in line or f" | {name}" in line for line in lines):
            score += 3
        if best is None or score > best[0]:
            best = (score, name)
    if best:
        return best[1], lines
    for line in lines:  # a copyright line names the owner
        owner = re.search(r"©\s*(?:\d{4}\s*)?([A-Z][\w&.]*(?: [A-Z][\w&.]*){0,3})", line)
        if owner:
            return owner[1], lines
    return None, lines


def _looks_like_site_name(line: str) -> bool:
    words = line.split()
    return (
        1 <= len(words) <= 4
        and line[0].isupper()
        and not _SENTENCE_END.search(line)
        and not any(ch.isdigit() for ch in line)
        and "@" not in line
        and fold(line) not in _chrome()[1]
    )


def _headline(lines: list[str], url: str | None) -> str:
    """A prose-free line of 4–25 words that the page repeats, or the line after the canonical URL."""
    counts = Counter(lines)
    for line in lines:
        words = line.split()
        if counts[line] >= 2 and 4 <= len(words) <= 25 and line[0].isupper() and not _SENTENCE_END.search(line):
            if not line.endswith(":"):
                return line
    if url and url in lines:
        following = lines[lines.index(url) + 1 : lines.index(url) + 2]
        if following and 4 <= len(following[0].split()) <= 25 and not _SENTENCE_END.search(following[0]):
            return following[0]
    return ""


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    return 3 <= len(words) <= 20 and line[0].isupper() and not _SENTENCE_END.search(line) and not line.endswith(":")


def _title_from_lead(lead: str) -> str:
    """No headline in the file: the lead sentence, without its dateline, cut to a dozen words."""
    lead = DATELINE.sub("", lead).strip()
    words = lead.split()
    return " ".join(words[:14]) + ("…" if len(words) > 14 else "")


# ---------------------------------------------------------------- body


def _body_lines(lines: list[str], outlet: str | None, title: str) -> list[str]:
    counts = Counter(lines)
    whole_text = "\n".join(lines)
    main_script = _script(whole_text[:20_000])  # a page's first screens tell its script
    body: list[str] = []
    for raw_line in lines:
        bullet = _BULLET.match(raw_line)
        line = raw_line[bullet.end() :] if bullet else raw_line
        in_list = bool(body) and (body[-1].endswith(":") or (_is_bullet_like(body[-1]) and listed(body)))
        if not line:
            continue
        if counts[raw_line] > 1 and line != title and _SENTENCE_END.search(line) is None and len(line.split()) < 8:
            continue  # repeated short lines: site name, section names, tags
        if line == title:
            continue
        if (bullet or in_list) and len(line.split()) >= 3 and not _is_hard_chrome(line):
            if not any(phrase in line.lower() for phrase in _chrome()[0]):
                body.append(line)  # an item of a list in the body, whatever its case
                continue
        if _is_chrome(line, outlet, main_script):
            continue
        if _is_run_together_summary(line, whole_text):
            continue
        if line in body and not _is_bullet_like(line):
            continue  # the same paragraph twice (a page's meta description repeated)
        body.append(line)
    return body


def listed(body: list[str]) -> bool:
    """The last kept lines are a list that a heading (a line ending in ':') opened."""
    for line in reversed(body):
        if line.endswith(":"):
            return True
        if not _is_bullet_like(line):
            return False
    return False


def _is_hard_chrome(line: str) -> bool:
    """Chrome whatever its place: addresses, numbers, copyright."""
    return bool(
        _URL.search(line) or _EMAIL.search(line) or _PHONE.match(line) or _TIMESTAMP.match(line) or "©" in line
    )


def _is_chrome(line: str, outlet: str | None, main_script: str) -> bool:
    phrases, whole_lines, max_words, short_phrases, short_max_words = _chrome()
    low = line.lower().strip(" •·-–—|>")
    words = line.split()
    if not low or low in whole_lines:
        return True
    if _URL.search(line) and len(_URL.sub("", line).split()) <= 3:
        return True
    if _EMAIL.search(line) and len(words) <= 6:
        return True
    if _PHONE.match(line) or _TIMESTAMP.match(line) or _PLACE_DATE.match(line):
        return True
    if line.isupper() and len(words) <= 4 and not _SENTENCE_END.search(line):
        return True  # a label: "PRESS RELEASE", "BREAKING"
    if "©" in line or "(c)" in low.split()[:1]:
        return True
    if len(words) <= max_words and any(phrase in low for phrase in phrases):
        return True
    if len(words) <= short_max_words and any(phrase in low for phrase in short_phrases):
        return True
    if len(words) == 1 and not _SENTENCE_END.search(line):
        return True  # a lone word: a menu item, a tag, a counter, a locale
    if line == line.lower() and not _SENTENCE_END.search(line) and len(words) <= 20:
        return True  # keyword and tag lists are lower-case
    if outlet and outlet in line and len(words) <= len(outlet.split()) + 6:
        if not _SENTENCE_END.search(line) or re.search(r"\d", line):
            return True  # "- Outlet, 1920", "caption - Outlet, 1920, 10.05.2025"
    if outlet and re.search(rf"\s[-|]\s{re.escape(outlet)}\b", line):
        return True
    if not line.isascii() and len(words) <= max_words and _script(line) not in (main_script, "other"):
        return True  # a stray line in another script (an untranslated widget label)
    if not re.search(r"[^\W\d_]", line):
        return True  # no letters at all
    return False


def _is_bullet_like(line: str) -> bool:
    return not _SENTENCE_END.search(line)


def _is_run_together_summary(line: str, whole_text: str) -> bool:
    """A line made of pieces glued without spaces (`MeetingStatements`, `Moscow.Vietnam`) that repeat the body."""
    pieces = [piece.strip() for piece in _RUN_TOGETHER.split(line)]
    long_pieces = [piece for piece in pieces if len(piece) >= 15]
    if len(pieces) < 3 or len(long_pieces) < 2:
        return False
    repeated = sum(1 for piece in long_pieces if whole_text.count(piece) >= 2)
    return repeated / len(long_pieces) >= 0.6


_ASCII_LETTER = re.compile(r"[A-Za-z]")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")


def _script(text: str) -> str:
    """The script most letters of text are written in: latin, cyrillic or other."""
    counts: Counter[str] = Counter(latin=len(_ASCII_LETTER.findall(text)))
    for char in _NON_ASCII_LETTER.findall(text):
        name = unicodedata.name(char, "")
        counts["cyrillic" if "CYRILLIC" in name else "latin" if "LATIN" in name else "other"] += 1
    return counts.most_common(1)[0][0] if any(counts.values()) else "other"


