"""Pictures drawn with matplotlib (its Agg backend: no display, no pyplot state): the agreements on a timeline.

Pure CPU work from typed values to PNG bytes, slow enough (a tenth of a second and more) that callers run it in a
worker thread. Every figure is its own `Figure` object, so two threads never share one; a lock still keeps one
drawing at a time, as matplotlib's font cache and text layout are not promised to be thread-safe.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT, DPI = 10.0, 5.6, 100  # inches at 100 dpi: a 1000 × 560 picture, readable on a phone turned sideways
STATUS_COLOURS = {
    "signed": "#2e7d32",
    "initialled": "#00838f",
    "adopted": "#1565c0",
    "under negotiation": "#ef6c00",
    "planned": "#6a1b9a",
    "not concluded": "#c62828",
}
OTHER_COLOUR = "#546e7a"
_drawing = threading.Lock()


@dataclass(frozen=True)
class TimelinePoint:
    number: int  # the label on the picture, the same as on the agreement's button
    date: dt.date  # when the articles first reported it
    status: str


def timeline_png(points: Sequence[TimelinePoint], title: str, statuses: Sequence[str]) -> bytes:
    """The agreements as numbered dots: the date across, one lane per status (in `statuses` order, top down),
    agreements of one day and status stacked in their lane. PNG bytes, WIDTH × HEIGHT at DPI."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure

    lanes = [status for status in statuses if any(p.status == status for p in points)]
    with _drawing:
        figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        stacks: dict[tuple[dt.date, str], list[TimelinePoint]] = {}
        for point in points:
            stacks.setdefault((point.date, point.status), []).append(point)
        tallest = max((len(stack) for stack in stacks.values()), default=1)
        step = min(0.16, 0.8 / max(tallest, 1))
        for (day, status), stack in stacks.items():
            lane = len(lanes) - 1 - lanes.index(status)
            colour = STATUS_COLOURS.get(status, OTHER_COLOUR)
            for place, point in enumerate(stack):
                y = lane + (place - (len(stack) - 1) / 2) * step
                axes.scatter([date2num(day)], [y], s=120, color=colour, zorder=3, edgecolors="white", linewidths=1)
                axes.annotate(str(point.number), (date2num(day), y), xytext=(9, 0), textcoords="offset points",
                              va="center", fontsize=9, color="#263238")
        axes.set_yticks(range(len(lanes)), [f"{status} ({sum(1 for p in points if p.status == status)})"
                                            for status in reversed(lanes)])
        for tick, status in zip(axes.get_yticklabels(), reversed(lanes)):
            tick.set_color(STATUS_COLOURS.get(status, OTHER_COLOUR))
        axes.set_ylim(-0.6, len(lanes) - 0.4)
        days = [p.date for p in points]
        first, last = min(days), max(days)
        pad = max(dt.timedelta(days=3), (last - first) / 12)
        axes.set_xlim(date2num(first - pad), date2num(last + pad))
        locator = AutoDateLocator(minticks=3, maxticks=8)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axes.grid(axis="x", color="#eceff1")
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.tick_params(axis="y", length=0)
        axes.set_title(title, loc="left", fontsize=12)
        axes.set_xlabel("first reported", fontsize=9, color="#546e7a")
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
