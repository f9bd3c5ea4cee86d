"""/timeline: the agreements an /agreements filter matches, as a picture (by date, coloured by status), its
caption (what it shows, how many agreements) and a button to each agreement it plots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.chat import callbacks
from bot.chat.render.chart import TimelinePoint, timeline_png
from bot.chat.render.fragments import esc, filter_heading, shorten
from bot.chat.render.pager import Button, Share
from bot.chat.telegram_limits import html_to_text, utf16_len
from bot.models import STATUS_ORDER, Agreement, AgreementFilter, plural

CAPTION_LIMIT = 1024  # what Telegram shows of a photo's caption, counted as it counts (UTF-16 units, as shown)
PLOTTED = 60  # agreements on one picture: more dots than this are no longer readable
BUTTONS = 12  # agreements with a button of their own; the rest are one /agreements away
STATUS_WORDS = {"signed": "✍️ signed", "initialled": "🖋 initialled", "adopted": "✅ adopted",
                "under negotiation": "🤝 under negotiation", "planned": "🗓 planned", "not concluded": "✖️ not concluded"}


@dataclass(frozen=True)
class Picture:
    """A photo answer: the PNG, its HTML caption, its buttons and how to pass it on."""

    png: bytes
    caption: str
    rows: Sequence[Sequence[Button]] = ()
    share: Share | None = None


def timeline(
    items: Sequence[Agreement], dates: Mapping[str, dt.date], filter_text: str, wanted: AgreementFilter | None,
    total: int,
) -> Picture | None:
    """The picture of `items` (with the date each was first reported, by key), or None when none has a date.
    `total`: how many agreements match in all (more than are plotted when the list is long)."""
    dated = [a for a in items if a.key in dates][:PLOTTED]
    if not dated:
        return None
    dated.sort(key=lambda a: (dates[a.key], STATUS_ORDER.index(a.status) if a.status in STATUS_ORDER else 99, a.title))
    points = [TimelinePoint(number, dates[a.key], a.status) for number, a in enumerate(dated, 1)]
    described = filter_heading(wanted, filter_text)
    png = timeline_png(points, f"Agreements{html_to_text(described)}", [*STATUS_ORDER, *sorted({a.status for a in dated} - set(STATUS_ORDER))])
    caption = _caption(dated, dates, described, total)
    buttons = []
    for number, agreement in enumerate(dated[:BUTTONS], 1):
        buttons.append(Button(f"{number}. {shorten(agreement.title, 40)}", callbacks.open_view_data("g", agreement.key)))
    rows: list[list[Button]] = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    listed = callbacks.open_view_data("a", callbacks.fit_arg("a", filter_text))
    rows.append([Button("📄 As a list" if len(dated) <= BUTTONS else f"📄 All {total} as a list", listed)])
    return Picture(png, caption, rows, Share(callbacks.deep_link("timeline", filter_text), filter_text or None))


def _caption(dated: Sequence[Agreement], dates: Mapping[str, dt.date], described: str, total: int) -> str:
    days = sorted(dates[a.key] for a in dated)
    span = days[0].isoformat() if days[0] == days[-1] else f"{days[0].isoformat()} to {days[-1].isoformat()}"
    counted = plural(len(dated), "agreement")
    if total > len(dated):
        counted = f"the first {len(dated)} of {total} agreements"
    head = f"📈 <b>Agreements{described}</b> on a timeline: {counted}, by the date the articles first reported them ({span})."
    by_status = [f"{STATUS_WORDS.get(s, esc(s))} {sum(1 for a in dated if a.status == s)}"
                 for s in [*STATUS_ORDER, *sorted({a.status for a in dated} - set(STATUS_ORDER))]
                 if any(a.status == s for a in dated)]
    lines = [head, "Colour is status: " + " · ".join(by_status) + ".",
             "The numbers on the picture are the buttons below."]
    caption = "\n".join(lines)
    while utf16_len(html_to_text(caption)) > CAPTION_LIMIT and len(lines) > 1:  # an absurdly long filter
        lines.pop()
        caption = "\n".join(lines)
    return caption


def no_timeline(filter_text: str, wanted: AgreementFilter | None) -> str:
    """Nothing to draw: what the filter matched nothing of, and where to go instead."""
    if filter_text:
        return (f"No agreement{filter_heading(wanted, filter_text)} to put on a timeline. "
                "/agreements lists what there is; /timeline alone draws them all.")
    return "No agreements in the articles yet, so there is no timeline to draw."
