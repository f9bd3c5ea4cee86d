"""The answers a reader can page through, by the code their page buttons carry (`p:<code>:<page>:<arg>`).

Each view is how to load its answer from the index by the argument alone, and the render function that makes
it a Screen. Callback data, the handlers and the pager all go by this one table, so a new view is one entry
here and one render function under `render/views/`. A page button carries no state: ▶ on page 4 loads the
answer again (or takes it from the screen cache) and shows its page 5.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from bot.chat.render import Screen
from bot.chat.render.views import agreement, agreements, figures, search, sector, sources, who

if TYPE_CHECKING:
    from bot.chat.state import ScreenCache
    from bot.index.query import Index

T = TypeVar("T")
_YEAR = re.compile(r"(?:19|20)\d\d")
LISTED = 100  # articles in /sources, figures in /figures: a few dozen pages at most, whatever the index holds

# (index, argument, the answer when the caller already holds it) → the render's arguments; None: no such answer
Load = Callable[["Index", str, Any], Awaitable["tuple[Any, ...] | None"]]


@dataclass(frozen=True)
class View:
    load: Load
    render: Callable[..., Screen]


async def _who(index: Index, ref: str, known: Any = None) -> tuple[Any, ...] | None:
    """arg: an entity key, or `~<digest>` of one."""
    answer = known if known is not None else await index.entity(ref)
    return (answer, index.sector_names()) if answer.status == "found" else None


async def _mentions(index: Index, name: str, known: Any = None) -> tuple[Any, ...]:
    """arg: a name no entry matched (or whatever /who was given): the sentences naming it, suggestions; or, if the
    index has come to hold it since, its page."""
    answer = known if known is not None else await index.who(name)
    return (answer, index.sector_names())


async def _sector(index: Index, key: str, known: Any = None) -> tuple[Any, ...] | None:
    """arg: a sector key; empty for the list of sectors."""
    answer = known if known is not None else await index.sector(key or None)
    return (answer, index.sector_names()) if answer.status != "unknown" else None


async def _agreements(index: Index, filter_text: str, known: Any = None) -> tuple[Any, ...]:
    """arg: the filter (a topic, statuses, a year), empty for all; the first agreements of each status, how many
    match in all, and — when a status or a year leaves nothing — how many the topic has of each status."""
    wanted = filter_text or None
    parsed = index.agreement_filter(wanted)
    items = await index.agreements(wanted)
    others = await index.agreement_counts(parsed.topic or None) if not items and (parsed.statuses or parsed.year) else {}
    years = index.agreement_years() if not items and _YEAR.fullmatch(parsed.topic) else {}
    return (items, wanted, await index.agreement_counts(wanted), index.sector_names(), parsed, others, years)


async def _agreement(index: Index, key: str, known: Any = None) -> tuple[Any, ...] | None:
    """arg: an agreement's key (a timeline's buttons carry them)."""
    item = await index.agreement(key)
    return (item, index.sector_names()) if item is not None else None


async def _search(index: Index, text: str, known: Any = None) -> tuple[Any, ...]:
    """arg: the words searched for, as `callbacks.fit_arg` cut them (so every page asks the same question)."""
    return (await index.search(text), text)


async def _sources(index: Index, _arg: str, known: Any = None) -> tuple[Any, ...]:
    return (await index.sources(LISTED), (await index.stats()).articles)


async def _figures(index: Index, _arg: str, known: Any = None) -> tuple[Any, ...]:
    return (await index.figures(LISTED), (await index.stats()).figures)


VIEWS: dict[str, View] = {
    "w": View(_who, who.who),
    "m": View(_mentions, who.who),
    "s": View(_sector, sector.sector),
    "a": View(_agreements, agreements.agreements),
    "g": View(_agreement, agreement.agreement),
    "q": View(_search, search.search),
    "src": View(_sources, sources.sources),
    "f": View(_figures, figures.figures),
}


async def rendered(function: Callable[..., T], *args: Any) -> T:
    """A render, off the event loop: a big answer takes long enough to keep every other chat waiting."""
    return await asyncio.to_thread(function, *args)


async def screen(
    index: Index, code: str, arg: str, screens: ScreenCache | None = None, known: Any = None
) -> Screen | None:
    """The answer of view `code` for `arg`, or None when the index no longer holds it (or there is no such
    view). `known`: the answer when the caller already has it (a /who by name that found its entity), so it is
    not asked for twice. With `screens`, an answer rendered a moment ago (page 1, the previous ▶) is taken from
    there: an answer of many pages costs one render, not one per page turned."""
    view = VIEWS.get(code)
    if view is None:
        return None
    cached = screens.get(index, code, arg) if screens is not None else None
    if cached is not None:
        return cached
    loaded = await view.load(index, arg, known)
    if loaded is None:
        return None
    made = await rendered(view.render, *loaded)
    if screens is not None:
        screens.put(index, code, arg, made)
    return made
