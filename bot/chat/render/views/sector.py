"""/sector: one sector's agreements and sentences (its sub-sectors' included), or the list of sectors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.chat import callbacks
from bot.chat.render.fragments import (
    NO_NAMES,
    agreement_block,
    by_sentence,
    distinct_sentences,
    echo,
    entity_buttons,
    esc,
    quotes,
    with_heading,
)
from bot.chat.render.pager import Button, Screen, Share, paginate
from bot.models import SectorAnswer, SectorInfo


def sector(answer: SectorAnswer, sector_names: Mapping[str, str] = NO_NAMES) -> Screen:
    if answer.status == "list":
        return sector_list(answer.known, "Sectors in the articles — tap one:")
    if answer.status == "unknown" or answer.sector is None:
        intro = f"I don't know a sector called “{echo(answer.query)}”. These are the ones I know — tap one:"
        return sector_list(answer.known, intro)
    info = answer.sector
    header_lines = [f"🏭 <b>{esc(info.name[:1].upper() + info.name[1:])}</b>"]
    if answer.subsectors:
        header_lines.append("Includes: " + ", ".join(f"{esc(s.name)} ({s.count})" for s in answer.subsectors))
    rows = entity_buttons(((s.key, f"{s.name} ({s.count})") for s in answer.subsectors if s.count), kind="s", per_row=3)
    follow = callbacks.follow_data("s", info.key)
    rows.append([Button("🏭 All sectors", callbacks.page_data("s", "", 1))] + ([Button("🔔 Follow", follow)] if follow else []))
    blocks = with_heading("<b>Agreements</b>", [agreement_block(a, sector_names=sector_names) for a in answer.agreements])
    shown = {c.sentence for a in answer.agreements for c in a.citations}
    said = [c for c in answer.citations if c.sentence not in shown]
    blocks += with_heading(
        f"<b>What the articles say</b> ({len(distinct_sentences(said))})", [quotes(group) for group in by_sentence(said)]
    )
    if not blocks:
        blocks.append(f"Nothing in the articles is about {esc(info.name)} yet. /sector lists the sectors that have facts.")
    share = Share(callbacks.deep_link("s", info.key), info.name)
    return Screen(paginate("\n".join(header_lines), blocks), rows, view="s", arg=info.key, share=share)


def sector_list(known: Sequence[SectorInfo], intro: str) -> Screen:
    with_facts = [s for s in known if s.count]
    empty = [s for s in known if not s.count]
    text = intro if with_facts else "No sector has facts yet."
    if empty:
        text += "\n<i>No facts yet: " + esc(", ".join(s.name for s in empty)) + "</i>"
    rows = []
    buttons = []
    for info in with_facts:
        data = callbacks.open_data("s", info.key)
        if data:
            label = f"{'· ' if info.parent else ''}{info.name} ({info.count})"
            buttons.append(Button(label, data))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)][:40]
    return Screen([text], rows)
