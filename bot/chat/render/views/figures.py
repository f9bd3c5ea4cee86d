"""/figures: the numbers the articles report, what they measure and who reported them."""

from __future__ import annotations

from collections.abc import Sequence

from bot.chat.render.fragments import BLOCK_QUOTES, capped_quotes, esc, figure_line, with_heading
from bot.chat import callbacks
from bot.chat.render.pager import COMPACT_AFTER, LIST_BUDGET, Screen, Share, paginate
from bot.models import Figure

FIGURE_GROUPS = (
    ("money", "💰 Money"), ("capacity", "⚡ Capacity"), ("energy", "⚡ Energy"), ("multiplier", "📈 Growth"),
    ("count", "👥 Counts"), ("volume", "📦 Volumes"), ("percent", "％ Shares and changes"), ("duration", "⏱ Durations"),
)


def figure_block(figure: Figure, most: int = BLOCK_QUOTES) -> str:
    """One figure with the sentences that report it: a figure reported twice is one block, two citations."""
    variants = "".join(f" = {esc(v)}" for v in figure.variants)
    head = f"🔢 <b>{esc(figure.value)}</b>{variants} — {esc(figure.about)}"
    return head + ("\n" + capped_quotes(figure.citations, most, figure.more_sources) if figure.citations else "")


def figures(items: Sequence[Figure], total: int | None = None) -> Screen:
    """Figures grouped by what kind of thing they measure, each group in the order they were first reported;
    `total` when `items` are only the first. A long list is a line per figure."""
    if not items:
        return Screen(["No figures in the articles yet."])
    count = f"the first {len(items)} of {total:,}" if total is not None and total > len(items) else f"{len(items)}"
    title = f"<b>Figures</b> ({count})"
    compact = len(items) > COMPACT_AFTER
    render = figure_line if compact else figure_block
    blocks: list[str] = []
    known = [unit for unit, _ in FIGURE_GROUPS]
    for unit, heading in [*FIGURE_GROUPS, *((u, u.capitalize()) for u in sorted({f.unit for f in items} - set(known)))]:
        group = [render(f) for f in items if f.unit == unit]
        blocks += with_heading(f"<b>{heading}</b> ({len(group)})", group)
    share = Share(callbacks.deep_link("f"))
    if compact:
        return Screen(paginate(title, blocks, budget=LIST_BUDGET, max_quotes=10**6), view="f", share=share)
    return Screen(paginate(title, blocks), view="f", share=share)
