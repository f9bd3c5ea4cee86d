"""/who: a person's or an organisation's page, the choice between several, "did you mean", and the usage hint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.chat import callbacks
from bot.chat.render.fragments import (
    MAX_ENTITY_BUTTONS,
    NO_NAMES,
    agreement_block,
    by_sentence,
    distinct_sentences,
    echo,
    entity_buttons,
    esc,
    figure_line,
    quotes,
    statements_first,
    with_heading,
)
from bot.chat.render.pager import Button, Screen, Share, paginate
from bot.models import EntityRef, Person, WhoAnswer, plural
from bot.text import fold

PEOPLE_LISTED = 30  # names on an organisation's page; the rest are counted
FIGURES_PER_BLOCK = 5  # figure lines that travel together on a page


def who(answer: WhoAnswer, sector_names: Mapping[str, str] = NO_NAMES) -> Screen:
    if answer.status == "found" and (answer.person or answer.organization):
        return _who_found(answer, sector_names)
    query = echo(answer.query)
    choices = _candidate_lines(answer.candidates)
    buttons = entity_buttons((c.key, c.name) for c in answer.candidates)
    if answer.status != "ambiguous" and answer.searchable:
        search = search_button(answer.query)
        if search is not None:
            buttons.append([search])
    if answer.status == "ambiguous":
        if answer.described_as:
            text = f"“{query}” is how the articles refer to more than one person. Which one?" + choices
        else:
            text = f"“{query}” could mean several entries. Which one?" + choices
        return Screen([text], buttons)
    if answer.named:
        return _named(answer, buttons)
    if answer.places:
        text = (
            f"“{query}” is not a person or organisation in the articles: they name a place with it ("
            + esc(", ".join(answer.places[:3])) + ")."
        )
        if answer.status == "suggest":
            text += "\nPeople and organisations with a name like it:" + choices
        return Screen([text], buttons)
    if answer.status == "suggest":
        text = f"Nothing matches “{query}” exactly. Did you mean:" + choices
    else:
        text = f"Nothing in the articles matches “{query}”."
        if answer.candidates:
            text += "\nPeople and organisations I know include:" + choices
    return Screen([text], buttons)


def _named(answer: WhoAnswer, buttons: list[list[Button]]) -> Screen:
    """No entity has the name, but sentences use it: those sentences, headed as mentions, and after them the
    entries with a name like it (never a list of best-known names: the name is in the articles)."""
    groups = by_sentence(answer.named)
    count = f"more than {len(groups)}" if answer.named_more else f"{len(groups)}"
    noun = "sentence" if count == "1" else "sentences"
    header = f"“{echo(answer.query)}” is not in the index as a person or organisation; named in {count} {noun}:"
    blocks = [quotes(group) for group in groups]
    if answer.status == "suggest" and answer.candidates:
        blocks.append("<b>Did you mean</b>" + _candidate_lines(answer.candidates))
    elif answer.status == "none":
        buttons = [row for row in buttons if all(button.data is None or not button.data.startswith("w:") for button in row)]
    share = Share(callbacks.deep_link("m", answer.query), answer.query)
    return Screen(paginate(header, blocks), buttons, view="m", arg=answer.query, share=share)


def search_button(text: str) -> Button | None:
    """A button that opens the full-text search for `text` as a new message (stateless: `o:q:<text>`)."""
    arg = callbacks.fit_arg("q", text)
    if not arg:
        return None
    shown = arg if len(arg) <= 24 else arg[:23].rstrip() + "…"
    return Button(f"🔎 Search the articles for “{shown}”", callbacks.open_view_data("q", arg))


def _candidate_lines(candidates: Sequence[EntityRef]) -> str:
    if not candidates:
        return ""
    lines = []
    for candidate in candidates[:MAX_ENTITY_BUTTONS]:
        icon = "👤" if candidate.kind == "person" else "🏢"
        detail = f" — {esc(candidate.detail)}" if candidate.detail else ""
        lines.append(f"{icon} {esc(candidate.name)}{detail}")
    return "\n" + "\n".join(lines)


def _who_found(answer: WhoAnswer, sector_names: Mapping[str, str]) -> Screen:
    rows: list[list[Button]] = []
    if answer.person:
        entity = answer.person
        header_lines = [f"👤 <b>{esc(entity.name)}</b>"]
        organization = entity.organization
        if organization and entity.role and fold(organization) in fold(entity.role):
            organization = None  # "Chairman of the Harbour Board · Harbour Board" says it twice
        role = " · ".join(esc(part) for part in (entity.role, organization) if part)
        if role:
            header_lines.append(role)
        aliases = entity.aliases
        if entity.organization_key and entity.organization:
            rows += entity_buttons([(entity.organization_key, f"🏢 {entity.organization}")], per_row=1)
    else:
        assert answer.organization is not None
        entity = answer.organization  # type: ignore[assignment]
        header_lines = [f"🏢 <b>{esc(entity.name)}</b>"]
        if answer.organization.description:
            header_lines.append(esc(answer.organization.description))
        aliases = entity.aliases
    others = [a for a in aliases if fold(a) != fold(entity.name)][:5]
    if others:
        header_lines.append("<i>Also written: " + esc(", ".join(others)) + "</i>")
    if answer.described_as:
        header_lines.append(f"<i>The articles call them “{echo(answer.described_as)}”.</i>")
    blocks: list[str] = []
    if answer.people:
        blocks += _people_blocks(answer.people)
        rows += entity_buttons((p.key, p.name) for p in answer.people)
    blocks += with_heading("<b>Agreements</b>", [agreement_block(a, sector_names=sector_names) for a in answer.agreements])
    shown = {c.sentence for a in answer.agreements for c in a.citations}
    said = statements_first(c for c in answer.citations if c.sentence not in shown)
    blocks += with_heading(
        f"<b>What the articles say</b> ({len(distinct_sentences(said))})", [quotes(group) for group in by_sentence(said)]
    )
    if answer.figures:
        lines = [figure_line(f) for f in answer.figures]
        blocks += with_heading(
            f"<b>Figures</b> ({len(lines)})", ["\n".join(lines[i : i + FIGURES_PER_BLOCK]) for i in range(0, len(lines), FIGURES_PER_BLOCK)]
        )
    if not blocks:
        blocks.append("<i>The articles name them but say nothing more.</i>")
    ref = callbacks.entity_ref(entity.key)
    rows.append([follow_button("w", entity.key)])
    share = Share(callbacks.deep_link("w", ref), entity.name)
    return Screen(paginate("\n".join(header_lines), blocks), rows, view="w", arg=ref, share=share)


def follow_button(kind: str, key: str) -> Button:
    """🔔 Follow on a person's, an organisation's or a sector's page: new sentences about it come to the user."""
    return Button("🔔 Follow", callbacks.follow_data(kind, key))


def _people_blocks(people: Sequence[Person]) -> list[str]:
    """An organisation's people, ten to a block so a long list pages like facts do; at most PEOPLE_LISTED."""
    lines = [f"👤 {esc(p.name)}" + (f" — {esc(p.role)}" if p.role else "") for p in people[:PEOPLE_LISTED]]
    if len(people) > PEOPLE_LISTED:
        lines.append(f"<i>…and {plural(len(people) - PEOPLE_LISTED, 'more person', 'more people')}</i>")
    blocks = ["\n".join(lines[i : i + 10]) for i in range(0, len(lines), 10)]
    return with_heading(f"<b>People</b> ({len(people)})", blocks)


def usage_who(examples: Sequence[EntityRef] = ()) -> Screen:
    text = (
        "Send /who with a name, e.g. <code>/who surname</code> — any spelling works: "
        "with or without accents, in Cyrillic, surname only, or an acronym."
    )
    if examples:
        text += "\nOr tap one:"
    return Screen([text], entity_buttons((e.key, e.name) for e in examples))
