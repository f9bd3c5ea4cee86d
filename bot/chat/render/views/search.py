"""/search and plain text: the matching sentences, the matched words in bold."""

from __future__ import annotations

from bot.chat import callbacks
from bot.chat.render.fragments import SEARCH_QUOTE_CHARS, echo, quotes
from bot.chat.render.pager import Button, Screen, paginate
from bot.models import SearchAnswer, SectorAnswer, WhoAnswer, plural


def search(answer: SearchAnswer, arg: str | None = None) -> Screen:
    query = echo(answer.query)
    if not answer.hits:
        return Screen([f"No sentence matches “{query}”. Try fewer or different words, /who for a name or /sector for a topic."])
    found = plural(len(answer.hits), "sentence")
    header = f"🔎 {'top ' if answer.more else ''}<b>{found}</b> matching “{query}”"
    words = answer.query.split()
    blocks = [quotes([hit.citation], hit.terms or words, SEARCH_QUOTE_CHARS) for hit in answer.hits]
    return Screen(paginate(header, blocks), view="q", arg=answer.query if arg is None else arg)


def shortcuts(who: WhoAnswer, sector: SectorAnswer) -> tuple[Button, ...]:
    """Buttons to the person, organisation or sector that the words of a plain-text search also name."""
    buttons: list[Button] = []
    entity = (who.person or who.organization) if who.status == "found" else None
    if entity is not None:
        data = callbacks.open_data("w", entity.key)
        if data:
            buttons.append(Button(f"👤 {entity.name}" if who.person else f"🏢 {entity.name}", data))
    if sector.status == "found" and sector.sector:
        data = callbacks.open_data("s", sector.sector.key)
        if data:
            buttons.append(Button(f"🏭 {sector.sector.name}", data))
    return tuple(buttons)
