"""The pager: a rendered answer as pages with their buttons, and how facts are packed into pages.

Pages are cut only between blocks (rendered facts); only a block longer than a whole message is cut, between
words, its tags closed and reopened. Page buttons carry everything they need (`p:<view>:<page>:<arg>`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from telegram import CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup, SwitchInlineQueryChosenChat
from telegram.constants import MessageLimit

from bot.chat import callbacks
from bot.chat.telegram_limits import html_to_text, utf16_len

LIMIT: int = MessageLimit.MAX_TEXT_LENGTH  # the hard cap of one message
PAGE_BUDGET = 1800  # visible characters a page aims at: a screen or two on a phone
LIST_BUDGET = 2600  # a page of one-line facts (a long /agreements or /figures list) holds more of them
COMPACT_AFTER = 8  # a list of more facts than this is shown a line per fact, quotes one command away
PAGE_QUOTES = 5  # quotes per page at most
PREV, NEXT = "◀", "▶"


@dataclass(frozen=True)
class Button:
    text: str
    data: str | None = None  # callback data (≤ 64 bytes)
    url: str | None = None
    switch_inline: str | None = None  # switch_inline_query_current_chat
    share_query: str | None = None  # switch_inline_query_chosen_chat: this inline query, in a chat the user picks
    copy: str | None = None  # copy_text: copied to the clipboard (1–256 characters)

    def to_telegram(self) -> InlineKeyboardButton:
        if self.url:
            return InlineKeyboardButton(self.text, url=self.url)
        if self.switch_inline is not None:
            return InlineKeyboardButton(self.text, switch_inline_query_current_chat=self.switch_inline)
        if self.share_query is not None:
            chosen = SwitchInlineQueryChosenChat(
                query=self.share_query, allow_user_chats=True, allow_group_chats=True, allow_channel_chats=True
            )
            return InlineKeyboardButton(self.text, switch_inline_query_chosen_chat=chosen)
        if self.copy is not None:
            return InlineKeyboardButton(self.text, copy_text=CopyTextButton(self.copy))
        return InlineKeyboardButton(self.text, callback_data=self.data)


@dataclass(frozen=True)
class Share:
    """How an answer is passed on: the deep-link payload that opens it again (`t.me/<bot>?start=<link>`) and
    the inline query that finds its quotes in another chat. Either may be None (nothing fits)."""

    link: str | None = None
    query: str | None = None


@dataclass(frozen=True)
class Screen:
    """A rendered answer: its pages, extra button rows shown under every page, and how to page it (the code of
    its view in `bot.chat.views.VIEWS` and the argument that view loads it by). Frozen: one rendered answer is
    handed to every reader that asks for it again, so what a reply adds goes into `markup`, not into the screen."""

    pages: Sequence[str]
    rows: Sequence[Sequence[Button]] = ()
    view: str | None = None  # None when the answer cannot be paged
    arg: str = ""
    share: Share | None = None  # 🔗 Link, 📤 Share and 📋 Copy under every page, when the bot's username is known
    page_data: Callable[[int], str] | None = None  # callback data of a page button, when not `p:<view>:<n>:<arg>`

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", tuple(self.pages))
        object.__setattr__(self, "rows", tuple(tuple(row) for row in self.rows))

    def page(self, number: int) -> str:
        return self.pages[min(max(number, 1), len(self.pages)) - 1]

    def markup(
        self, number: int, lead: Sequence[Sequence[Button]] = (), bot_username: str | None = None
    ) -> InlineKeyboardMarkup | None:
        """The keyboard under page `number`: ◀ n/N ▶, then `lead` (rows for this one message, such as plain
        text's shortcuts), then the screen's own rows, then — given the bot's username — the row that passes the
        answer on (a link to it, sharing through inline mode, and copying the page's first quote)."""
        share = share_row(self, number, bot_username) if bot_username else []
        rows = [[button.to_telegram() for button in row] for row in (*lead, *self.rows, *([share] if share else []))]
        total = len(self.pages)
        # an argument too long for 64 bytes (a key in a non-Latin script) cannot be paged statelessly: page 1 only
        pageable = self.page_data is not None or (self.view is not None and callbacks.fits(self.view, self.arg, total))
        if total > 1 and pageable:
            number = min(max(number, 1), total)
            nav = []
            if number > 1:
                nav.append(InlineKeyboardButton(PREV, callback_data=self._page_button(number - 1)))
            nav.append(InlineKeyboardButton(f"{number}/{total}", callback_data=callbacks.NOOP))
            if number < total:
                nav.append(InlineKeyboardButton(NEXT, callback_data=self._page_button(number + 1)))
            rows.insert(0, nav)
        return InlineKeyboardMarkup(rows) if rows else None

    def _page_button(self, number: int) -> str:
        if self.page_data is not None:
            return self.page_data(number)
        assert self.view is not None
        return callbacks.page_data(self.view, self.arg, number)


def share_row(screen: Screen, number: int, bot_username: str) -> list[Button]:
    """🔗 Link (the deep link that opens this answer), 📤 Share (its inline query, in a chat the user picks) and
    📋 Copy (the page's first quote with its citation, as plain text): each only when it can be made."""
    from bot.chat.render.fragments import copy_text  # fragments builds on the pager

    if screen.share is None:
        return []
    row = []
    if screen.share.link:
        row.append(Button("🔗 Link", url=callbacks.deep_link_url(bot_username, screen.share.link)))
    if screen.share.query:
        row.append(Button("📤 Share", share_query=screen.share.query))
    copied = copy_text(screen.page(number))
    if copied:
        row.append(Button("📋 Copy", copy=copied))
    return row


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
    header_size, header_units = visible_size(header), utf16_len(header)
    # the page so far, its visible size, quotes and UTF-16 length (kept as it grows: measuring the whole page
    # again for every block made a 240-line list quadratic)
    current, size, quoted, units, has_block = header, header_size, 0, header_units, False
    for block in blocks:
        block_size, block_quotes, block_units = visible_size(block), block.count("<blockquote"), utf16_len(block)
        joined = units + 2 + block_units if current else block_units
        within_budget = size + 2 + block_size <= budget and quoted + block_quotes <= max_quotes
        if has_block and (not within_budget or joined > limit):
            pages.append(current)
            current, size, quoted, units, has_block = header, header_size, 0, header_units, False
            joined = units + 2 + block_units if current else block_units
        if joined <= limit:
            current = f"{current}\n\n{block}" if current else block
            size, quoted, units, has_block = size + 2 + block_size, quoted + block_quotes, joined, True
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


COLLAPSED_QUOTE = 200  # visible characters an expandable quote takes on a page before it is tapped open
_EXPANDABLE = re.compile(r"<blockquote expandable>(.*?)</blockquote>", flags=re.S)


def visible_size(html: str) -> int:
    """Characters a reader sees of a block before tapping anything: an expandable quote shows its first lines."""
    if "<blockquote expandable>" in html:
        html = _EXPANDABLE.sub(lambda m: "x" * min(len(html_to_text(m.group(1))), COLLAPSED_QUOTE), html)
    return len(html_to_text(html))


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
