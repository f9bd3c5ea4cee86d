"""Following: /follow, /following, /unfollow and the 🔔 Follow button of a page; after a /reload or a switch to a new
index file, one message to each follower with the new cited sentences about what they follow — paged, capped,
never to a user who blocked the bot (whose follows are then dropped), and once however many replicas switch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.chat import follows, notify
from bot.chat.offline import ApiCall, running, wait_background
from bot.chat.state import holder_of
from bot.chat.telegram_limits import html_to_text
from bot.index.build import build_index
from tests.conftest import ADMIN_ID, ROOT, SEEDS, ChatBot, make_bot, shown_text

UNSEEN = ROOT / "tests" / "data" / "unseen" / "101_brazil_india.txt"


@pytest.fixture
def follow_bot(private_seeds_bot: ChatBot) -> ChatBot:
    """A bot over a private copy of the seeds (to add an article to) and their index, with its own follow store."""
    return private_seeds_bot


def sent_to(calls: list[ApiCall], chat_id: int) -> list[ApiCall]:
    return [c for c in calls if c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id]


def article_sentences(folder: Path) -> str:
    """All the text of the articles, whitespace-normalised: a quote must be found in it as it is."""
    return " ".join(" ".join(path.read_text(encoding="utf-8").split()) for path in folder.glob("*.txt"))


def quotes_of(html: str) -> list[str]:
    import re

    return [" ".join(html_to_text(q).split()) for q in re.findall(r"<blockquote(?: expandable)?>(.*?)</blockquote>", html, re.S)]


async def add_article_and_reload(bot: ChatBot) -> list[ApiCall]:
    shutil.copy(UNSEEN, bot.settings.seeds_dir / UNSEEN.name)
    calls = await bot.admin().send("/reload")
    assert "Reloaded" in calls[-1].text or any("Reloaded" in (c.text or "") for c in calls), [c.text for c in calls]
    return calls


async def test_follow_a_sector_then_a_reload_that_adds_sentences_about_it_sends_them(follow_bot: ChatBot) -> None:
    user = follow_bot.user(2001)
    said = shown_text(await user.send("/follow energy"))
    assert "You now follow energy (1 of 20)" in said
    listed = await user.send("/following")
    assert "You follow 1 thing" in shown_text(listed) and "✖ Unfollow" in shown_text(listed)

    calls = await add_article_and_reload(follow_bot)
    [notice] = sent_to(calls, 2001)  # one message, whatever it holds
    assert "New in the articles" in notice.text and "energy" in notice.text and "(4 new)" in notice.text
    quoted = quotes_of(notice.text)
    assert len(quoted) == 4
    text = article_sentences(follow_bot.settings.seeds_dir)
    assert all(quote in text for quote in quoted), "a quote is not a sentence of an article"
    assert "Global Trade Wire" in notice.text and "2024-11-19" in notice.text  # each with its citation
    assert [b["callback_data"] for b in notice.buttons() if b.get("callback_data", "").startswith("s:")] == ["s:energy"]

    again = await follow_bot.admin().send("/reload")  # nothing new this time: nothing is sent
    assert not sent_to(again, 2001)


async def test_only_followers_of_what_changed_are_written_to(follow_bot: ChatBot) -> None:
    await follow_bot.user(2001).send("/follow energy")
    await follow_bot.user(2002).send("/follow Patrushev")  # the new article says nothing about him
    calls = await add_article_and_reload(follow_bot)
    assert len(sent_to(calls, 2001)) == 1 and not sent_to(calls, 2002)
    assert not sent_to(calls, 1001)  # the user who followed nothing


async def test_a_user_who_blocked_the_bot_is_dropped_not_retried(follow_bot: ChatBot) -> None:
    blocked = follow_bot.user(2003)
    await blocked.send("/follow energy")
    await follow_bot.user(2004).send("/follow energy")
    follow_bot.request.blocked.add(2003)
    calls = await add_article_and_reload(follow_bot)
    refused = [c for c in calls if c.method == "sendMessage" and int(c.params["chat_id"]) == 2003]
    assert len(refused) == 1  # tried once, refused with 403
    assert len(sent_to(calls, 2004)) == 1  # the next follower still gets theirs
    follow_bot.request.blocked.discard(2003)  # they come back: nothing of theirs was kept
    assert "You follow nothing yet" in shown_text(await blocked.send("/following"))


async def test_a_long_notification_is_capped_and_paged_by_its_buttons(follow_bot: ChatBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notify, "NEWS_PER_NOTICE", 6)
    user = follow_bot.user(2005)
    for name in ("energy", "renewables", "healthcare", "technology", "trade"):
        assert "You now follow" in shown_text(await user.send(f"/follow {name}"))
    calls = await add_article_and_reload(follow_bot)
    [notice] = sent_to(calls, 2005)
    assert "1/2" in shown_text([notice]) and "▶" in shown_text([notice])
    pages = [notice.text]
    turned = await user.press("▶")
    pages += [c.text for c in turned if c.method == "editMessageText"]
    assert len(pages) == 2
    shown = sum(len(quotes_of(page)) for page in pages)
    assert shown == 6  # the cap: the rest counted, never sent
    assert "quoted above" in "".join(pages)  # a sentence about two sectors is quoted once
    assert "more new sentence" in "".join(pages)
    assert all(len(b.get("callback_data", "").encode()) <= 64 for c in [notice, *turned] for b in c.buttons())


async def test_follow_buttons_on_person_and_sector_pages(follow_bot: ChatBot) -> None:
    user = follow_bot.user(2006)
    page = await user.send("/who Patrushev")
    assert "🔔 Follow" in shown_text(page)
    pressed = await user.press("🔔 Follow")
    assert "You now follow Nikolai Patrushev" in shown_text(pressed)
    page = await user.send("/sector energy")
    assert "🔔 Follow" in shown_text(page)
    assert "You now follow energy (2 of 20)" in shown_text(await user.press("🔔 Follow"))
    assert "You already follow energy" in shown_text(await user.press("🔔 Follow"))
    listed = await user.send("/following")
    assert "You follow 2 things" in shown_text(listed)
    edited = await user.press("✖ Unfollow")  # the first: Nikolai Patrushev
    assert "You no longer follow Nikolai Patrushev" in shown_text(edited)
    assert any(c.method == "editMessageText" and "You follow 1 thing" in html_to_text(c.text or "") for c in edited)


async def test_unfollow_by_name_and_what_bad_input_gets(follow_bot: ChatBot) -> None:
    user = follow_bot.user(2007)
    assert "Send /follow with a person" in shown_text(await user.send("/follow"))
    assert "I know no person, organisation or sector called “Qwxz Vbnm”" in shown_text(await user.send("/follow Qwxz Vbnm"))
    await user.send("/follow energy")
    assert "You follow nothing called “oil”" in shown_text(await user.send("/unfollow oil"))
    assert "You no longer follow energy" in shown_text(await user.send("/unfollow Energy"))
    assert "You follow nothing yet" in shown_text(await user.send("/unfollow"))
    forged = await user.press_data("F:w:no-such-person")
    assert "no longer in the index" in shown_text(forged)


async def test_a_user_may_follow_only_so_many_things(follow_bot: ChatBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(follows, "MAX_FOLLOWS", 2)
    user = follow_bot.user(2008)
    assert "(1 of 2)" in shown_text(await user.send("/follow energy"))
    assert "(2 of 2)" in shown_text(await user.send("/follow Patrushev"))
    assert "You follow 2 things, the most I keep" in shown_text(await user.send("/follow trade"))
    assert "You follow 2 things" in shown_text(await user.send("/following"))


async def test_a_new_index_file_switched_to_notifies_as_a_reload_does(follow_bot: ChatBot, tmp_path: Path) -> None:
    await follow_bot.user(2009).send("/follow energy")
    shutil.copy(UNSEEN, follow_bot.settings.seeds_dir / UNSEEN.name)
    build_index(follow_bot.settings.seeds_dir, follow_bot.settings.db_path)  # a `citebot index` beside the bot
    since = len(follow_bot.request.calls)
    assert await holder_of(follow_bot.app.bot_data).follow(follow_bot.settings.db_path)
    await wait_background(follow_bot.app)
    await notify_tasks_done(follow_bot)
    [notice] = sent_to(follow_bot.request.calls[since:], 2009)
    assert "(4 new)" in notice.text


async def notify_tasks_done(bot: ChatBot) -> None:
    """The notifications of a switch no update caused are sent by a task of their own."""
    import asyncio

    tasks = [t for t in asyncio.all_tasks() if t.get_name() == "citebot-notify"]
    if tasks:
        await asyncio.wait(tasks)


async def test_replicas_sharing_a_follow_store_notify_once(seeds_db: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    db_path = tmp_path / "shared" / "citebot.sqlite3"
    db_path.parent.mkdir()
    shutil.copy(seeds_db, db_path)
    store = tmp_path / "follows" / "follows.sqlite3"
    replicas = []
    for _ in range(2):
        bot = await make_bot(db_path, seeds_dir=seeds)
        bot.settings = bot.settings.model_copy(update={"index_read_only": True, "follows_path": store})
        bot.app.bot_data.settings = bot.settings
        replicas.append(bot)
    async with running(replicas[0].app), running(replicas[1].app):
        await replicas[0].user(2010).send("/follow energy")
        assert "You follow 1 thing" in shown_text(await replicas[1].user(2010).send("/following"))  # one store
        shutil.copy(UNSEEN, seeds / UNSEEN.name)
        build_index(seeds, db_path)  # the build job
        for bot in replicas:
            assert await holder_of(bot.app.bot_data).follow(db_path)
        await notify_tasks_done(replicas[0])
    notices = [c for bot in replicas for c in sent_to(bot.request.calls, 2010) if "New in the articles" in (c.text or "")]
    assert len(notices) == 1
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["citebot.sqlite3", "citebot.sqlite3.cache"]


async def test_a_read_only_replica_without_a_follow_store_says_following_is_off(seeds_db: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "shared" / "citebot.sqlite3"
    db_path.parent.mkdir()
    shutil.copy(seeds_db, db_path)
    bot = await make_bot(db_path)
    bot.settings = bot.settings.model_copy(update={"index_read_only": True})
    bot.app.bot_data.settings = bot.settings
    async with running(bot.app):
        assert "keeps no follows" in shown_text(await bot.user().send("/follow energy"))
        await bot.user().send("/who Patrushev")
        assert "keeps no follows" in shown_text(await bot.user().press("🔔 Follow"))
    assert [p.name for p in db_path.parent.iterdir()] == ["citebot.sqlite3"]
    assert not bot.errors
