"""What a running bot does on its own: it switches to an index file that a build beside it put in place, rebuilds
when the seeds change (WATCH_SEEDS) or changed while it was down, refuses to build an index it only serves
(INDEX_READ_ONLY), and its heartbeat says whether it handles updates."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from pathlib import Path

import pytest

from bot.chat import watch
from bot.chat.offline import running
from bot.chat.state import holder_of
from bot.config import Settings
from bot.health import check
from bot.index.build import build_index, index_meta
from tests.conftest import ADMIN_ID, ROOT, SEEDS, ChatBot, make_bot, shown_text

UNSEEN = ROOT / "tests" / "data" / "unseen" / "101_brazil_india.txt"


async def eventually(condition, what: str, timeout: float = 60.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f} s")
        await asyncio.sleep(0.05)


async def holds(bot: ChatBot, articles: int) -> bool:
    return f"I hold {articles} articles" in shown_text(await bot.user().send("/start"))


def settings_of(bot: ChatBot, **changes: object) -> Settings:
    bot.settings = bot.settings.model_copy(update=changes)
    bot.app.bot_data.settings = bot.settings
    return bot.settings


@pytest.fixture
async def watched(seeds_db: Path, tmp_path: Path):
    """A running bot over a private copy of the seeds and their index, its watch looking every 0.05 s."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    db_path = tmp_path / "data" / "citebot.sqlite3"
    db_path.parent.mkdir()
    shutil.copy(seeds_db, db_path)
    bot = await make_bot(db_path, seeds_dir=seeds)
    settings_of(bot, index_check_interval=0.05, heartbeat_interval=0.05)
    yield bot


async def test_an_index_built_beside_the_running_bot_is_switched_to(watched: ChatBot) -> None:
    async with running(watched.app):
        watch.start(watched.app)
        assert await holds(watched, 2)
        shutil.copy(UNSEEN, watched.settings.seeds_dir / UNSEEN.name)
        await asyncio.to_thread(build_index, watched.settings.seeds_dir, watched.settings.db_path)  # `citebot index`
        await eventually(lambda: holds(watched, 3), "the switch to the new index")
        assert "Brazil" in shown_text(await watched.user().send("/sources"))


async def test_a_replacement_that_is_no_index_is_said_once_and_the_old_index_answers(watched: ChatBot, caplog) -> None:
    holder = holder_of(watched.app.bot_data)
    caplog.set_level("WARNING")
    async with running(watched.app):
        first = holder.current
        db_path = watched.settings.db_path
        temp = db_path.with_name("other")
        temp.write_text("not an index\n")
        temp.replace(db_path)
        assert not await holder.follow(db_path) and not await holder.follow(db_path)
        assert holder.current is first and await holds(watched, 2)
        assert sum("cannot be used" in r.getMessage() for r in caplog.records) == 1


async def test_watch_seeds_rebuilds_once_the_folder_is_quiet(watched: ChatBot, caplog) -> None:
    settings_of(watched, watch_seeds=True, watch_seeds_debounce=0.2)
    caplog.set_level("INFO")
    async with running(watched.app):
        watch.start(watched.app)
        await watched.app.bot_data.watching.wait()  # the watch has looked at the folder as it is
        shutil.copy(UNSEEN, watched.settings.seeds_dir / UNSEEN.name)
        await eventually(lambda: holds(watched, 3), "the rebuild after the seeds changed")
        assert any("the seed files changed: rebuilding" in r.getMessage() for r in caplog.records)


async def test_seeds_are_not_watched_unless_asked(watched: ChatBot) -> None:
    async with running(watched.app):
        watch.start(watched.app)
        await watched.app.bot_data.watching.wait()
        shutil.copy(UNSEEN, watched.settings.seeds_dir / UNSEEN.name)
        for _ in range(20):  # twenty looks of the watch: no rebuild started
            await asyncio.sleep(0.05)
            assert holder_of(watched.app.bot_data).building is None
        assert await holds(watched, 2)


async def test_an_index_of_other_seeds_is_rebuilt_at_start_while_it_answers(watched: ChatBot, caplog) -> None:
    """An image rebuilt with new seeds over the volume of the old index: the old index answers until the new one
    is in, and the index records the seeds it was built from."""
    shutil.copy(UNSEEN, watched.settings.seeds_dir / UNSEEN.name)
    caplog.set_level("INFO")
    async with running(watched.app):
        assert await holds(watched, 2)  # what it had
        watch.start(watched.app)
        await eventually(lambda: holds(watched, 3), "the rebuild at start")
    assert any("the seed files changed since the index was built" in r.getMessage() for r in caplog.records)
    from bot.ingest.pipeline import seeds_digest

    assert index_meta(watched.settings.db_path)["seeds_digest"] == seeds_digest(watched.settings.seeds_dir)


async def test_a_read_only_bot_never_builds_and_says_where_to(watched: ChatBot) -> None:
    settings_of(watched, index_read_only=True, watch_seeds=True, watch_seeds_debounce=0.0)
    shutil.copy(UNSEEN, watched.settings.seeds_dir / UNSEEN.name)  # other seeds than the index's
    async with running(watched.app):
        watch.start(watched.app)
        admin_menus = watched.settings.db_path.with_name("citebot.sqlite3.admin-menus.json")
        final = (await watched.user(ADMIN_ID).send("/reload"))[-1]
        assert "INDEX_READ_ONLY" in shown_text([final]) and "still answering" in final.text
        for _ in range(20):
            await asyncio.sleep(0.05)
            assert holder_of(watched.app.bot_data).building is None
        assert await holds(watched, 2) and not admin_menus.exists()


async def test_a_read_only_bot_without_an_index_does_not_start(tmp_path: Path) -> None:
    from bot.index.query import IndexUnavailable

    bot = await make_bot(tmp_path / "missing.sqlite3")
    settings_of(bot, index_read_only=True)
    with pytest.raises(IndexUnavailable, match="INDEX_READ_ONLY"):
        async with running(bot.app):
            pass
    assert not (tmp_path / "missing.sqlite3").exists()


async def test_the_heartbeat_is_handled_like_an_update_and_read_by_the_health_check(watched: ChatBot) -> None:
    settings = watched.settings
    assert not check(settings)[0] and "no heartbeat file" in check(settings)[1]
    async with running(watched.app):
        watch.start(watched.app)
        await eventually(lambda: asyncio.sleep(0, settings.heartbeat_path.exists()), "the first heartbeat")
        healthy, line = check(settings)
        assert healthy and "2 articles indexed" in line
        record = json.loads(settings.heartbeat_path.read_text())
        assert record["pid"] > 0 and watched.app.bot_data.heartbeat_at is not None
    healthy, line = check(settings, now=time.time() + 60)  # a minute later, nobody refreshed it
    assert not healthy and "stuck or stopped" in line
