"""One small async function per command, per kind of button press and per deep link: parse → query the index
(through the view registry for answers that page) → render → reply. app.register_handlers routes to them.

Handlers never format text themselves (the render package does), never touch SQL (the Index does) and never
build an index (they ask the index holder).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import hashlib
import html
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputFile,
    InputMediaPhoto,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError

from bot.chat import callbacks, commands, notify, render, views
from bot.chat.answers import Answer
from bot.chat import follows as following_store
from bot.chat.follows import FollowStore, Followed
from bot.chat.holder import IndexHolder, RebuildFailed, ScreenCache
from bot.chat.render import Button, Screen
from bot.chat.render.views import follow as follow_views
from bot.chat.render.views import timeline as timeline_views
from bot.chat.render.views.timeline import Picture
from bot.chat.state import Context, track_background
from bot.chat.views import rendered
from bot.config import Settings
from bot.index.query import Index
from bot.models import STATEMENT_KINDS, WhoAnswer
from bot.text import fold, is_greeting

log = logging.getLogger(__name__)

TYPING_AFTER = 0.4  # seconds before a slow answer shows "typing…"
PROGRESS_EDIT_INTERVAL = 1.0  # at most one progress edit per second during /reload
INLINE_RESULTS = 10  # inline results per answer; the next ten come as the user scrolls
INLINE_MOST = 50  # inline results in all, as Telegram allows
SLOW = Callable[[Update, Context], Awaitable[None]]

MAX_NAME = 100  # characters of a /who or /sector argument worth looking at: no name or sector is longer
PICTURE_NAME = "timeline.png"
MAX_QUERY = 256  # characters of a search, a filter or an inline query (Telegram's own cap on inline queries)

T = TypeVar("T")
P = TypeVar("P", callbacks.PageRef, callbacks.OpenView)  # the button data a press carries
_sent_chars: contextvars.ContextVar[list[int]] = contextvars.ContextVar("sent_chars")


# ---------------------------------------------------------------- plumbing


def logged(command: str) -> Callable[[SLOW], SLOW]:
    """One INFO line per handled update: who, which command, how long, how much was sent (never the text)."""

    def wrap(handler: SLOW) -> SLOW:
        @functools.wraps(handler)
        async def inner(update: Update, context: Context) -> None:
            started = time.perf_counter()
            size = [0]
            token = _sent_chars.set(size)
            outcome = "ok"
            try:
                await handler(update, context)
            except Exception:
                outcome = "error"
                raise
            finally:
                _sent_chars.reset(token)
                user = update.effective_user
                log.info(
                    "update=%s user=%s command=%s latency_ms=%.0f sent_chars=%d outcome=%s",
                    update.update_id, user.id if user else None, command,
                    (time.perf_counter() - started) * 1000, size[0], outcome,
                )

        return inner

    return wrap


def _count_sent(text: str) -> None:
    with contextlib.suppress(LookupError):
        _sent_chars.get()[0] += len(text)


def clean(text: str, limit: int) -> str:
    """What the user typed, made safe to work on: cut to `limit` characters before anything else looks at it,
    unsafe characters replaced by spaces, whitespace collapsed."""
    return " ".join(render.UNSAFE_CHARACTERS.sub(" ", text[: limit * 2]).split())[:limit].strip()


def argument(context: Context, limit: int) -> str:
    """The command's argument (`/who Ivan Petrov` → `Ivan Petrov`), cleaned and cut to `limit` characters."""
    args = context.args or []
    text, size = [], 0
    for word in args:  # a 4 MB argument is not joined whole only to be cut
        text.append(word)
        size += len(word) + 1
        if size > limit * 2:
            break
    return clean(" ".join(text), limit)


def settings_of(context: Context) -> Settings:
    return context.bot_data.settings


def holder(context: Context) -> IndexHolder:
    return context.bot_data.index


def screens_of(context: Context) -> ScreenCache:
    return context.bot_data.index.screens


async def slow(update: Update, context: Context, work: Awaitable[T], action: str = ChatAction.TYPING) -> T:
    """Await `work`; if it takes longer than TYPING_AFTER seconds, show "typing…" (or `action`) meanwhile (once)."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=TYPING_AFTER)
    chat = update.effective_chat
    if not done and chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_chat_action(chat.id, action)
    return await task


async def reply_screen(
    update: Update, context: Context, screen: Screen, page: int = 1, lead: Sequence[Sequence[Button]] = ()
) -> Message | None:
    """Send one page of a screen, with the row that passes it on; `lead` are button rows for this reply only
    (see Screen.markup). The answer to an edited question is edited into the message that answered it."""
    text = screen.page(page)
    return await _answer(update, context, text, screen.markup(page, lead, context.bot.username))


async def reply_text(update: Update, context: Context, text: str) -> None:
    await _answer(update, context, text, None)


async def _answer(update: Update, context: Context, text: str, markup: InlineKeyboardMarkup | None) -> Message | None:
    """Reply to the update's message; for an edited question whose answer is remembered, edit that answer
    instead (a new reply when it can no longer be edited). A question's answer is remembered for its edits."""
    message = update.effective_message
    if message is None:
        return None
    _count_sent(text)
    answers = context.bot_data.answers
    if update.edited_message is not None:
        known = answers.answer_to(message.chat_id, message.message_id)
        if known is not None and known.kind == "text":
            try:
                edited = await context.bot.edit_message_text(
                    text, chat_id=message.chat_id, message_id=known.message_id, reply_markup=markup
                )
                return edited if isinstance(edited, Message) else None
            except BadRequest as error:
                if "not modified" in str(error).lower():
                    return None
                log.info("could not edit the answer to an edited question (%s); answering anew", error)
    if not isinstance(message, Message):  # a button under a message too old to be shown to the bot again
        return await message.get_bot().send_message(message.chat.id, text, reply_markup=markup)
    sent = await message.reply_text(text, reply_markup=markup)
    if update.message is not None or update.edited_message is not None:
        answers.remember(message.chat_id, message.message_id, Answer(sent.message_id, "text"))
    return sent


async def reply_picture(update: Update, context: Context, picture: Picture) -> Message | None:
    """Send a picture answer (its caption, buttons and the row that passes it on); an edited question's
    picture is edited in place (editMessageMedia)."""
    message = update.effective_message
    if message is None:
        return None
    markup = Screen([picture.caption], picture.rows, share=picture.share).markup(1, bot_username=context.bot.username)
    _count_sent(picture.caption)
    answers = context.bot_data.answers
    if update.edited_message is not None:
        known = answers.answer_to(message.chat_id, message.message_id)
        if known is not None and known.kind == "photo":
            media = InputMediaPhoto(InputFile(picture.png, filename=PICTURE_NAME), caption=picture.caption,
                                    parse_mode=ParseMode.HTML)
            try:
                edited = await context.bot.edit_message_media(
                    media, chat_id=message.chat_id, message_id=known.message_id, reply_markup=markup
                )
                return edited if isinstance(edited, Message) else None
            except BadRequest as error:
                log.info("could not edit the picture answering an edited question (%s); answering anew", error)
    photo = InputFile(picture.png, filename=PICTURE_NAME)
    if isinstance(message, Message) and update.callback_query is None:
        sent = await message.reply_photo(photo, caption=picture.caption, reply_markup=markup)
    else:  # a button's picture comes as a new message, as every answer a button opens does
        sent = await context.bot.send_photo(message.chat_id, photo, caption=picture.caption, reply_markup=markup)
    if update.message is not None or update.edited_message is not None:
        answers.remember(message.chat_id, message.message_id, Answer(sent.message_id, "photo"))
    return sent


async def edit_screen(update: Update, context: Context, screen: Screen, page: int) -> None:
    query = update.callback_query
    assert query is not None
    text = screen.page(page)
    _count_sent(text)
    markup = screen.markup(page, bot_username=context.bot.username)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return
        # The message can no longer be edited (too old, deleted, or not the bot's): the page comes as a new one.
        log.info("could not edit the message under a button (%s); sending the page anew", error)
        if query.message is not None:
            await query.get_bot().send_message(query.message.chat.id, text, reply_markup=markup)


# ---------------------------------------------------------------- answers a command shows


async def who_by_name(index: Index, name: str, screens: ScreenCache | None = None) -> Screen:
    """A /who answer: a found entity as its page view (by its key, so ▶ pages — and the same entity asked for
    again, however it was named — come from this same answer), anything else (a choice, suggestions, nothing) as
    it is. The name is matched first and the page loaded only when the screen cache does not hold it."""
    answer = await index.who(name, page=screens is None)
    entity = answer.person or answer.organization
    if answer.status == "found" and entity is not None:
        known = None
        if screens is None:
            known = answer
        elif answer.described_as:  # 'the Party chief': the page says how the articles call them
            known = (await index.entity(entity.key)).model_copy(update={"described_as": answer.described_as})
        found = await views.screen(index, "w", callbacks.entity_ref(entity.key), screens, known=known)
        if found is not None:
            return found
    if answer.named:  # the sentences naming it page like any answer, by the name
        named = await views.screen(index, "m", answer.query, screens, known=answer)
        if named is not None:
            return named
    return await rendered(render.who, answer, index.sector_names())


# ---------------------------------------------------------------- commands


@logged("start")
async def start(update: Update, context: Context) -> None:
    """Who the bot is and three examples. A payload that reached this handler is no deep link the bot makes
    (the deep links have handlers of their own, routed by `callbacks.start_pattern`): a link from elsewhere, a
    typo, a start parameter of another bot — nothing this bot once held, so the user gets the normal welcome."""
    await _greet(update, context, stale_link=False)


@logged("start")
async def start_help(update: Update, context: Context) -> None:
    """`/start help`: the inline mode's "How to use citebot" button."""
    await reply_text(update, context, commands.help_text(_is_admin(update, context), context.bot.username))


@logged("start")
async def start_who(update: Update, context: Context) -> None:
    """`/start who_<key>`: that person's or organisation's page."""
    async with holder(context).use() as index:
        screen = await views.screen(index, "w", _deep_link_value(context), screens_of(context))
    await (reply_screen(update, context, screen) if screen is not None else _greet(update, context, stale_link=True))


@logged("start")
async def start_sector(update: Update, context: Context) -> None:
    """`/start sector_<key>`: that sector's page."""
    async with holder(context).use() as index:
        screen = await _sector_found(index, _deep_link_value(context), screens_of(context))
    await (reply_screen(update, context, screen) if screen is not None else _greet(update, context, stale_link=True))


@logged("start")
async def start_search(update: Update, context: Context) -> None:
    """`/start search_<words>`: the search for those words."""
    arg = callbacks.fit_arg("q", _deep_link_value(context))
    async with holder(context).use() as index:
        screen = await views.screen(index, "q", arg, screens_of(context))
    assert screen is not None
    await reply_screen(update, context, screen)


def _deep_link_value(context: Context) -> str:
    payload = callbacks.parse_deep_link(context.args[0]) if context.args else None
    assert payload is not None, "routed here by callbacks.start_pattern"
    return payload[1]


async def _greet(update: Update, context: Context, stale_link: bool) -> None:
    async with holder(context).use() as index:
        stats = await index.stats()
        examples = await _examples(index)
    await reply_screen(update, context, render.start(stats, examples, context.bot.first_name or "citebot", stale_link))


async def _sector_found(index: Index, name: str, screens: ScreenCache) -> Screen | None:
    """A sector's page, for a key or a name of it; None when the index knows no such sector."""
    answer = await index.sector(name)
    if answer.status != "found" or answer.sector is None:
        return None
    return await views.screen(index, "s", answer.sector.key, screens, known=answer)


async def _examples(index: Index) -> list[Button]:
    """Three tappable examples taken from the index itself: a well-known name, the biggest sector, agreements."""
    examples: list[Button] = []
    for ref in index.best_known(1):
        data = callbacks.open_data("w", ref.key)
        if data:
            examples.append(Button(f"👤 Who is {ref.name}?", data))
    listed = await index.sector(None)
    for info in listed.known[:1]:
        data = callbacks.open_data("s", info.key)
        if data:
            examples.append(Button(f"🏭 Sector: {info.name}", data))
    examples.append(Button("📄 All agreements", callbacks.open_view_data("a", "")))
    return examples


@logged("help")
async def help_command(update: Update, context: Context) -> None:
    await reply_text(update, context, commands.help_text(_is_admin(update, context), context.bot.username))


@logged("who")
async def who(update: Update, context: Context) -> None:
    name = argument(context, MAX_NAME)
    async with holder(context).use() as index:
        if not name:
            await reply_screen(update, context, render.usage_who(index.best_known()))
            return
        screen = await slow(update, context, who_by_name(index, name, screens_of(context)))
    await reply_screen(update, context, screen)


@logged("sector")
async def sector(update: Update, context: Context) -> None:
    name = argument(context, MAX_NAME)
    async with holder(context).use() as index:
        # a sector's page or the list, by the key its ▶ will ask for (so a page shown a moment ago, however the
        # sector was named, comes from the screen cache)
        key = index.sector_key(name or None)
        screen = None if key is None else await slow(update, context, views.screen(index, "s", key, screens_of(context)))
        if screen is None:  # a sector it does not know: the list, headed so
            screen = await rendered(render.sector, await index.sector(name or None), index.sector_names())
    await reply_screen(update, context, screen)


@logged("agreements")
async def agreements(update: Update, context: Context) -> None:
    filter_text = callbacks.fit_arg("a", argument(context, MAX_QUERY)) or None
    async with holder(context).use() as index:
        screen = await slow(update, context, views.screen(index, "a", filter_text or "", screens_of(context)))
    assert screen is not None
    await reply_screen(update, context, screen)


@logged("search")
async def search(update: Update, context: Context) -> None:
    text = argument(context, MAX_QUERY)
    if not text:
        await reply_text(update, context, "Send /search with a few words, e.g. <code>/search nuclear power plant</code>. "
                                 "In a private chat you can also just type the words.")
        return
    await _search(update, context, text, suggest=False)


@logged("text")
async def plain_text(update: Update, context: Context) -> None:
    """Plain text in a private chat is a search; a name or sector it matches gets a button as well."""
    message = update.effective_message
    text = clean(message.text or "", MAX_QUERY) if message is not None else ""
    if not text:
        return
    if is_greeting(text):
        async with holder(context).use() as index:
            await reply_screen(update, context, render.greeting(await _examples(index)))
        return
    if fold(text) in ("help", "start", "menu", "commands"):
        await reply_text(update, context, commands.help_text(_is_admin(update, context), context.bot.username))
        return
    await _search(update, context, text, suggest=True)


async def _search(update: Update, context: Context, text: str, suggest: bool) -> None:
    arg = callbacks.fit_arg("q", text)
    async with holder(context).use() as index:
        screen = await slow(update, context, views.screen(index, "q", arg, screens_of(context)))
        assert screen is not None
        shortcuts = render.shortcuts(*index.named_in(arg)) if suggest else ()
    await reply_screen(update, context, screen, lead=[shortcuts] if shortcuts else ())


@logged("sources")
async def sources(update: Update, context: Context) -> None:
    async with holder(context).use() as index:
        screen = await slow(update, context, views.screen(index, "src", "", screens_of(context)))
    assert screen is not None
    await reply_screen(update, context, screen)


@logged("figures")
async def figures(update: Update, context: Context) -> None:
    async with holder(context).use() as index:
        screen = await slow(update, context, views.screen(index, "f", "", screens_of(context)))
    assert screen is not None
    await reply_screen(update, context, screen)


@logged("unknown")
async def unknown_command(update: Update, context: Context) -> None:
    message = update.effective_message
    word = (message.text or "")[:100].split()[0].split("@")[0] if message and message.text else "/?"
    await reply_text(update, context, render.unknown_command(word))


@logged("timeline")
async def timeline(update: Update, context: Context) -> None:
    await _timeline(update, context, callbacks.fit_arg("a", argument(context, MAX_QUERY)))


async def _timeline(update: Update, context: Context, filter_text: str) -> None:
    """The agreements a filter matches, drawn in a worker thread, sent as a photo (or why there is none)."""
    wanted_text = filter_text or None
    async with holder(context).use() as index:
        wanted = index.agreement_filter(wanted_text)
        items = await index.agreements(wanted_text, limit=timeline_views.PLOTTED, per_status=None)
        total = sum((await index.agreement_counts(wanted_text)).values())
    dates = {a.key: min(c.date for c in a.citations) for a in items if a.citations}
    picture = await slow(update, context, rendered(timeline_views.timeline, items, dates, filter_text, wanted, total),
                         ChatAction.UPLOAD_PHOTO)
    if picture is None:
        await reply_text(update, context, timeline_views.no_timeline(filter_text, wanted))
        return
    await reply_picture(update, context, picture)


@logged("start")
async def start_view(update: Update, context: Context) -> None:
    """`/start named_…`, `agreements[_…]`, `sources`, `figures`: the answer a 🔗 Link button points at."""
    payload = callbacks.parse_deep_link(context.args[0]) if context.args else None
    assert payload is not None, "routed here by callbacks.start_pattern"
    kind, value = payload
    view = callbacks.LINK_VIEWS[kind]
    async with holder(context).use() as index:
        screen = await views.screen(index, view, callbacks.fit_arg(view, value), screens_of(context))
    await (reply_screen(update, context, screen) if screen is not None else _greet(update, context, stale_link=True))


@logged("start")
async def start_timeline(update: Update, context: Context) -> None:
    """`/start timeline[_<filter>]`: that timeline."""
    await _timeline(update, context, callbacks.fit_arg("a", _deep_link_value(context)))


# ---------------------------------------------------------------- following


def follow_store(context: Context) -> FollowStore:
    store = context.bot_data.follows
    if store is None:
        raise RuntimeError("the follow store is not open")
    return store


async def _following_off(update: Update, context: Context) -> bool:
    """Whether this bot keeps no follows (a read-only replica without FOLLOWS_PATH); if so, the user is told."""
    if context.bot_data.follows is not None:
        return False
    if update.callback_query is not None:
        await update.callback_query.answer(follow_views.FOLLOWING_OFF)
    else:
        await reply_text(update, context, render.esc(follow_views.FOLLOWING_OFF))
    return True


@logged("follow")
async def follow(update: Update, context: Context) -> None:
    """`/follow <name or sector>`: a sector, person or organisation the words name is followed at once; words
    that name several (or nothing exactly) get the candidates as buttons."""
    if await _following_off(update, context):
        return
    name = argument(context, MAX_NAME)
    user = update.effective_user
    if user is None:
        return
    async with holder(context).use() as index:
        if not name:
            listed = await index.sector(None)
            await reply_screen(update, context, follow_views.usage(index.best_known(4), listed.known[:2]))
            return
        sector_answer = await index.sector(name)
        if sector_answer.status == "found" and sector_answer.sector is not None:
            item = follow_views.Item("s", sector_answer.sector.key, "sector", sector_answer.sector.name)
        else:
            answer = await index.who(name)
            entity = answer.person or answer.organization
            if answer.status != "found" or entity is None:
                # a choice or "did you mean"; for "none" the candidates are merely well-known names, no answer
                offered = answer.candidates[:6] if answer.status in ("ambiguous", "suggest") else []
                await reply_screen(update, context, follow_views.choose(name, offered, []))
                return
            item = follow_views.Item("w", entity.key, "person" if answer.person else "organization", entity.name)
    await reply_text(update, context, render.esc(await _follow(update, context, user.id, item)))


async def _follow(update: Update, context: Context, user_id: int, item: follow_views.Item) -> str:
    store = follow_store(context)
    most = following_store.MAX_FOLLOWS
    outcome = await store.follow(user_id, Followed(item.kind, item.key, item.name), most)  # type: ignore[arg-type]
    count = len(await store.following(user_id))
    chat = update.effective_chat
    private = chat is None or chat.type == "private"
    if outcome == "added":
        log.info("user %s follows %s:%s", user_id, item.kind, item.key)
    return follow_views.followed(outcome, item, count, most, private)


async def _items(context: Context, user_id: int) -> list[follow_views.Item]:
    """What the user follows, named as the current index names it (as stored when the index no longer does)."""
    followed = await follow_store(context).following(user_id)
    async with holder(context).use() as index:
        items = []
        for entry in followed:
            known = index.followable(entry.kind, entry.key)
            what, name = (known[1], known[2]) if known else ("sector" if entry.kind == "s" else "person", entry.name)
            items.append(follow_views.Item(entry.kind, entry.key, what, name))
    return items


@logged("following")
async def following(update: Update, context: Context) -> None:
    if await _following_off(update, context):
        return
    user = update.effective_user
    if user is None:
        return
    items = await _items(context, user.id)
    async with holder(context).use() as index:
        examples = index.best_known(2)
    await reply_screen(update, context, follow_views.following(items, examples, following_store.MAX_FOLLOWS))


@logged("unfollow")
async def unfollow(update: Update, context: Context) -> None:
    """`/unfollow <name>`: stop following what the user follows by that name; alone, the list with buttons."""
    if await _following_off(update, context):
        return
    user = update.effective_user
    if user is None:
        return
    name = argument(context, MAX_NAME)
    items = await _items(context, user.id)
    if not name:
        async with holder(context).use() as index:
            examples = index.best_known(2)
        await reply_screen(update, context, follow_views.following(items, examples, following_store.MAX_FOLLOWS))
        return
    wanted = fold(name)
    chosen = [item for item in items if fold(item.name) == wanted] or [item for item in items if wanted in fold(item.name)]
    if len(chosen) != 1:
        await reply_screen(update, context, follow_views.unfollow_choice(items, name))
        return
    removed = await follow_store(context).unfollow(user.id, chosen[0].kind, chosen[0].key)
    await reply_text(update, context, render.esc(follow_views.unfollowed(chosen[0].name, removed)))


@logged("button")
async def follow_press(update: Update, context: Context) -> None:
    """`F:<kind>:<ref>` (🔔 Follow) and `U:<kind>:<ref>` (✖ Unfollow). Following is told in the button's notice;
    unfollowing edits the list the button is under."""
    if await _following_off(update, context):
        return
    query = update.callback_query
    assert query is not None
    pressed = callbacks.parse_follow(query.data)
    if pressed is None or query.from_user is None:
        await stale_button(update, context)
        return
    async with holder(context).use() as index:
        known = index.followable(pressed.kind, pressed.ref)
    user_id = query.from_user.id
    if pressed.follow:
        if known is None:
            await query.answer("That entry is no longer in the index. Try /follow with its name.")
            return
        item = follow_views.Item(pressed.kind, known[0], known[1], known[2])
        await query.answer(await _follow(update, context, user_id, item))
        return
    key = known[0] if known else pressed.ref
    removed = await follow_store(context).unfollow(user_id, pressed.kind, key)
    await query.answer(follow_views.unfollowed(known[2] if known else "that", removed)[:200])
    items = await _items(context, user_id)
    async with holder(context).use() as index:
        examples = index.best_known(2)
    if query.message is not None:
        await edit_screen(update, context, follow_views.following(items, examples, following_store.MAX_FOLLOWS), 1)


@logged("button")
async def notice_page(update: Update, context: Context) -> None:
    """`nt:<seq>:<page>`: a page of the presser's follow notification, from the follow store."""
    if await _following_off(update, context):
        return
    query = update.callback_query
    assert query is not None
    pressed = callbacks.parse_notice(query.data)
    if pressed is None or query.from_user is None:
        await stale_button(update, context)
        return
    kept = await follow_store(context).notice(query.from_user.id)
    news = notify.load_news(kept[1]) if kept is not None and kept[0] == pressed.seq else []
    if not news:
        await query.answer(follow_views.notice_gone())
        return
    screen = follow_views.notification(news, pressed.seq)
    await query.answer()
    await edit_screen(update, context, screen, min(pressed.page, len(screen.pages)))


@logged("button")
async def timeline_press(update: Update, context: Context) -> None:
    """`tl:<filter>`: that timeline, as a new message."""
    query = update.callback_query
    assert query is not None
    filter_text = callbacks.parse_timeline(query.data)
    if filter_text is None:
        await stale_button(update, context)
        return
    await query.answer()
    await _timeline(update, context, callbacks.fit_arg("a", filter_text))


# ---------------------------------------------------------------- buttons


# Every press is answered (Telegram shows a spinner until it is); data this bot did not make (stale, forged) gets
# a polite note, never an error. The Application routes each kind of data to its handler by callbacks' patterns.


@logged("button")
async def open_entry(update: Update, context: Context) -> None:
    """`w:<ref>` / `s:<key>`: a person's, an organisation's or a sector's page, as a new message."""
    query = update.callback_query
    assert query is not None
    parsed = callbacks.parse(query.data)
    if not isinstance(parsed, callbacks.Open):
        await stale_button(update, context)
        return
    async with holder(context).use() as index:
        if parsed.kind == "w":
            screen = await views.screen(index, "w", parsed.key, screens_of(context))
        else:
            screen = await _sector_found(index, parsed.key, screens_of(context))
    if screen is None:
        await query.answer("That entry is no longer in the index. Try /who or /sector again.")
        return
    await query.answer()
    await reply_screen(update, context, screen)


async def _pressed_screen(update: Update, context: Context, kind: type[P]) -> tuple[P, Screen] | None:
    """The button data of a page or open-view press, parsed as `kind`, and the screen it names; None (the press
    already answered) for stale data or an answer the index no longer holds."""
    query = update.callback_query
    assert query is not None
    parsed = callbacks.parse(query.data)
    if not isinstance(parsed, kind):
        await stale_button(update, context)
        return None
    async with holder(context).use() as index:
        screen = await views.screen(index, parsed.view, parsed.arg, screens_of(context))
    if screen is None:
        await query.answer("That answer is no longer in the index. Please send the command again.")
        return None
    return parsed, screen


@logged("button")
async def turn_page(update: Update, context: Context) -> None:
    """`p:<view>:<page>:<arg>`: that page of the answer, edited into the message the button is under."""
    query = update.callback_query
    assert query is not None
    pressed = await _pressed_screen(update, context, callbacks.PageRef)
    if pressed is None:
        return
    parsed, screen = pressed
    page = parsed.page
    if page > len(screen.pages):
        page = len(screen.pages)
        await query.answer(f"The answer has changed since; showing page {page} of {page}.")
    else:
        await query.answer()
    if query.message is not None or query.inline_message_id is not None:
        await edit_screen(update, context, screen, page)


@logged("button")
async def open_view(update: Update, context: Context) -> None:
    """`o:<view>:<arg>`: another answer (the search a /who offers, all agreements), page 1, as a new message;
    the message the button is under stays as it was."""
    query = update.callback_query
    assert query is not None
    pressed = await _pressed_screen(update, context, callbacks.OpenView)
    if pressed is None:
        return
    await query.answer()
    await reply_screen(update, context, pressed[1])


@logged("button")
async def page_indicator(update: Update, context: Context) -> None:
    """The `n/N` between ◀ and ▶: nothing to do but answer."""
    assert update.callback_query is not None
    await update.callback_query.answer()


@logged("button")
async def stale_button(update: Update, context: Context) -> None:
    """Data of no kind this bot makes: a button of an older version, or a forged press."""
    query = update.callback_query
    assert query is not None
    log.info("unrecognised callback data from user %s", query.from_user.id if query.from_user else None)
    await query.answer("Sorry, that button no longer works. Please send the command again.")


# ---------------------------------------------------------------- inline mode


@logged("inline")
async def inline(update: Update, context: Context) -> None:
    """`@bot words`: cited snippets — the entity, matching agreements, then matching sentences, no sentence twice
    — ten at a time, up to INLINE_MOST as the user scrolls (`next_offset`). An empty query gets suggestions: the
    best-known people and organisations, each with its first quote."""
    inline_query = update.inline_query
    if inline_query is None:
        return
    text = clean(inline_query.query, MAX_QUERY)
    help_button = InlineQueryResultsButton(text="How to use citebot", start_parameter="help")
    offset = int(inline_query.offset) if inline_query.offset.isdigit() else 0
    results: list[InlineQueryResultArticle] = []
    ids: set[str] = set()
    quoted: set[str] = set()  # sentences a result already quotes

    def add(result_id: str, title: str, description: str, message: str | None, sentences: Sequence[str] = ()) -> None:
        """One result whose message is whole quotes with their citations (render gives None when it cannot be)."""
        if message is None or len(results) >= INLINE_MOST:
            return
        if len(result_id.encode()) > 64:
            result_id = hashlib.sha1(result_id.encode()).hexdigest()
        if result_id in ids or any(sentence in quoted for sentence in sentences):
            return
        ids.add(result_id)
        quoted.update(sentences)
        results.append(
            InlineQueryResultArticle(
                id=result_id,
                title=title[:200],
                description=description[:200],
                input_message_content=InputTextMessageContent(message, parse_mode=ParseMode.HTML),
            )
        )

    def add_entity(answer: WhoAnswer) -> None:
        """The entity with the first sentence about it that no result quotes yet."""
        entity = answer.person or answer.organization
        if entity is None:
            return
        fresh = sorted((c for c in answer.citations if c.sentence not in quoted), key=lambda c: c.kind not in STATEMENT_KINDS)
        answer = answer.model_copy(update={"citations": fresh})
        detail = (answer.person.role if answer.person else answer.organization.description if answer.organization else None) or ""
        first = fresh[0].sentence if fresh else ""
        add(f"w:{entity.key}", entity.name, detail or first, render.inline_entity(answer), [first] if first else [])

    async with holder(context).use() as index:
        if not text:
            for ref in index.best_known(INLINE_RESULTS):
                add_entity(await index.entity(ref.key))
        else:
            answer = await index.who(text)
            if answer.status == "found":
                add_entity(answer)
            for agreement in await index.agreements(text, limit=3):
                add(f"a:{agreement.key}", agreement.title, f"{agreement.type} · {agreement.status}",
                    render.inline_agreement(agreement, index.sector_names()),
                    [c.sentence for c in agreement.citations[: render.BLOCK_QUOTES]])
            hits = await index.search(text, limit=INLINE_MOST)
            for hit in hits.hits:
                citation = hit.citation
                add(
                    f"q:{citation.article}:{citation.start}",
                    citation.sentence[:120],
                    f"{citation.outlet}, {citation.date.isoformat()}",
                    render.inline_quote(citation, hit.terms or text.split()),
                    [citation.sentence],
                )
    page = results[offset : offset + INLINE_RESULTS]
    more = offset + INLINE_RESULTS < len(results)
    await inline_query.answer(
        page, button=help_button, cache_time=300 if not text else 60, is_personal=False,
        next_offset=str(offset + INLINE_RESULTS) if more else None,
    )


# ---------------------------------------------------------------- /reload (admins)


def _is_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in settings_of(context).admin_ids


@logged("reload")
async def reload(update: Update, context: Context) -> None:
    """Ask the index holder for a rebuild, in the background, and report its progress and outcome in one message
    edited in place; the old index answers until the new one is swapped in."""
    user = update.effective_user
    if update.edited_message is not None:  # editing an old /reload is no request to rebuild again
        return
    if not _is_admin(update, context):  # the handler filter already checks; this is the second lock
        await _refuse_reload(update, context)
        return
    index_holder = holder(context)
    if not await index_holder.claim_rebuild():
        await reply_text(update, context, "A reload is already running; its progress message will show the result.")
        return
    try:
        log.info("reload started by admin %s", user.id if user else None)
        settings = settings_of(context)
        message = update.effective_message
        assert message is not None
        progress_message = await message.reply_text(
            f"🔄 Rebuilding the index from <code>{html.escape(settings.seeds_dir.name)}</code>…"
        )
        task = context.application.create_task(_reload_and_report(progress_message, settings, index_holder), update=update)
    except BaseException:
        index_holder.release_rebuild()
        raise
    task.add_done_callback(lambda _: index_holder.release_rebuild())  # also when cancelled before it ever ran
    track_background(context.application, update.update_id, task)


@logged("reload")
async def reload_refused(update: Update, context: Context) -> None:
    if update.edited_message is None:
        await _refuse_reload(update, context)


async def _refuse_reload(update: Update, context: Context) -> None:
    user = update.effective_user
    log.warning("refused /reload from non-admin user %s", user.id if user else None)
    await reply_text(update, context, "Sorry, /reload is only for this bot's administrators. Everything in /help is yours to use.")


async def _reload_and_report(progress_message: Message, settings: Settings, index_holder: IndexHolder) -> None:
    """The rebuild, told in the progress message: files read (at most one edit per PROGRESS_EDIT_INTERVAL),
    then the report, the failure, or that the bot stopped first."""
    shown = progress_message.text_html or ""

    async def show_progress(done: int, total: int, file_name: str) -> None:
        nonlocal shown
        text = render.reload_progress(done, total, file_name)
        if text != shown:
            shown = text
            await _edit_progress(progress_message, text)

    async def show_interrupted() -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(_edit_progress(progress_message, render.reload_interrupted()), 2.0)

    try:
        report = await index_holder.rebuild(
            Path(settings.seeds_dir), Path(settings.db_path), show_progress, PROGRESS_EDIT_INTERVAL, show_interrupted
        )
    except RebuildFailed as failure:
        await _edit_progress(progress_message, render.reload_failed(failure.reason, failure.skipped), final=True)
        return
    await _edit_progress(progress_message, render.reload_report(report), final=True)


async def _edit_progress(progress_message: Message, text: str, final: bool = False) -> None:
    """Edit the /reload progress message. Telegram refusing or timing out never stops the reload; the final
    report, if the edit fails, is sent as a new message instead (and only logged if that fails too)."""
    try:
        await progress_message.edit_text(text)
    except TelegramError as error:
        if not final:
            log.info("could not update the reload progress: %s", error)
            return
        log.warning("could not edit the reload report into place (%s); sending it instead", error)
        try:
            await progress_message.get_bot().send_message(progress_message.chat_id, text)
        except TelegramError:
            log.warning("could not send the reload report", exc_info=True)


# ---------------------------------------------------------------- errors


async def on_error(update: object, context: Context) -> None:
    """Log with the traceback, then tell the user something went wrong (never the details). Fetching updates
    failing (a 502, an HTML page, a dropped connection) is one WARNING line: PTB's polling retries it."""
    if update is None and isinstance(context.error, TelegramError):
        log.warning("fetching updates failed (%s); trying again", context.error)
        return
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    with contextlib.suppress(Exception):
        if update.callback_query is not None:
            await update.callback_query.answer("Sorry, something went wrong. Please try again.")
            return
        if update.effective_message is not None:
            await update.effective_message.reply_text("Sorry, something went wrong on my side. Please try again in a moment.")
