"""/sources: the indexed articles, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from bot.chat.render.fragments import esc, link
from bot.chat.render.pager import Screen, paginate
from bot.models import Source, plural


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
