"""Follow notifications: when a new index is swapped in (a /reload, or a new file switched in), each user who
follows something the new index says more about gets one message with those new sentences.

`news` compares the two indexes while both are open (the holder calls its swap hooks before it closes the old
one); `send_news` then sends, one user after another, at most NOTIFY_RATE messages a second (the Application's
rate limiter keeps Telegram's limits on top of that). A user who blocked the bot (403) or whose chat is gone is
forgotten — their follows removed — and never tried again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.chat.follows import FollowStore, dumps
from bot.chat.render.views.follow import Item, News, notification
from bot.models import Citation

if TYPE_CHECKING:
    from bot.index.query import Index

log = logging.getLogger(__name__)

NEWS_PER_ITEM = 10  # new sentences carried for one followed item; the rest are counted
NEWS_PER_NOTICE = 30  # new sentences in one notification in all (six pages at most)
NOTIFY_RATE = 20.0  # notification messages a second at most, below Telegram's 30 a second for a bot
LOOKED_AT = 200  # new sentences of one item loaded to pick the newest from


def batch_of(new: Index) -> str:
    """What names one new index file to every process that switches to it (the follow store's claim): its path
    and what tells that file from the next one put there."""
    try:
        status = os.stat(new.path)
    except OSError:  # replaced again already: a name no other batch has
        return f"{new.path}:{time.time_ns()}"
    return f"{Path(new.path).resolve()}:{status.st_dev}:{status.st_ino}:{status.st_mtime_ns}:{status.st_size}"


async def fresh(old: Index, new: Index, kind: str, key: str) -> tuple[Item, list[Citation], int] | None:
    """What the new index says about one followed item that the old one did not: the item as the new index
    names it, its newest new sentences (at most NEWS_PER_ITEM) and how many more there are; None for nothing."""
    known = new.followable(kind, key)
    if known is None:
        return None
    found_key, what, name = known
    before = set(await old.sentences_about(kind, key))
    after = await new.sentences_about(kind, key)
    fresh_ids = [number for mark, number in after.items() if mark not in before]
    if not fresh_ids:
        return None
    loaded = await new.citations(sorted(fresh_ids)[-LOOKED_AT:])
    # the newest articles first; an article's sentences in the order it has them
    newest = sorted(loaded, key=lambda c: (-c.date.toordinal(), c.article, c.start))[:NEWS_PER_ITEM]
    return Item(kind, found_key, what, name), newest, len(fresh_ids) - len(newest)


async def news(old: Index, new: Index, store: FollowStore) -> dict[int, list[News]]:
    """user id → the news of what they follow, for every user with any (each item compared once)."""
    followers = await store.followers()
    by_user: dict[int, list[News]] = defaultdict(list)
    for (kind, key), users in followers.items():
        found = await fresh(old, new, kind, key)
        if found is None:
            continue
        item, citations, more = found
        for user_id in users:
            by_user[user_id].append(News(item, citations, more))
    return {user_id: capped(items) for user_id, items in by_user.items()}


def capped(items: Sequence[News], most: int | None = None) -> list[News]:
    """At most `most` sentences (NEWS_PER_NOTICE) in one notification, each quoted once: an item keeps its newest
    while there is room, the rest counted; a sentence an item above already quotes (a sector and its parent) is
    counted as quoted above."""
    room = NEWS_PER_NOTICE if most is None else most
    kept: list[News] = []
    quoted: set[tuple[str, int]] = set()
    for entry in items:
        fresh = [c for c in entry.citations if (c.article, c.start) not in quoted]
        shown = fresh[: max(room, 0)]
        quoted.update((c.article, c.start) for c in shown)
        above = len(entry.citations) - len(fresh)
        kept.append(News(entry.item, shown, entry.more + len(fresh) - len(shown), above))
        room -= len(shown)
    return [entry for entry in kept if entry.citations or entry.more or entry.above]


def dump_news(items: Sequence[News]) -> str:
    return dumps([
        {"kind": n.item.kind, "key": n.item.key, "what": n.item.what, "name": n.item.name, "more": n.more,
         "above": n.above,
         "citations": [c.model_dump(mode="json") for c in n.citations]}
        for n in items
    ])


def load_news(payload: str) -> list[News]:
    """The news a notification was made of (kept in the follow store for its pages); [] for what cannot be read."""
    try:
        return [
            News(Item(n["kind"], n["key"], n["what"], n["name"]), [Citation.model_validate(c) for c in n["citations"]],
                 int(n.get("more", 0)), int(n.get("above", 0)))
            for n in json.loads(payload)
        ]
    except (ValueError, KeyError, TypeError):
        return []


async def send_news(bot: Bot, store: FollowStore, news_by_user: Mapping[int, Sequence[News]], rate: float = NOTIFY_RATE) -> int:
    """Send each user their notification (page 1; its pages from the store); how many were delivered."""
    delivered = 0
    for number, (user_id, items) in enumerate(news_by_user.items()):
        if number:
            await asyncio.sleep(1 / rate)
        seq = await store.save_notice(user_id, dump_news(items))
        screen = notification(items, seq)
        try:
            await bot.send_message(user_id, screen.page(1), reply_markup=screen.markup(1))
        except Forbidden as error:  # blocked by the user, or deactivated: never again
            log.info("user %s cannot be written to (%s); their follows are removed", user_id, error)
            await store.forget_user(user_id)
            continue
        except BadRequest as error:
            if "chat not found" in str(error).lower():
                log.info("user %s has no chat with the bot; their follows are removed", user_id)
                await store.forget_user(user_id)
            else:
                log.warning("could not send user %s their notification: %s", user_id, error)
            continue
        except TelegramError as error:  # the rate limiter has retried; the next update sends the next news
            log.warning("could not send user %s their notification: %s", user_id, error)
            continue
        delivered += 1
    if news_by_user:
        log.info("follow notifications: %s of %s delivered", delivered, len(news_by_user))
    return delivered
