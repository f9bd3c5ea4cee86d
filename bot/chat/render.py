"""Answers → Telegram HTML pages and inline keyboards. Pure: no I/O, no PTB calls.

Pages are sized for reading on a phone (about 1,800 visible characters or five quotes, whichever comes first);
4096 characters stays the hard cap. Every interpolated value is escaped. Every quote is the exact sentence
from the index, followed by its citation; pages are cut only between rendered facts. The one exception is a
single fact longer than a whole message, which is cut between words with its tags closed and reopened — never
reworded. A sentence longer than any reader would page through (over MAX_QUOTE_CHARS; SEARCH_QUOTE_CHARS for a
search hit) is quoted as a verbatim passage of it, marked as such.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from bot.chat import callbacks
from bot.chat.telegram_limits import html_to_text, utf16_len
from bot.index.build import BuildReport
from bot.models import (
    STATUS_ORDER,
    Agreement,
    Citation,
    EntityRef,
    Figure,
    Person,
    SearchAnswer,
    SectorAnswer,
    SectorInfo,
    Skipped,
    Source,
    Stats,
    WhoAnswer,
    plural,
)
from bot.text import FUNCTION_WORDS, TOKEN, fold

LIMIT: int = MessageLimit.MAX_TEXT_LENGTH  # the hard cap of one message
PAGE_BUDGET = 1800  # visible characters a page aims at: a screen or two on a phone
LIST_BUDGET = 2600  # a page of one-line facts (a long /agreements or /figures list) holds more of them
COMPACT_AFTER = 8  # a list of more facts than this is shown a line per fact, quotes one command away
LINE_TITLE = 120  # characters of a title on a one-line fact
PAGE_QUOTES = 5  # quotes per page at most
BLOCK_QUOTES = 3  # quotes shown for one agreement or figure; its other sources are listed as links
MORE_SOURCE_LINKS = 5
STATUS_HEADINGS = {
    "signed": "✍️ Signed",
    "adopted": "✅ Adopted",
    "planned": "🗓 Planned",
    "under negotiation": "🤝 Under negotiation",
    "initialled": "🖋 Initialled",
    "not concluded": "✖️ Not concluded",
}
# A quote shows at most this many characters of a sentence (a passage around the matched words beyond): a
# sentence is rarely over a few hundred, and no reader pages through a 5 MB one. A search hit, which points at
# a sentence rather than quoting a fact, shows less.
MAX_QUOTE_CHARS = 8000
SEARCH_QUOTE_CHARS = 1000
MAX_ENTITY_BUTTONS = 8
PEOPLE_LISTED = 30  # names on an organisation's page; the rest are counted
PREV, NEXT = "◀", "▶"
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


@dataclass(frozen=True)
class Button:
    text: str
    data: str | None = None  # callback data (≤ 64 bytes)
    url: str | None = None
    switch_inline: str | None = None  # switch_inline_query_current_chat

    def to_telegram(self) -> InlineKeyboardButton:
        if self.url:
            return InlineKeyboardButton(self.text, url=self.url)
        if self.switch_inline is not None:
            return InlineKeyboardButton(self.text, switch_inline_query_current_chat=self.switch_inline)
        return InlineKeyboardButton(self.text, callback_data=self.data)


@dataclass
class Screen:
    """A rendered answer: its pages, extra button rows shown under every page, and how to page it."""

    pages: list[str]
    rows: list[list[Button]] = field(default_factory=list)
    view: str | None = None  # callbacks.VIEWS key; None when the answer cannot be paged
    arg: str = ""

    def page(self, number: int) -> str:
        return self.pages[min(max(number, 1), len(self.pages)) - 1]

    def markup(self, number: int) -> InlineKeyboardMarkup | None:
        rows = [[button.to_telegram() for button in row] for row in self.rows]
        total = len(self.pages)
        # an argument too long for 64 bytes (a key in a non-Latin script) cannot be paged statelessly: page 1 only
        if total > 1 and self.view is not None and callbacks.fits(self.view, self.arg, total):
            number = min(max(number, 1), total)
            nav = []
            if number > 1:
                nav.append(InlineKeyboardButton(PREV, callback_data=callbacks.page_data(self.view, self.arg, number - 1)))
            nav.append(InlineKeyboardButton(f"{number}/{total}", callback_data=callbacks.NOOP))
            if number < total:
                nav.append(InlineKeyboardButton(NEXT, callback_data=callbacks.page_data(self.view, self.arg, number + 1)))
            rows.insert(0, nav)
        return InlineKeyboardMarkup(rows) if rows else None


# ---------------------------------------------------------------- pages


def paginate(
    header: str,
    blocks: Sequence[str],
    budget: int = PAGE_BUDGET,
    max_quotes: int = PAGE_QUOTES,
    limit: int = LIMIT,
) -> list[str]:
    """Pack blocks under the header into pages, cutting only between blocks.

    A page takes blocks while it stays within `budget` visible characters and `max_quotes` quotes; a block
    that alone exceeds the budget gets a page of its own, and only a block longer than `limit` is cut.
    `limit` counts UTF-16 code units, as Telegram does (an emoji is two).
    The header starts every page so a reader on page 3 still knows what they are reading.
    """
    pages: list[str] = []
    header_size = len(html_to_text(header))
    current, size, quoted, has_block = header, header_size, 0, False
    for block in blocks:
        block_size, block_quotes = len(html_to_text(block)), block.count("<blockquote>")
        candidate = f"{current}\n\n{block}" if current else block
        within_budget = size + 2 + block_size <= budget and quoted + block_quotes <= max_quotes
        if has_block and (not within_budget or utf16_len(candidate) > limit):
            pages.append(current)
            current, size, quoted, has_block = header, header_size, 0, False
            candidate = f"{current}\n\n{block}" if current else block
        if utf16_len(candidate) <= limit:
            current, size, quoted, has_block = candidate, size + 2 + block_size, quoted + block_quotes, True
            continue
        # one block alone is longer than a message: the only place a fact is cut, between words
        room = limit - (utf16_len(header) + 2 if header else 0)
        if room < limit // 2:  # an absurdly long header: give the block pages of its own
            room, pieces_header = limit, ""
        else:
            pieces_header = header
        for piece in split_html(block, room):
            pages.append(f"{pieces_header}\n\n{piece}" if pieces_header else piece)
    if has_block or not pages:
        pages.append(current)
    return pages


_HTML_TOKEN = re.compile(r"<[^>]*>|&[#a-zA-Z0-9]+;|[^<&]")


def split_html(text: str, limit: int) -> list[str]:
    """Cut HTML into pieces of at most `limit` UTF-16 code units at whitespace, never inside a tag or an entity;
    tags open at a cut are closed at the end of one piece and reopened at the start of the next."""
    tokens = _HTML_TOKEN.findall(text)
    pieces: list[str] = []
    stack: list[tuple[str, str]] = []  # (name, opening tag)
    out: list[str] = []
    length = 0
    # (index in out, length, stack copy, index in tokens) just after the last space of the piece being made
    last_space: tuple[int, int, list[tuple[str, str]], int] | None = None

    def closing(tags: list[tuple[str, str]]) -> str:
        return "".join(f"</{name}>" for name, _ in reversed(tags))

    index = 0
    while index < len(tokens):
        token = tokens[index]
        tag = re.match(r"<(/?)([a-zA-Z-]+)", token) if token.startswith("<") else None
        reserve = len(closing(stack)) + (len(f"</{tag.group(2)}>") if tag and not tag.group(1) else 0)
        if out and length + utf16_len(token) + reserve > limit:
            if last_space is not None and last_space[1] > limit // 3:
                cut, _, stack_at_cut, index = last_space  # the words after the space start the next piece
                out = out[:cut]
            else:
                stack_at_cut = list(stack)
            pieces.append("".join(out).rstrip() + closing(stack_at_cut))
            reopened = [opening for _, opening in stack_at_cut]
            stack = list(stack_at_cut)
            out = list(reopened)
            length = sum(utf16_len(t) for t in out)
            last_space = None
            continue
        if tag:
            if tag.group(1):
                if stack:
                    stack.pop()
            else:
                stack.append((tag.group(2).lower(), token))
        out.append(token)
        length += utf16_len(token)
        index += 1
        if token.isspace():
            last_space = (len(out), length, list(stack), index)
    if out:
        pieces.append("".join(out))
    return [piece for piece in pieces if html_to_text(piece).strip()] or [text[:limit]]


# ---------------------------------------------------------------- facts


def link(url: str | None, label: str) -> str:
    """A link when the URL is http(s) (Telegram refuses other schemes), else the escaped label."""
    if url and re.match(r"https?://[^\s<>\"]+$", url):
        return f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>'
    return esc(label)


def citation_line(citation: Citation) -> str:
    return f"— {link(citation.url, citation.outlet)}, {citation.date.isoformat()}"


def _by_sentence(citations: Iterable[Citation]) -> list[list[Citation]]:
    """Citations grouped by sentence text, in order: the same sentence in two outlets is one fact, two sources."""
    grouped: dict[str, list[Citation]] = {}
    for citation in citations:
        grouped.setdefault(citation.sentence, []).append(citation)
    return list(grouped.values())


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
    return f"<blockquote>{highlight(shown, terms)}</blockquote>\n" + "\n".join(lines)


def quotes(citations: Iterable[Citation], terms: Sequence[str] = (), most: int = MAX_QUOTE_CHARS) -> str:
    """Each distinct sentence once, verbatim (in part beyond `most` characters), followed by every citation
    that reports it."""
    return "\n".join(_quote(group, terms, most) for group in _by_sentence(citations))


def capped_quotes(citations: Sequence[Citation], most: int = BLOCK_QUOTES, more: int = 0) -> str:
    """The first `most` sentences quoted; the other sources of the same fact listed as links (and `more` ones
    the answer only counted), so a fact reported by twenty outlets stays one readable block."""
    groups = _by_sentence(citations)
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
    """The sentence, escaped, with words matching `terms` in bold (case- and diacritic-insensitive).

    Short function words (`to`, `and`) are bolded only next to another matched word, so `Lê Văn An` and
    `oil and gas` light up whole while a stray "and" elsewhere does not."""
    wanted = {w for term in terms for w in fold(term).split() if w}
    if not wanted:
        return esc(sentence)
    words = list(TOKEN.finditer(sentence))

    def matches(folded: str) -> bool:
        return any(folded == w or (len(w) >= 3 and folded.startswith(w)) for w in wanted)

    strength = []  # 2: a matched content word, 1: a matched function word, 0: no match
    for match in words:
        folded = fold(match.group())
        strength.append(0 if not folded or not matches(folded) else 1 if folded in FUNCTION_WORDS else 2)
    bold = [False] * len(words)
    for i, level in enumerate(strength):
        bold[i] = level == 2
    for i, level in enumerate(strength):  # function words join runs of matched words
        if level == 1:
            left = next((strength[j] for j in range(i - 1, -1, -1) if strength[j] != 1), 0)
            right = next((strength[j] for j in range(i + 1, len(words)) if strength[j] != 1), 0)
            bold[i] = left == 2 or right == 2
    if not any(bold) and any(strength):  # the query was only function words: show them anyway
        bold = [level > 0 for level in strength]
    out: list[str] = []
    position = 0
    for match, is_bold in zip(words, bold):
        if is_bold:
            out.append(esc(sentence[position : match.start()]))
            out.append(f"<b>{esc(match.group())}</b>")
            position = match.end()
    out.append(esc(sentence[position:]))
    return "".join(out)


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
    if agreement.parties:
        details.append("parties: " + esc(", ".join(agreement.parties)))
    if agreement.sectors:
        details.append("sectors: " + esc(", ".join(sector_name(key, sector_names) for key in agreement.sectors)))
    lines = [f"📄 <b>{esc(agreement.title)}</b>", "<i>" + " · ".join(details) + "</i>"]
    if agreement.citations:
        lines.append(capped_quotes(agreement.citations, most, agreement.more_sources))
    return "\n".join(lines)


def _short(text: str, most: int = LINE_TITLE) -> str:
    if len(text) <= most:
        return text
    cut = text.rfind(" ", 0, most)
    return text[: cut if cut > most // 2 else most].rstrip(" ,;:") + "…"


def _sources_line(citations: Sequence[Citation]) -> str:
    """'TASS, 2025-10-14 · VNA, 2025-10-15': who reported a fact, each linked to the article."""
    seen = list({(c.article, c.outlet): c for c in citations}.values())
    shown = " · ".join(f"{link(c.url, c.outlet)}, {c.date.isoformat()}" for c in seen[:2])
    return shown + (f" +{len(seen) - 2}" if len(seen) > 2 else "")


def agreement_line(agreement: Agreement, with_status: bool = False) -> str:
    """One agreement on one line: its title, parties and sources (its sentences one /agreements filter away)."""
    status = f" · {esc(agreement.status)}" if with_status else ""
    parties = f" — {esc(', '.join(agreement.parties))}" if agreement.parties else ""
    sources = f"\n<i>{_sources_line(agreement.citations)}{status}</i>" if agreement.citations else ""
    return f"📄 <b>{esc(_short(agreement.title))}</b>{parties}{sources}"


FIGURE_GROUPS = (
    ("money", "💰 Money"), ("capacity", "⚡ Capacity"), ("energy", "⚡ Energy"), ("multiplier", "📈 Growth"),
    ("count", "👥 Counts"), ("volume", "📦 Volumes"), ("percent", "％ Shares and changes"), ("duration", "⏱ Durations"),
)


def figure_line(figure: Figure) -> str:
    """One figure on one line: its value (and how other articles write it), what it measures, its sources."""
    variants = "".join(f" = {esc(v)}" for v in figure.variants)
    return f"🔢 <b>{esc(figure.value)}</b>{variants} — {esc(_short(figure.about, 90))}\n<i>{_sources_line(figure.citations)}</i>"


def figure_block(figure: Figure, most: int = BLOCK_QUOTES) -> str:
    head = f"🔢 <b>{esc(figure.value)}</b> — {esc(figure.about)}"
    return head + ("\n" + capped_quotes(figure.citations, most) if figure.citations else "")


def _with_heading(heading: str, blocks: list[str]) -> list[str]:
    """A section heading travels with the section's first block, so it never ends a page alone."""
    if not blocks:
        return []
    return [f"{heading}\n{blocks[0]}", *blocks[1:]]


def _entity_buttons(refs: Iterable[tuple[str, str]], kind: str = "w", per_row: int = 2) -> list[list[Button]]:
    buttons = []
    for key, label in refs:
        data = callbacks.open_data(kind, key)
        if data and len(buttons) < MAX_ENTITY_BUTTONS:
            buttons.append(Button(label[:60], data))
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


# ---------------------------------------------------------------- /who


def who(answer: WhoAnswer, sector_names: Mapping[str, str] = NO_NAMES) -> Screen:
    if answer.status == "found" and (answer.person or answer.organization):
        return _who_found(answer, sector_names)
    query = echo(answer.query)
    choices = _candidate_lines(answer.candidates)
    buttons = _entity_buttons((c.key, c.name) for c in answer.candidates)
    if answer.status == "ambiguous":
        text = f"“{query}” could mean several entries. Which one?" + choices
    elif answer.status == "suggest":
        text = f"Nothing matches “{query}” exactly. Did you mean:" + choices
    else:
        text = f"Nothing in the articles matches “{query}”."
        if answer.candidates:
            text += "\nPeople and organisations I know include:" + choices
    if answer.status != "ambiguous":
        search = _search_button(answer.query)
        if search is not None:
            buttons.append([search])
    return Screen([text], buttons)


def _search_button(text: str) -> Button | None:
    """A button that turns this message into the full-text search for `text` (stateless: `p:q:1:<text>`)."""
    arg = callbacks.fit_arg("q", text)
    if not arg:
        return None
    shown = arg if len(arg) <= 24 else arg[:23].rstrip() + "…"
    return Button(f"🔎 Search the articles for “{shown}”", callbacks.page_data("q", arg, 1))


def _candidate_lines(candidates: Sequence[EntityRef]) -> str:
    if not candidates:
        return ""
    lines = []
    for candidate in candidates[:MAX_ENTITY_BUTTONS]:
        icon = "👤" if candidate.kind == "person" else "🏢"
        detail = f" — {esc(candidate.detail)}" if candidate.detail else ""
        lines.append(f"{icon} {esc(candidate.name)}{detail}")
    return "\n" + "\n".join(lines)


def _who_found(answer: WhoAnswer, sector_names: Mapping[str, str]) -> Screen:
    rows: list[list[Button]] = []
    if answer.person:
        entity = answer.person
        header_lines = [f"👤 <b>{esc(entity.name)}</b>"]
        organization = entity.organization
        if organization and entity.role and fold(organization) in fold(entity.role):
            organization = None  # "Chairman of the Harbour Board · Harbour Board" says it twice
        role = " · ".join(esc(part) for part in (entity.role, organization) if part)
        if role:
            header_lines.append(role)
        aliases = entity.aliases
        if entity.organization_key and entity.organization:
            rows += _entity_buttons([(entity.organization_key, f"🏢 {entity.organization}")], per_row=1)
    else:
        assert answer.organization is not None
        entity = answer.organization  # type: ignore[assignment]
        header_lines = [f"🏢 <b>{esc(entity.name)}</b>"]
        if answer.organization.description:
            header_lines.append(esc(answer.organization.description))
        aliases = entity.aliases
    others = [a for a in aliases if fold(a) != fold(entity.name)][:5]
    if others:
        header_lines.append("<i>Also written: " + esc(", ".join(others)) + "</i>")
    blocks: list[str] = []
    if answer.people:
        blocks += _people_blocks(answer.people)
        rows += _entity_buttons((p.key, p.name) for p in answer.people)
    blocks += _with_heading("<b>Agreements</b>", [agreement_block(a, sector_names=sector_names) for a in answer.agreements])
    shown = {c.sentence for a in answer.agreements for c in a.citations}
    said = [c for c in answer.citations if c.sentence not in shown]
    blocks += _with_heading(
        f"<b>What the articles say</b> ({len(_distinct(said))})", [quotes(group) for group in _by_sentence(said)]
    )
    if not blocks:
        blocks.append("<i>The articles name them but say nothing more.</i>")
    return Screen(paginate("\n".join(header_lines), blocks), rows, view="w", arg=callbacks.entity_ref(entity.key))


def _people_blocks(people: Sequence[Person]) -> list[str]:
    """An organisation's people, ten to a block so a long list pages like facts do; at most PEOPLE_LISTED."""
    lines = [f"👤 {esc(p.name)}" + (f" — {esc(p.role)}" if p.role else "") for p in people[:PEOPLE_LISTED]]
    if len(people) > PEOPLE_LISTED:
        lines.append(f"<i>…and {plural(len(people) - PEOPLE_LISTED, 'more person', 'more people')}</i>")
    blocks = ["\n".join(lines[i : i + 10]) for i in range(0, len(lines), 10)]
    return _with_heading(f"<b>People</b> ({len(people)})", blocks)


def _distinct(citations: Iterable[Citation]) -> list[str]:
    return list(dict.fromkeys(c.sentence for c in citations))


# ---------------------------------------------------------------- /sector


def sector(answer: SectorAnswer, sector_names: Mapping[str, str] = NO_NAMES) -> Screen:
    if answer.status == "list":
        return sector_list(answer.known, "Sectors in the articles — tap one:")
    if answer.status == "unknown" or answer.sector is None:
        intro = f"I don't know a sector called “{echo(answer.query)}”. These are the ones I know — tap one:"
        return sector_list(answer.known, intro)
    info = answer.sector
    header_lines = [f"🏭 <b>{esc(info.name[:1].upper() + info.name[1:])}</b>"]
    if answer.subsectors:
        header_lines.append("Includes: " + ", ".join(f"{esc(s.name)} ({s.count})" for s in answer.subsectors))
    rows = _entity_buttons(((s.key, f"{s.name} ({s.count})") for s in answer.subsectors if s.count), kind="s", per_row=3)
    rows.append([Button("🏭 All sectors", callbacks.page_data("s", "", 1))])
    blocks = _with_heading("<b>Agreements</b>", [agreement_block(a, sector_names=sector_names) for a in answer.agreements])
    shown = {c.sentence for a in answer.agreements for c in a.citations}
    said = [c for c in answer.citations if c.sentence not in shown]
    blocks += _with_heading(
        f"<b>What the articles say</b> ({len(_distinct(said))})", [quotes(group) for group in _by_sentence(said)]
    )
    if not blocks:
        blocks.append(f"Nothing in the articles is about {esc(info.name)} yet. /sector lists the sectors that have facts.")
    return Screen(paginate("\n".join(header_lines), blocks), rows, view="s", arg=info.key)


def sector_list(known: Sequence[SectorInfo], intro: str) -> Screen:
    with_facts = [s for s in known if s.count]
    empty = [s for s in known if not s.count]
    text = intro if with_facts else "No sector has facts yet."
    if empty:
        text += "\n<i>No facts yet: " + esc(", ".join(s.name for s in empty)) + "</i>"
    rows = []
    buttons = []
    for info in with_facts:
        data = callbacks.open_data("s", info.key)
        if data:
            label = f"{'· ' if info.parent else ''}{info.name} ({info.count})"
            buttons.append(Button(label, data))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)][:40]
    return Screen([text], rows)


# ---------------------------------------------------------------- /agreements, /search, /sources, /figures


def agreements(
    items: Sequence[Agreement],
    filter_text: str | None = None,
    counts: Mapping[str, int] | None = None,
    sector_names: Mapping[str, str] = NO_NAMES,
) -> Screen:
    """Agreements grouped by status. `counts` (status → how many match in all) tells a capped list from a
    whole one: "Signed (25 of 412)"."""
    arg = filter_text or ""
    if not items:
        if filter_text:
            text = f"No agreement matches “{echo(filter_text)}”. /agreements lists them all."
        else:
            text = "No agreements in the articles yet."
        return Screen([text])
    shown = {status: sum(1 for a in items if a.status == status) for status in {a.status for a in items}}
    total = {status: max(count, (counts or {}).get(status, 0)) for status, count in shown.items()}
    matching = f" matching “{echo(filter_text)}”" if filter_text else ""
    everything = max(sum((counts or {}).values()), len(items))
    title = f"<b>Agreements</b>{matching} ({everything})"
    if everything > len(items):
        title += "\n<i>The first of each kind; add a word to narrow the list, e.g. /agreements nuclear.</i>"
    blocks: list[str] = []
    compact = len(items) > COMPACT_AFTER
    if compact:
        title += "\n<i>A line each; add a word to read their sentences, e.g. /agreements nuclear.</i>"
    statuses = list(STATUS_ORDER) + sorted(set(shown) - set(STATUS_ORDER))
    for status in statuses:
        group = [a for a in items if a.status == status]
        if not group:
            continue
        count = f"{shown[status]} of {total[status]}" if total[status] > shown[status] else f"{shown[status]}"
        heading = f"<b>{esc(STATUS_HEADINGS.get(status, status.capitalize()))}</b> ({count})"
        render = agreement_line if compact else (lambda a: agreement_block(a, with_status=False, sector_names=sector_names))
        blocks += _with_heading(heading, [render(a) for a in group])
    if compact:
        return Screen(paginate(title, blocks, budget=LIST_BUDGET, max_quotes=10**6), view="a", arg=arg)
    return Screen(paginate(title, blocks), view="a", arg=arg)


def search(answer: SearchAnswer, arg: str | None = None) -> Screen:
    query = echo(answer.query)
    if not answer.hits:
        return Screen([f"No sentence matches “{query}”. Try fewer or different words, /who for a name or /sector for a topic."])
    found = plural(len(answer.hits), "sentence")
    header = f"🔎 {'top ' if answer.more else ''}<b>{found}</b> matching “{query}”"
    words = answer.query.split()
    blocks = [quotes([hit.citation], hit.terms or words, SEARCH_QUOTE_CHARS) for hit in answer.hits]
    return Screen(paginate(header, blocks), view="q", arg=answer.query if arg is None else arg)


def sources(items: Sequence[Source], total: int | None = None) -> Screen:
    """The articles, newest first; `total` (how many there are in all) when `items` are only the newest."""
    if not items:
        return Screen(["No articles are indexed yet."])
    blocks = []
    for source in items:
        blocks.append(
            f"📰 <b>{esc(source.title)}</b>\n{link(source.url, source.outlet)}, {source.date.isoformat()}"
            f" · {plural(source.facts, 'fact')}"
        )
    if total is not None and total > len(items):
        header = f"<b>Sources</b> (the newest {len(items)} of {plural(total, 'article')})"
    else:
        header = f"<b>Sources</b> ({plural(len(items), 'article')})"
    return Screen(paginate(header, blocks), view="src")


def figures(items: Sequence[Figure], total: int | None = None) -> Screen:
    """Figures in the order they were first reported, `total` when `items` are only the first; a long list a
    line per figure, grouped by what kind of thing they measure."""
    if not items:
        return Screen(["No figures in the articles yet."])
    count = f"the first {len(items)} of {total:,}" if total is not None and total > len(items) else f"{len(items)}"
    title = f"<b>Figures</b> ({count})"
    if len(items) <= COMPACT_AFTER:
        return Screen(paginate(title, [figure_block(f) for f in items]), view="f")
    blocks: list[str] = []
    known = [unit for unit, _ in FIGURE_GROUPS]
    for unit, heading in [*FIGURE_GROUPS, *((u, u.capitalize()) for u in sorted({f.unit for f in items} - set(known)))]:
        group = [figure_line(f) for f in items if f.unit == unit]
        blocks += _with_heading(f"<b>{heading}</b> ({len(group)})", group)
    return Screen(paginate(title, blocks, budget=LIST_BUDGET, max_quotes=10**6), view="f")


# ---------------------------------------------------------------- /start and friends


def start(stats: Stats, examples: Sequence[Button], bot_name: str = "citebot") -> Screen:
    lines = [f"Hi! I'm <b>{esc(bot_name)}</b>. I answer questions about news articles and quote the exact sentence behind every fact, with its outlet, date and link."]
    if stats.articles:
        outlets = ", ".join(stats.outlets[:5]) + ("…" if len(stats.outlets) > 5 else "")
        span = ""
        if stats.first_date and stats.last_date:
            span = (
                f", {stats.first_date.isoformat()}"
                if stats.first_date == stats.last_date
                else f", {stats.first_date.isoformat()} to {stats.last_date.isoformat()}"
            )
        lines.append(
            f"\nI hold <b>{plural(stats.articles, 'article')}</b> ({esc(outlets)}{span}): {_fact_counts(stats)}."
        )
    else:
        lines.append("\nNo articles are indexed yet.")
    lines.append("\nTry one of these, or /help for every command:")
    return Screen(["\n".join(lines)], [[button] for button in examples])


def _fact_counts(counts: Stats | BuildReport) -> str:
    return ", ".join([
        plural(counts.people, "person", "people"),
        plural(counts.organizations, "organisation"),
        plural(counts.agreements, "agreement"),
        plural(counts.figures, "figure"),
    ])


def unknown_command(command: str) -> str:
    return f"I don't know the command {echo(command, 40)}. /help lists what I can do."


def usage_who(examples: Sequence[EntityRef] = ()) -> Screen:
    text = (
        "Send /who with a name, e.g. <code>/who surname</code> — any spelling works: "
        "with or without accents, in Cyrillic, surname only, or an acronym."
    )
    if examples:
        text += "\nOr tap one:"
    return Screen([text], _entity_buttons((e.key, e.name) for e in examples))


# ---------------------------------------------------------------- inline mode: one whole message per result


def inline_entity(answer: WhoAnswer) -> str | None:
    """The entity's name and role, then its first quote with the citation; None when it cannot be whole."""
    entity = answer.person or answer.organization
    if entity is None or not answer.citations:
        return None
    detail = (answer.person.role if answer.person else answer.organization.description if answer.organization else None) or ""
    head = f"<b>{esc(entity.name)}</b>" + (f" — {esc(detail)}" if detail else "")
    return _whole(head + "\n" + quotes(answer.citations[:1]))


def inline_agreement(agreement: Agreement, sector_names: Mapping[str, str] = NO_NAMES) -> str | None:
    """The agreement with as many of its quotes (up to BLOCK_QUOTES) as one message holds whole."""
    if not agreement.citations:
        return None
    for most in range(BLOCK_QUOTES, 0, -1):
        message = _whole(agreement_block(agreement, most=most, sector_names=sector_names))
        if message is not None:
            return message
    return None


def inline_quote(citation: Citation, terms: Sequence[str] = ()) -> str | None:
    return _whole(quotes([citation], terms, SEARCH_QUOTE_CHARS))


def _whole(message: str) -> str | None:
    """The message when it fits one Telegram message; an inline result is never cut mid-quote."""
    return message if utf16_len(message) <= LIMIT else None


# ---------------------------------------------------------------- /reload

FILE_NAME_UNITS = 80  # of a skipped file's name in the reload report
REASON_UNITS = 200  # of the reason it was skipped
ARTICLE_ID_UNITS = 40  # of an added, changed or removed article's id


def reload_progress(done: int, total: int, file_name: str) -> str:
    return f"🔄 Rebuilding the index… read {done}/{total} files (last: <code>{echo(file_name, FILE_NAME_UNITS)}</code>)"


def reload_interrupted() -> str:
    return "⏹ Reload interrupted: the bot is stopping. The previous index is unchanged; send /reload again later."


def _item_line(item: Skipped) -> str:
    return f"• <code>{echo(item.file, FILE_NAME_UNITS)}</code>: {echo(item.reason, REASON_UNITS)}"


def reload_failed(error: str, skipped: Sequence[Skipped] = ()) -> str:
    head = [f"❌ Reload failed: {echo(error, 600)}", "The previous index is still answering; nothing changed."]
    return _report(head, [(f"<b>Skipped {plural(len(skipped), 'file')}</b>", skipped)])


def reload_report(report: BuildReport) -> str:
    """The summary of a successful reload: what is indexed now, what changed, what was skipped and why."""
    head = [
        f"✅ Reloaded: <b>{plural(report.articles, 'article')}</b>, {plural(report.sentences, 'sentence')}"
        f" in {report.seconds:.1f} s.",
        _fact_counts(report) + ".",
    ]
    for label, items in (("Added", report.added), ("Changed", report.changed), ("Removed", report.removed)):
        listed = ", ".join(echo(item, ARTICLE_ID_UNITS) for item in items[:20])  # 3 × 20 × 40 leave room below
        listed = f" — {listed}{'…' if len(items) > 20 else ''}" if items else ""
        head.append(f"{label}: {plural(len(items), 'article')}{listed}")
    if not report.skipped:
        head.append("Skipped: none")
    return _report(head, [
        (f"<b>Skipped {plural(len(report.skipped), 'file')}</b>", report.skipped),
        (f"<b>Indexed with remarks ({len(report.warnings)})</b>", report.warnings),
    ])


def _report(head: Sequence[str], sections: Sequence[tuple[str, Sequence[Skipped]]]) -> str:
    """A one-message status (the reload report): the head, then each non-empty section's files with their
    reasons for as long as the message has room, counted in UTF-16 units as Telegram does; a list that does
    not fit ends with how many more there are ("… and 380 more")."""
    lines = list(head)
    size = utf16_len("\n".join(lines))
    reserve = 40  # room for the "… and N more" line
    for title, items in sections:
        if not items:
            continue
        if size + utf16_len(title) + 2 + reserve > LIMIT:
            break
        lines += ["", title]
        size += utf16_len(title) + 2
        for number, item in enumerate(items):
            line = _item_line(item)
            if size + utf16_len(line) + 1 + reserve > LIMIT:
                lines.append(f"<i>… and {len(items) - number} more</i>")
                size += reserve
                break
            lines.append(line)
            size += utf16_len(line) + 1
    return "\n".join(lines)
