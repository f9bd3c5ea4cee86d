"""Inline mode: one whole message per result (whole quotes with their citations, never a cut one)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.chat.render.fragments import BLOCK_QUOTES, NO_NAMES, SEARCH_QUOTE_CHARS, agreement_block, esc, quotes
from bot.chat.render.pager import LIMIT
from bot.chat.telegram_limits import utf16_len
from bot.models import Agreement, Citation, WhoAnswer


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
