"""/follow, /unfollow, /following and the notification of new sentences about what a user follows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.chat import callbacks
from bot.chat.render.fragments import by_sentence, echo, esc, quotes, with_heading
from bot.chat.render.pager import Button, Screen, paginate
from bot.models import Citation, EntityRef, SectorInfo, plural

FOLLOWING_OFF = "This bot keeps no follows (it serves a shared index read-only); /who and /sector answer as ever."
ICONS = {"person": "👤", "organization": "🏢", "sector": "🏭"}


@dataclass(frozen=True)
class Item:
    """Something a user follows, as the index names it: entity ref or sector key, what it is, its name."""

    kind: str  # "w" | "s"
    key: str
    what: str  # person | organization | sector
    name: str

    @property
    def label(self) -> str:
        return f"{ICONS.get(self.what, '🔔')} {self.name}"


@dataclass(frozen=True)
class News:
    """New sentences about one followed item since the index before: the newest ones, and how many more."""

    item: Item
    citations: Sequence[Citation]
    more: int = 0  # new sentences not quoted for want of room
    above: int = 0  # new sentences about it that another item of the notification quotes already


def usage(people: Sequence[EntityRef], sectors: Sequence[SectorInfo]) -> Screen:
    example = people[0].name if people else "a name"
    text = (
        f"Send /follow with a person, an organisation or a sector, e.g. <code>/follow {esc(example)}</code>: when "
        "new articles say something about it, I send you those sentences. Or tap one:"
    )
    return Screen([text], _follow_buttons(people, sectors))


def _follow_buttons(people: Sequence[EntityRef], sectors: Sequence[SectorInfo]) -> list[list[Button]]:
    buttons = []
    for ref in people:
        data = callbacks.follow_data("w", ref.key)
        if data:
            buttons.append(Button(f"🔔 {ICONS.get(ref.kind, '')} {ref.name}"[:60], data))
    for info in sectors:
        data = callbacks.follow_data("s", info.key)
        if data:
            buttons.append(Button(f"🔔 🏭 {info.name}"[:60], data))
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def choose(query: str, people: Sequence[EntityRef], sectors: Sequence[SectorInfo]) -> Screen:
    """/follow with words that name several things, or nothing exactly: the candidates to tap."""
    if not people and not sectors:
        return Screen([f"I know no person, organisation or sector called “{echo(query)}”. /who and /sector list what I know."])
    return Screen([f"Which one do you want to follow for “{echo(query)}”?"], _follow_buttons(people, sectors))


def followed(outcome: str, item: Item, count: int, most: int, private: bool) -> str:
    """What /follow (or 🔔 Follow) did, in a line or two (also short enough for a button's notice: ≤ 200)."""
    name = item.name
    if outcome == "already":
        return f"You already follow {name}. /following lists what you follow."
    if outcome == "full":
        return f"You follow {most} things, the most I keep. /unfollow one first."
    where = "" if private else " I write in our private chat; open it once so I can."
    return (f"🔔 You now follow {name} ({count} of {most}). New sentences about {name} come to you after each "
            f"update of the articles.{where}")


def unfollowed(item_name: str, removed: bool) -> str:
    if removed:
        return f"You no longer follow {item_name}."
    return f"You did not follow {item_name}. /following lists what you follow."


def following(items: Sequence[Item], examples: Sequence[EntityRef], most: int) -> Screen:
    """/following: what the user follows, each with a button to its page and one to stop following it."""
    if not items:
        example = examples[0].name if examples else "a name"
        text = f"You follow nothing yet — /follow {esc(example)} or press 🔔 Follow on a page."
        return Screen([text], _follow_buttons(examples[:2], ()))
    lines = [f"🔔 <b>You follow {plural(len(items), 'thing')}</b> (at most {most}):"]
    lines += [esc(item.label) for item in items]
    lines.append("<i>New sentences about them come to you after each update of the articles.</i>")
    rows = []
    for item in items:
        opened = callbacks.open_data(item.kind, item.key)
        stop = callbacks.follow_data(item.kind, item.key, follow=False)
        row = [Button(item.label[:40], opened)] if opened else []
        if stop:
            row.append(Button("✖ Unfollow", stop))
        if row:
            rows.append(row)
    return Screen(["\n".join(lines)], rows)


def unfollow_choice(items: Sequence[Item], query: str) -> Screen:
    """/unfollow with words that match nothing the user follows: what they do follow, to tap."""
    screen = following(items, (), len(items) or 1)
    text = f"You follow nothing called “{echo(query)}”." + ("\n\n" + screen.pages[0] if items else "")
    return Screen([text], screen.rows)


def notification(news: Sequence[News], seq: int) -> Screen:
    """One message of new cited sentences about what the user follows, paged (`nt:<seq>:<page>`); buttons to
    each item's page."""
    total = sum(len(by_sentence(n.citations)) + n.more for n in news)  # each sentence once
    header = f"🔔 <b>New in the articles</b> about what you follow: {plural(total, 'sentence')}"
    blocks: list[str] = []
    for entry in news:
        shown = by_sentence(entry.citations)
        heading = f"<b>{esc(entry.item.label)}</b> ({len(shown) + entry.more + entry.above} new)"
        group = [quotes(sentences) for sentences in shown]
        if entry.above:
            group.append(f"<i>{plural(entry.above, 'of them is', 'of them are')} quoted above.</i>")
        if entry.more:
            group.append(f"<i>…and {plural(entry.more, 'more new sentence')} on its page.</i>")
        blocks += with_heading(heading, group)
    rows = []
    for entry in news[:8]:
        data = callbacks.open_data(entry.item.kind, entry.item.key)
        if data:
            rows.append([Button(entry.item.label[:60], data)])
    return Screen(paginate(header, blocks), rows, page_data=lambda page: callbacks.notice_data(seq, page))


def notice_gone() -> str:
    return "That notification has been replaced by a newer one; its sentences are on the pages of what you follow."
