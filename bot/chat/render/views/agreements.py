"""/agreements: agreements grouped by status, in full or a line each when there are many."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.chat.render.fragments import NO_NAMES, agreement_block, agreement_line, echo, esc, with_heading
from bot.chat.render.pager import COMPACT_AFTER, LIST_BUDGET, Screen, paginate
from bot.models import STATUS_ORDER, Agreement

STATUS_HEADINGS = {
    "signed": "✍️ Signed",
    "adopted": "✅ Adopted",
    "planned": "🗓 Planned",
    "under negotiation": "🤝 Under negotiation",
    "initialled": "🖋 Initialled",
    "not concluded": "✖️ Not concluded",
}


def agreements(
    items: Sequence[Agreement],
    filter_text: str | None = None,
    counts: Mapping[str, int] | None = None,
    sector_names: Mapping[str, str] = NO_NAMES,
) -> Screen:
    """Agreements grouped by status. `counts` (status → how many match in all) tells a capped list from a
    whole one: "Signed (25 of 412)"."""
    arg = filter_text or ""
    if not items:
        if filter_text:
            text = f"No agreement matches “{echo(filter_text)}”. /agreements lists them all."
        else:
            text = "No agreements in the articles yet."
        return Screen([text])
    shown = {status: sum(1 for a in items if a.status == status) for status in {a.status for a in items}}
    total = {status: max(count, (counts or {}).get(status, 0)) for status, count in shown.items()}
    matching = f" matching “{echo(filter_text)}”" if filter_text else ""
    everything = max(sum((counts or {}).values()), len(items))
    title = f"<b>Agreements</b>{matching} ({everything})"
    if everything > len(items):
        title += "\n<i>The first of each kind; add a word to narrow the list, e.g. /agreements nuclear.</i>"
    blocks: list[str] = []
    compact = len(items) > COMPACT_AFTER
    if compact:
        title += "\n<i>A line each; add a word to read their sentences, e.g. /agreements nuclear.</i>"
    statuses = list(STATUS_ORDER) + sorted(set(shown) - set(STATUS_ORDER))
    for status in statuses:
        group = [a for a in items if a.status == status]
        if not group:
            continue
        count = f"{shown[status]} of {total[status]}" if total[status] > shown[status] else f"{shown[status]}"
        heading = f"<b>{esc(STATUS_HEADINGS.get(status, status.capitalize()))}</b> ({count})"
        render = agreement_line if compact else (lambda a: agreement_block(a, with_status=False, sector_names=sector_names))
        blocks += with_heading(heading, [render(a) for a in group])
    if compact:
        return Screen(paginate(title, blocks, budget=LIST_BUDGET, max_quotes=10**6), view="a", arg=arg)
    return Screen(paginate(title, blocks), view="a", arg=arg)
