"""file → Article: the date header, outlet, title and URL, page chrome removed, blocks and sentences with offsets.

A saved news page is the article wrapped in navigation, metadata, contact lines and share buttons. `layout`
gives every line a kind; the reader keeps the article's own lines (paragraphs, headings, list items, captions,
credits, bylines, source lines) as blocks of the cleaned text, and reads the outlet and the title.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from datetime import date
from pathlib import Path

from bot.ingest import outlet as outlets
from bot.ingest.layout import BULLET, MAX_LINE, Page, classify, parse_dateline
from bot.ingest.sentences import split
from bot.models import Article, Block, Sentence

MAX_BYTES = 5 * 1024 * 1024  # a news article is tens of kilobytes; a larger file is not one

_HEADER = re.compile(r"^\ufeff?[ \t]*date[ \t]+(\d{4})-(\d{2})-(\d{2})(?![\d-])[ \t]*")
_KEPT = {"paragraph", "standfirst", "heading", "bullet", "caption", "credit", "byline", "source"}
_TITLE_WORDS = 14


class ArticleError(ValueError):
    """The file cannot be read as an article; the message is the one-line reason shown to the user."""


def read_article(path: Path) -> Article:
    """Read one seed file; raises ArticleError with a reason when it is not an article."""
    with open(path, "rb") as handle:
        raw = handle.read(MAX_BYTES + 1)  # what is read is what is checked, whatever stat() said
    if len(raw) > MAX_BYTES:
        raise ArticleError(f"too large (over {MAX_BYTES // 1_048_576} MB; an article is far smaller)")
    return parse_article(raw, path.name)


def decode(raw: bytes) -> str:
    """The text of a seed file; ArticleError for what is not UTF-8 text."""
    if not raw.strip():
        raise ArticleError("empty file")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or raw[:200].count(b"\x00") > 20 and _utf16(raw):
        raise ArticleError("UTF-16 text, not UTF-8 (save the file as UTF-8)")
    if b"\x00" in raw[:8192]:
        raise ArticleError("binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleError(f"not UTF-8 text (bad byte at position {error.start})") from None


def _utf16(raw: bytes) -> bool:
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = raw[:400].decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        if sum(c.isprintable() or c.isspace() for c in text) > len(text) * 0.9:
            return True
    return False


def parse_article(raw: bytes, file_name: str) -> Article:
    """Pure: bytes of a seed file → Article."""
    text = unicodedata.normalize("NFC", decode(raw)).replace("\r\n", "\n").replace("\r", "\n")
    header = _HEADER.match(text)
    if not header:
        raise ArticleError("no ' date YYYY-MM-DD' header on the first line")
    try:
        published = date(int(header[1]), int(header[2]), int(header[3]))
    except ValueError:
        raise ArticleError(f"invalid date in the header: {header[1]}-{header[2]}-{header[3]}") from None
    first_line = text[header.end() : text.find("\n", header.end()) if "\n" in text[header.end():] else len(text)]
    lines = [line.strip() for line in text[header.end() :].split("\n")]
    lines = [line for line in lines if line]
    page = classify(lines, frozenset(outlets.agencies().names))
    return assemble(page, published, file_name, first_line.strip())


def assemble(page: Page, published: date, file_name: str, header: str = "") -> Article:
    """The article of a classified page: its blocks, sentences, outlet and title."""
    pieces: list[str] = []
    blocks: list[Block] = []
    offset = 0
    for line in page.lines:
        if line.kind not in _KEPT:
            continue
        start, end = line.start, line.end
        if line.kind == "bullet":
            glyph = BULLET.match(line.text, start)
            if glyph:
                start = glyph.end()
        body = line.text[start:end].strip()
        if not body:
            continue
        start = line.text.index(body, start)
        if offset:
            pieces.append("\n")
            offset += 1
        pieces.append(body)
        if line.dateline and line.dateline > start:
            cut = line.dateline - start
            blocks.append(Block(kind="dateline", start=offset, end=offset + len(body[:cut].rstrip())))
            blocks.append(Block(kind=_kind(line.kind), start=offset + cut, end=offset + len(body)))
        else:
            blocks.append(Block(kind=_kind(line.kind), start=offset, end=offset + len(body)))
        offset += len(body)
    cleaned = "".join(pieces)
    if not any(block.kind in ("paragraph", "standfirst", "bullet") for block in blocks):
        raise ArticleError("no article text found (only page chrome)")
    sentences = tuple(_sentences(cleaned, blocks))
    outlet, _ = outlets.choose(outlets.clues(page.lines, header, page.url))
    headline = next((line.text for line in page.lines if line.kind == "headline"), "")
    title = headline or _title_from_lead(sentences)
    warnings = list(page.warnings)
    if outlet is None:
        warnings.append("no outlet found; shown as the file name")
    article_id = file_name.rsplit(".", 1)[0]
    return Article(
        id=article_id,
        file=file_name,
        outlet=outlet or article_id,
        date=published,
        title=title,
        title_from="headline" if headline else "lead",
        url=page.url,
        text=cleaned,
        blocks=tuple(blocks),
        sentences=sentences,
        content_hash=hashlib.sha256(" ".join(cleaned.split()).encode()).hexdigest()[:16],
        warnings=tuple(warnings),
    )


def _kind(kind: str) -> str:
    return kind if kind != "standfirst" else "standfirst"


def _sentences(text: str, blocks: list[Block]):
    """The sentences of every block; a list item knows the sentence that opened its list (a heading, or a
    sentence ending in a colon: 'The following documents were signed:')."""
    index = 0
    opener: int | None = None
    for block in blocks:
        whole = block.kind in ("dateline", "heading", "caption", "credit", "byline", "source")
        pieces = [(block.start, block.end)] if whole else split(text, block.start, block.end)
        if block.kind not in ("bullet",):
            opener = None
        for start, end in pieces:
            yield Sentence(
                index=index,
                text=text[start:end],
                start=start,
                end=end,
                kind=block.kind,
                heading=opener if block.kind == "bullet" else None,
            )
            if block.kind in ("heading", "paragraph", "standfirst") and text[start:end].rstrip().endswith(":"):
                opener = index
            index += 1


def _title_from_lead(sentences: tuple[Sentence, ...]) -> str:
    """No headline on the page: the lead sentence, without its dateline, cut to a dozen words."""
    lead = next((s.text for s in sentences if s.kind in ("paragraph", "standfirst")), "")
    parsed = parse_dateline(lead)
    if parsed:
        lead = lead[parsed[0] :]
    words = lead.split()
    return " ".join(words[:_TITLE_WORDS]) + ("…" if len(words) > _TITLE_WORDS else "")


__all__ = ["ArticleError", "MAX_BYTES", "MAX_LINE", "parse_article", "read_article"]
