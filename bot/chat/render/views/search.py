"""/search and plain text: the matching sentences, the matched words in bold; the greeting plain text gets."""

from __future__ import annotations

from collections.abc import Sequence

from bot.chat import callbacks
from bot.chat.render.fragments import SEARCH_QUOTE_CHARS, echo, esc, quotes
from bot.chat.render.pager import Button, Screen, Share, paginate
from bot.models import EntityRef, SearchAnswer, SectorInfo, plural
from bot.text import fold, query_words


def search(answer: SearchAnswer, arg: str | None = None) -> Screen:
    query = echo(answer.query)
    if not answer.hits:
        return Screen([f"No sentence matches “{query}”. Try fewer or different words, /who for a name or /sector for a topic."])
    found = plural(len(answer.hits), "sentence")
    top = "top " if answer.more else ""
    if answer.mode == "about" and answer.about is not None:
        rest = [w for w in answer.words if w not in fold(answer.about.name).split()]
        header = f"🔎 {top}<b>{found}</b> about {esc(answer.about.name)}"
        if rest:
            header += f" that mention “{esc(' '.join(rest))}”"
    elif answer.mode == "some":
        header = f"No sentence holds every word of “{query}”.\n🔎 {top}<b>{found}</b> holding most of them"
    else:
        header = f"🔎 {top}<b>{found}</b> matching “{query}”"
    if answer.words and answer.words != query_words(answer.query):
        header += f"\n<i>Searched for: {esc(', '.join(answer.words))}</i>"
    words = answer.query.split()
    blocks = [quotes([hit.citation], hit.terms or words, SEARCH_QUOTE_CHARS) for hit in answer.hits]
    arg = answer.query if arg is None else arg
    return Screen(paginate(header, blocks), view="q", arg=arg, share=Share(callbacks.deep_link("q", arg), arg))


def shortcuts(entities: Sequence[EntityRef], sectors: Sequence[SectorInfo]) -> tuple[Button, ...]:
    """Buttons to the people, organisations and sectors the words of a plain-text search name."""
    buttons: list[Button] = []
    for entity in entities:
        data = callbacks.open_data("w", entity.key)
        if data:
            buttons.append(Button(f"👤 {entity.name}" if entity.kind == "person" else f"🏢 {entity.name}", data))
    for info in sectors:
        data = callbacks.open_data("s", info.key)
        if data:
            buttons.append(Button(f"🏭 {info.name}", data))
    return tuple(buttons[:3])


def greeting(examples: Sequence[Button]) -> Screen:
    """A hello typed to the bot: what it does in two lines, and examples to tap (not a search for "hello")."""
    text = (
        "Hello! Ask me about the news articles I hold: send a name (<code>/who …</code>), a topic "
        "(<code>/sector energy</code>), <code>/agreements</code>, or just a few words to search for. /help lists everything."
    )
    return Screen([text], [[button] for button in examples])
