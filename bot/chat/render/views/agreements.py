"""/agreements: agreements grouped by status (filtered by topic, status and year), in full or a line each when
there are many."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.chat import callbacks
from bot.chat.render.fragments import NO_NAMES, agreement_block, agreement_line, echo, esc, filter_heading, with_heading
from bot.chat.render.pager import COMPACT_AFTER, LIST_BUDGET, Button, Screen, Share, paginate
from bot.models import STATUS_ORDER, Agreement, AgreementFilter

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
    wanted: AgreementFilter | None = None,
    others: Mapping[str, int] | None = None,
    years: Mapping[int, int] | None = None,
) -> Screen:
    """Agreements grouped by status, newest first within each, every one with its status and date. `counts`
    (status → how many match in all) tells a capped list from a whole one: "Signed (25 of 412)". `wanted` is the
    filter as the index read it (topic, statuses, year); `others`, for a status or year that left nothing, how
    many agreements the topic alone has of each status, offered as buttons; `years`, for a year no agreement was
    reported in, the years that have some."""
    arg = filter_text or ""
    if not items:
        if years and wanted is not None:
            text = f"No agreement was reported in {esc(wanted.topic)}. The articles report agreements in these years:"
            return Screen([text], _year_buttons(years))
        if filter_text:
            text = f"No {_described(wanted, filter_text)}. /agreements lists them all."
        else:
            text = "No agreements in the articles yet."
        rows = _status_buttons(wanted, others or {})
        if rows:
            text += "\nWith that topic there are:" if wanted is not None and wanted.topic else "\nThe articles have:"
        return Screen([text], rows)
    shown = {status: sum(1 for a in items if a.status == status) for status in {a.status for a in items}}
    total = {status: max(count, (counts or {}).get(status, 0)) for status, count in shown.items()}
    everything = max(sum((counts or {}).values()), len(items))
    title = f"<b>Agreements</b>{filter_heading(wanted, filter_text)} ({everything})"
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
        # the status on every agreement too: a page that starts inside a group shows no group heading
        render = (lambda a: agreement_line(a, with_status=True)) if compact else (
            lambda a: agreement_block(a, with_status=True, sector_names=sector_names))
        blocks += with_heading(heading, [render(a) for a in group])
    share = Share(callbacks.deep_link("a", arg), arg or None)
    timeline = callbacks.timeline_data(arg)
    rows = [[Button("📈 On a timeline", timeline)]] if timeline else []
    if compact:
        return Screen(paginate(title, blocks, budget=LIST_BUDGET, max_quotes=10**6), rows, view="a", arg=arg, share=share)
    return Screen(paginate(title, blocks), rows, view="a", arg=arg, share=share)


def _described(wanted: AgreementFilter | None, filter_text: str) -> str:
    """`signed agreement matches “nuclear” reported in 2024`, for saying that none does."""
    if wanted is None or not (wanted.statuses or wanted.year is not None):
        return f"agreement matches “{echo(filter_text)}”"
    status = esc(" or ".join(wanted.statuses)) + " " if wanted.statuses else ""
    topic = f" matches “{echo(wanted.topic)}”" if wanted.topic else " is in the articles"
    year = f", reported in {wanted.year}" if wanted.year is not None else ""
    return f"{status}agreement{topic}{year}"


def _status_buttons(wanted: AgreementFilter | None, others: Mapping[str, int]) -> list[list[Button]]:
    """For an empty filtered list: the statuses the topic does have, each a button to its list."""
    if wanted is None:
        return []
    buttons = []
    for status in STATUS_ORDER:
        count = others.get(status, 0)
        if not count:
            continue
        arg = callbacks.fit_arg("a", f"{wanted.topic} {status}".strip())
        if callbacks.fits("a", arg, 1):
            buttons.append(Button(f"{STATUS_HEADINGS.get(status, status)} ({count})", callbacks.open_view_data("a", arg)))
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _year_buttons(years: Mapping[int, int]) -> list[list[Button]]:
    buttons = [Button(f"{year} ({count})", callbacks.open_view_data("a", str(year))) for year, count in list(years.items())[:12]]
    return [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
