"""/search and plain text: the matching sentences, the matched words in bold."""

from __future__ import annotations

from bot.chat.render.fragments import SEARCH_QUOTE_CHARS, echo, quotes
from bot.chat.render.pager import Screen, paginate
from bot.models import SearchAnswer, plural


def search(answer: SearchAnswer, arg: str | None = None) -> Screen:
    query = echo(answer.query)
    if not answer.hits:
        return Screen([f"No sentence matches “{query}”. Try fewer or different words, /who for a name or /sector for a topic."])
    found = plural(len(answer.hits), "sentence")
    header = f"🔎 {'top ' if answer.more else ''}<b>{found}</b> matching “{query}”"
    words = answer.query.split()
    blocks = [quotes([hit.citation], hit.terms or words, SEARCH_QUOTE_CHARS) for hit in answer.hits]
    return Screen(paginate(header, blocks), view="q", arg=answer.query if arg is None else arg)
