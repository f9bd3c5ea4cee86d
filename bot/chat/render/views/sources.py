"""/sources: the indexed articles, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from bot.chat.render.fragments import esc, link
from bot.chat import callbacks
from bot.chat.render.pager import Screen, Share, paginate
from bot.models import Source, plural


def sources(items: Sequence[Source], total: int | None = None) -> Screen:
    """The articles, newest first; `total` (how many there are in all) when `items` are only the newest."""
    if not items:
        return Screen(["No articles are indexed yet."])
    blocks = []
    for source in items:
        if source.headline:
            title = f"📰 <b>{esc(source.title)}</b>"
        else:  # the reader made a title of the lead sentence: say so rather than pass a cut sentence off as one
            title = f"📰 <i>No headline; it begins:</i> “{esc(source.title)}”"
        where = f"{link(source.url, source.outlet)}, {source.date.isoformat()}"
        if not source.url:
            where += " · <i>no link: the saved page gives no address</i>"
        blocks.append(f"{title}\n{where}\n{_what_it_holds(source)}")
    if total is not None and total > len(items):
        header = f"<b>Sources</b> (the newest {len(items)} of {plural(total, 'article')})"
    else:
        header = f"<b>Sources</b> ({plural(len(items), 'article')})"
    return Screen(paginate(header, blocks), view="src", share=Share(callbacks.deep_link("src")))


def _what_it_holds(source: Source) -> str:
    """`Names 5 people and 9 organisations; reports 4 agreements and 1 figure`: what the article gives, in words."""
    names = [plural(n, noun, nouns) for n, noun, nouns in
             ((source.people, "person", "people"), (source.organizations, "organisation", None)) if n]
    reports = [plural(n, noun) for n, noun in ((source.agreements, "agreement"), (source.figures, "figure")) if n]
    parts = []
    if names:
        parts.append("names " + " and ".join(names))
    if reports:
        parts.append("reports " + " and ".join(reports))
    if not parts:
        return "<i>no people, organisations, agreements or figures found in it</i>"
    text = "; ".join(parts)
    return "<i>" + text[0].upper() + text[1:] + "</i>"
