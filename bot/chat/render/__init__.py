"""Answers → Telegram HTML pages and inline keyboards. Pure: no I/O, no PTB calls but building keyboards.

Pages are sized for reading on a phone (about 1,800 visible characters or five quotes, whichever comes first);
4096 characters stays the hard cap. Every interpolated value is escaped. Every quote is the exact sentence
from the index, followed by its citation; pages are cut only between rendered facts. The one exception is a
single fact longer than a whole message, which is cut between words with its tags closed and reopened — never
reworded. A sentence longer than any reader would page through (over MAX_QUOTE_CHARS; SEARCH_QUOTE_CHARS for a
search hit) is quoted as a verbatim passage of it, marked as such.

In parts: `pager` (Screen, Button, paginate), `fragments` (escaping, quotes, citations, fact blocks shared by
the views), `views/` (one module per answer), `inline` (inline-mode messages), `reload` (the /reload reports).
This module is their public face: what handlers and tests call.
"""

from bot.chat.render.fragments import (
    BLOCK_QUOTES,
    MAX_QUOTE_CHARS,
    SEARCH_QUOTE_CHARS,
    UNSAFE_CHARACTERS,
    agreement_block,
    citation_line,
    echo,
    esc,
    quotes,
)
from bot.chat.render.inline import inline_agreement, inline_entity, inline_quote
from bot.chat.render.pager import LIMIT, PAGE_BUDGET, PAGE_QUOTES, Button, Screen, paginate, split_html
from bot.chat.render.reload import reload_failed, reload_interrupted, reload_progress, reload_report
from bot.chat.render.views.agreements import agreements
from bot.chat.render.views.figures import figures
from bot.chat.render.views.search import greeting, search, shortcuts
from bot.chat.render.views.sector import sector
from bot.chat.render.views.sources import sources
from bot.chat.render.views.start import start, unknown_command
from bot.chat.render.views.who import usage_who, who

__all__ = [
    "BLOCK_QUOTES", "LIMIT", "MAX_QUOTE_CHARS", "PAGE_BUDGET", "PAGE_QUOTES", "SEARCH_QUOTE_CHARS", "UNSAFE_CHARACTERS",
    "agreement_block", "agreements", "Button", "citation_line", "echo", "esc", "figures", "greeting", "inline_agreement",
    "inline_entity", "inline_quote", "paginate", "quotes", "reload_failed", "reload_interrupted", "reload_progress",
    "reload_report", "Screen", "search", "sector", "shortcuts", "sources", "split_html", "start", "unknown_command",
    "usage_who", "who",
]
