"""The pieces every answer is made of: escaping, echoing what the user typed, links, citations, verbatim quotes
(a passage of a sentence too long to quote whole), bold matched words, agreement blocks, section headings and
entity buttons. Pure functions of the answer models."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING

from bot.chat import callbacks
from bot.chat.render.pager import Button
from bot.chat.telegram_limits import utf16_len
from bot.models import Agreement, AgreementFilter, Citation, Figure, Stats, plural
from bot.text import FUNCTION_WORDS, query_words, search_tokens

if TYPE_CHECKING:
    from bot.index.build import BuildReport

LINE_TITLE = 120  # characters of a title on a one-line fact
BLOCK_QUOTES = 3  # quotes shown for one agreement or figure; its other sources are listed as links
MORE_SOURCE_LINKS = 5
# A quote shows at most this many characters of a sentence (a passage around the matched words beyond): a
# sentence is rarely over a few hundred, and no reader pages through a 5 MB one. A search hit, which points at
# a sentence rather than quoting a fact, shows less.
MAX_QUOTE_CHARS = 8000
SEARCH_QUOTE_CHARS = 1000
MAX_ENTITY_BUTTONS = 8
NO_NAMES: Mapping[str, str] = MappingProxyType({})


def esc(value: object) -> str:
    """Escape a value for an HTML text node (quotes stay readable; they are harmless outside attributes)."""
    return html.escape(str(value), quote=False)


ECHO_UNITS = 60  # what the user typed is quoted back in at most this many UTF-16 code units
# Characters with no place in a query or an echo of one: C0/C1 controls (NUL …), direction overrides and isolates
# (U+202E turns the rest of a line around), byte-order marks, and lone surrogates (which cannot even be encoded).
UNSAFE_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def echo(text: str, units: int = ECHO_UNITS) -> str:
    """What the user typed, quoted back: one line without control or direction characters, at most `units`
    UTF-16 code units as Telegram counts them (cut with "…", never inside a surrogate pair), escaped."""
    text = " ".join(UNSAFE_CHARACTERS.sub(" ", text[: units * 2]).split())
    if utf16_len(text) <= units:
        return esc(text)
    kept, size = [], 0
    for char in text:
        size += 2 if ord(char) > 0xFFFF else 1
        if size > units - 1:
            break
        kept.append(char)
    return esc("".join(kept).rstrip() + "…")


_LINKABLE = re.compile(r"https?://[^\s<>\"]+$")


def link(url: str | None, label: str) -> str:
    """A link when the URL is http(s) (Telegram refuses other schemes), else the escaped label."""
    if url and _LINKABLE.match(url):
        return f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>'
    return esc(label)


def citation_line(citation: Citation) -> str:
    return f"— {link(citation.url, citation.outlet)}, {citation.date.isoformat()}"


def by_sentence(citations: Iterable[Citation]) -> list[list[Citation]]:
    """Citations grouped by sentence text, in order: the same sentence in two outlets is one fact, two sources."""
    grouped: dict[str, list[Citation]] = {}
    for citation in citations:
        grouped.setdefault(citation.sentence, []).append(citation)
    return list(grouped.values())


def distinct_sentences(citations: Iterable[Citation]) -> list[str]:
    return list(dict.fromkeys(c.sentence for c in citations))


_NOT_STATEMENTS = {"caption": "📷 Photo caption", "credit": "✍️ Credit", "byline": "✍️ Byline", "source": "Source line",
                   "dateline": "Dateline"}


def excerpt(sentence: str, most: int, terms: Sequence[str] = ()) -> str:
    """The sentence when it has at most `most` characters; else a verbatim passage of it of about that many,
    around the first word of `terms` found (or from its start), cut between words and marked with "…"."""
    if len(sentence) <= most:
        return sentence
    start = 0
    words = [term for term in terms if term.strip()]
    if words:
        found = re.search("|".join(re.escape(term) for term in words), sentence, flags=re.IGNORECASE)
        if found:
            start = max(0, found.start() - most // 4)
    end = min(len(sentence), start + most)
    start = max(0, end - most)
    if start > 0:
        space = sentence.find(" ", start, start + 60)
        start = space + 1 if space >= 0 else start
    if end < len(sentence):
        space = sentence.rfind(" ", end - 60, end)
        end = space if space > start else end
    return ("…" if start > 0 else "") + sentence[start:end].strip() + ("…" if end < len(sentence) else "")


def _quote(group: Sequence[Citation], terms: Sequence[str] = (), most: int = MAX_QUOTE_CHARS) -> str:
    """One sentence, verbatim, then every citation that reports it (each outlet's article once). A sentence
    longer than `most` characters is quoted in part (`excerpt`), and says how long it is. A caption or a credit
    line is shown as what it is, not quoted as if the article said it."""
    seen: set[tuple[str, str]] = set()
    lines = []
    for citation in group:
        marker = (citation.article, citation.outlet)
        if marker not in seen:
            seen.add(marker)
            lines.append(citation_line(citation))
    sentence = group[0].sentence
    shown = excerpt(sentence, most, terms)
    if shown is not sentence:
        lines.append(f"<i>(a passage: the sentence runs to {len(sentence):,} characters)</i>")
    label = _NOT_STATEMENTS.get(getattr(group[0], "kind", "paragraph"))
    if label:
        return f"<i>{label}:</i> {highlight(shown, terms)}\n" + "\n".join(lines)
    return f"{heading_context(group[0], terms)}{blockquote(highlight(shown, terms), len(shown))}\n" + "\n".join(lines)


EXPANDABLE_AFTER = 320  # a quote longer than this is shown collapsed to its first lines, tapped open to read on


def blockquote(html_text: str, length: int) -> str:
    """A quote as Telegram shows one; a long one expandable, so that the page has room for the facts after it
    (the pager counts it at its collapsed size)."""
    tag = "<blockquote expandable>" if length > EXPANDABLE_AFTER else "<blockquote>"
    return f"{tag}{html_text}</blockquote>"


COPY_LIMIT = 256  # characters Telegram lets a copy button carry
_FIRST_QUOTE = re.compile(
    r"<blockquote(?: expandable)?>(?P<quote>.*?)</blockquote>\n— (?:<a href=\"(?P<url>[^\"]*)\">(?P<linked>.*?)</a>|(?P<plain>[^\n]*?)), "
    r"(?P<date>\d{4}-\d\d-\d\d)",
    flags=re.S,
)


def copy_text(page: str, limit: int = COPY_LIMIT) -> str | None:
    """The first quote of a rendered page and its citation, as plain text for the clipboard:
    `“sentence” — Outlet, 2025-05-10 https://…`. A quote too long for Telegram's 256 characters is copied as a
    verbatim passage marked with "…" (the citation whole; the link left out only when it leaves no room for
    the words). None for a page without a quote."""
    match = _FIRST_QUOTE.search(page)
    if match is None:
        return None
    quote = " ".join(html.unescape(re.sub(r"<[^>]*>", "", match.group("quote"))).split())
    outlet = html.unescape(re.sub(r"<[^>]*>", "", match.group("linked") or match.group("plain") or ""))
    url = html.unescape(match.group("url") or "")
    for source in (f"— {outlet}, {match.group('date')}" + (f" {url}" if url else ""), f"— {outlet}, {match.group('date')}"):
        room = limit - len(source) - 3  # the quotation marks and the space before the citation
        if room >= min(len(quote), 60):
            return f"“{_passage(quote, room)}” {source}"
    return None


def _passage(quote: str, room: int) -> str:
    """The quote when it fits in `room` characters, else its beginning cut between words and marked."""
    if len(quote) <= room:
        return quote
    cut = quote[: room - 1]
    if " " in cut[room // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + "…"


def heading_context(citation: Citation, terms: Sequence[str] = ()) -> str:
    """The heading a list item sits under ('Statements by President N:'), on its own line above the quote, in
    italics and introduced as context: the article's words, but not the quoted sentence. Empty for others."""
    heading = getattr(citation, "heading", None)
    if not heading:
        return ""
    return f"<i>Listed under “{highlight(excerpt(heading, LINE_TITLE), terms)}”</i>\n"


def statements_first(citations: Iterable[Citation]) -> list[Citation]:
    """What the articles state before photo captions, credits and bylines, each group in its own order."""
    cited = list(citations)
    return [c for c in cited if c.kind not in _NOT_STATEMENTS] + [c for c in cited if c.kind in _NOT_STATEMENTS]


def quotes(citations: Iterable[Citation], terms: Sequence[str] = (), most: int = MAX_QUOTE_CHARS) -> str:
    """Each distinct sentence once, verbatim (in part beyond `most` characters), followed by every citation
    that reports it."""
    return "\n".join(_quote(group, terms, most) for group in by_sentence(citations))


def capped_quotes(citations: Sequence[Citation], most: int = BLOCK_QUOTES, more: int = 0) -> str:
    """The first `most` sentences quoted; the other sources of the same fact listed as links (and `more` ones
    the answer only counted), so a fact reported by twenty outlets stays one readable block."""
    groups = by_sentence(citations)
    text = "\n".join(_quote(group) for group in groups[:most])
    rest = list({(c.article, c.start): c for group in groups[most:] for c in group}.values())
    if not rest and not more:
        return text
    listed = "; ".join(f"{link(c.url, c.outlet)}, {c.date.isoformat()}" for c in rest[:MORE_SOURCE_LINKS])
    unlisted = len(rest) + more - MORE_SOURCE_LINKS
    others = plural(len(rest) + more, "more source")
    if not listed:
        return f"{text}\n<i>…and {others}</i>"
    return f"{text}\n<i>…and {others}:</i> {listed}" + (f" and {unlisted} more" if unlisted > 0 else "")


def highlight(sentence: str, terms: Sequence[str]) -> str:
    """The sentence, escaped, with words matching `terms` in bold (case- and diacritic-insensitive; a name spelled
    another way counts: `Vietnam` bolds `Việt Nam`).

    Short function words (`to`, `and`) are bolded only next to another matched word, so `Lê Văn An` and
    `oil and gas` light up whole while a stray "and" elsewhere does not."""
    wanted = {w for term in terms for w in query_words(term) if w}
    if not wanted:
        return esc(sentence)
    words: list[tuple[str, int, int]] = []
    for word, start, end in search_tokens(sentence):  # a word that folds to two (`Ŝ-x`) is one span
        if words and words[-1][1] == start:
            if not _matches(words[-1][0], wanted):
                words[-1] = (word, start, end)
            continue
        words.append((word, start, end))

    strength = []  # 2: a matched content word, 1: a matched function word, 0: no match
    for folded, _, _ in words:
        strength.append(0 if not folded or not _matches(folded, wanted) else 1 if folded in FUNCTION_WORDS else 2)
    bold = [level == 2 for level in strength]
    for i, level in enumerate(strength):  # function words join runs of matched words
        if level == 1:
            left = next((strength[j] for j in range(i - 1, -1, -1) if strength[j] != 1), 0)
            right = next((strength[j] for j in range(i + 1, len(words)) if strength[j] != 1), 0)
            bold[i] = left == 2 or right == 2
    if not any(bold) and any(strength):  # the query was only function words: show them anyway
        bold = [level > 0 for level in strength]
    out: list[str] = []
    position = 0
    for (_, start, end), is_bold in zip(words, bold):
        if is_bold:
            out.append(esc(sentence[position:start]))
            out.append(f"<b>{esc(sentence[start:end])}</b>")
            position = end
    out.append(esc(sentence[position:]))
    return "".join(out)


def _matches(folded: str, wanted: set[str]) -> bool:
    return any(folded == w or (len(w) >= 3 and folded.startswith(w)) for w in wanted)


def sector_name(key: str, names: Mapping[str, str] = NO_NAMES) -> str:
    """A sector's display name (`banking and finance`) for its key (`banking-finance`), from the names the
    index holds (`Index.sector_names`)."""
    return names.get(key) or key.replace("-", " ")


def agreement_block(
    agreement: Agreement, with_status: bool = True, most: int = BLOCK_QUOTES, sector_names: Mapping[str, str] = NO_NAMES
) -> str:
    details = [esc(agreement.type.capitalize())]
    if with_status:
        details.append(esc(agreement.status))
    reported = reported_on(agreement)
    if reported:
        details.append(reported)
    if agreement.parties:
        details.append("parties: " + esc(", ".join(agreement.parties)))
    if agreement.sectors:
        details.append("sectors: " + esc(", ".join(sector_name(key, sector_names) for key in agreement.sectors)))
    lines = [f"📄 <b>{esc(agreement.title)}</b>", "<i>" + " · ".join(details) + "</i>"]
    if agreement.citations:
        lines.append(capped_quotes(agreement.citations, most, agreement.more_sources))
    return "\n".join(lines)


def shorten(text: str, most: int = LINE_TITLE) -> str:
    if len(text) <= most:
        return text
    cut = text.rfind(" ", 0, most)
    return text[: cut if cut > most // 2 else most].rstrip(" ,;:") + "…"


def sources_line(citations: Sequence[Citation], articles: int = 0) -> str:
    """'Agency A, 2025-10-14 · Paper B, 2025-10-15 +3': who reported a fact, each linked to the article;
    `articles` when the answer carries only the first citations of a fact many articles report."""
    seen = list({(c.article, c.outlet): c for c in citations}.values())
    shown = " · ".join(f"{link(c.url, c.outlet)}, {c.date.isoformat()}" for c in seen[:2])
    total = max(articles, len(seen))
    return shown + (f" +{total - 2}" if total > 2 else "")


def reported_on(agreement: Agreement) -> str:
    """The date the articles first reported an agreement (`2025-05-10`), or empty when it has no citation."""
    return min(c.date for c in agreement.citations).isoformat() if agreement.citations else ""


def agreement_line(agreement: Agreement, with_status: bool = False) -> str:
    """One agreement on one line: its title, parties and sources (its sentences one /agreements filter away)."""
    status = f" · {esc(agreement.status)}" if with_status else ""
    parties = f" — {esc(', '.join(agreement.parties))}" if agreement.parties else ""
    sources = f"\n<i>{sources_line(agreement.citations, agreement.articles)}{status}</i>" if agreement.citations else ""
    return f"📄 <b>{esc(shorten(agreement.title))}</b>{parties}{sources}"


def figure_line(figure: Figure) -> str:
    """One figure on one line: its value (and how other articles write it), what it measures, its sources."""
    variants = "".join(f" = {esc(v)}" for v in figure.variants)
    return f"🔢 <b>{esc(figure.value)}</b>{variants} — {esc(shorten(figure.about, 90))}\n<i>{sources_line(figure.citations, figure.articles)}</i>"


def with_heading(heading: str, blocks: list[str]) -> list[str]:
    """A section heading travels with the section's first block, so it never ends a page alone."""
    if not blocks:
        return []
    return [f"{heading}\n{blocks[0]}", *blocks[1:]]


def entity_buttons(refs: Iterable[tuple[str, str]], kind: str = "w", per_row: int = 2) -> list[list[Button]]:
    buttons = []
    for key, label in refs:
        data = callbacks.open_data(kind, key)
        if data and len(buttons) < MAX_ENTITY_BUTTONS:
            buttons.append(Button(label[:60], data))
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def fact_counts(counts: Stats | BuildReport) -> str:
    return ", ".join([
        plural(counts.people, "person", "people"),
        plural(counts.organizations, "organisation"),
        plural(counts.agreements, "agreement"),
        plural(counts.figures, "figure"),
    ])


def filter_heading(wanted: AgreementFilter | None, filter_text: str | None) -> str:
    """` matching “nuclear” · signed · reported in 2024`: an /agreements or /timeline filter as it was read,
    escaped HTML; empty without a filter."""
    if wanted is None:
        return f" matching “{echo(filter_text)}”" if filter_text else ""
    parts = [f" matching “{echo(wanted.topic)}”" if wanted.topic else ""]
    if wanted.statuses:
        parts.append(" · " + esc(" or ".join(wanted.statuses)))
    if wanted.year is not None:
        parts.append(f" · reported in {wanted.year}")
    return "".join(parts)
