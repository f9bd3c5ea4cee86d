"""/reload: admins only, progress edited in place, bad files reported, the old index answering throughout."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from telegram import Update
from telegram.error import TimedOut

from bot.chat import handlers
from bot.chat.offline import running, wait_background
from bot.chat.state import background_tasks, holder_of
from bot.chat.telegram_limits import utf16_len
from bot.index import build
from tests.conftest import ROOT, SEEDS, ChatBot, make_bot, shown_text


UNSEEN = ROOT / "tests" / "data" / "unseen" / "101_brazil_india.txt"
CHILD_BUILD = [sys.executable, str(ROOT / "tests" / "child_build.py"), "index"]


@pytest.fixture
def reload_bot(private_seeds_bot: ChatBot) -> ChatBot:
    """A bot whose SEEDS_DIR is a private copy of the seeds, so tests can break it."""
    return private_seeds_bot


def child_build(bot: ChatBot, **variables: object) -> None:
    """Make the bot's builds run tests/child_build.py (the real `citebot index`, slowed, held or pooled)."""
    holder = holder_of(bot.app.bot_data)
    holder.build_command = CHILD_BUILD
    holder.build_environment.update({f"CITEBOT_TEST_{name.upper()}": str(value) for name, value in variables.items()})


def group_members(pgid: int) -> list[int]:
    """The processes of a process group, read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


async def wait_until(condition, what: str, timeout: float = 60.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f} s")
        await asyncio.sleep(0.02)


async def test_non_admin_reload_is_refused_and_changes_nothing(reload_bot: ChatBot, tmp_path: Path, caplog) -> None:
    builds = tmp_path / "builds.log"
    child_build(reload_bot, builds=builds)
    before = reload_bot.settings.db_path.stat().st_mtime_ns
    caplog.set_level("WARNING")
    calls = await reload_bot.user().send("/reload")
    assert [c.method for c in calls] == ["sendMessage"]
    assert "only for" in calls[0].text and "Reloaded" not in calls[0].text
    assert not builds.exists() and reload_bot.settings.db_path.stat().st_mtime_ns == before
    assert any("refused /reload" in r.getMessage() for r in caplog.records)


async def test_admin_reload_with_broken_files_keeps_good_articles_and_reports_the_bad(reload_bot: ChatBot) -> None:
    seeds = reload_bot.settings.seeds_dir
    (seeds / "broken-binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe" * 200)
    (seeds / "no-date.txt").write_text("Just a page without the date header.\nMore text.\n", encoding="utf-8")
    calls = await reload_bot.admin().send("/reload")
    final = calls[-1]
    assert final.method == "editMessageText", [c.method for c in calls]
    assert "Reloaded" in final.text and "<b>2 articles</b>" in final.text
    assert "broken-binary.txt" in final.text and "no-date.txt" in final.text
    assert "Patrushev" in shown_text(await reload_bot.user().send("/who Patrushev"))


async def test_failed_reload_keeps_the_old_index(reload_bot: ChatBot) -> None:
    for path in reload_bot.settings.seeds_dir.glob("*.txt"):
        path.write_bytes(b"\x00garbage")
    final = (await reload_bot.admin().send("/reload"))[-1]
    assert "Reload failed" in final.text and "still answering" in final.text
    assert "Nikolai Patrushev" in shown_text(await reload_bot.user().send("/who Patrushev"))


async def test_queries_during_a_reload_are_all_answered(reload_bot: ChatBot, monkeypatch: pytest.MonkeyPatch) -> None:
    child_build(reload_bot, delay=0.6)  # a big folder: reading takes a while
    monkeypatch.setattr(handlers, "PROGRESS_EDIT_INTERVAL", 0.1)
    admin = reload_bot.admin()
    reloading = asyncio.ensure_future(admin.send("/reload"))
    await asyncio.sleep(0.05)
    questions = ["/who Patrushev", "/sector energy", "/agreements", "/search nuclear", "oil and gas", "/sources"] * 2
    answers = await asyncio.gather(*(reload_bot.user(2000 + i).send(q) for i, q in enumerate(questions)))
    for question, calls in zip(questions, answers):
        replies = [c for c in calls if c.method == "sendMessage"]
        assert len(replies) == 1, question
        assert any(mark in replies[0].text for mark in ("<blockquote>", "📰", "📄")), question
    calls = await reloading
    edits = [c for c in calls if c.method == "editMessageText"]
    assert any("read 1/2" in c.text or "read 2/2" in c.text for c in edits), [c.text for c in edits]
    assert "Reloaded" in edits[-1].text
    # the old index answered every question while the new one was being built: all before the final report
    order = {id(call): position for position, call in enumerate(reload_bot.request.calls)}
    assert max(order[id(c)] for calls in answers for c in calls) < order[id(edits[-1])]
    assert "Nikolai Patrushev" in shown_text(await reload_bot.user().send("/who Patrushev"))


async def test_a_second_reload_while_one_runs_is_told_to_wait(reload_bot: ChatBot) -> None:
    child_build(reload_bot, delay=0.3)
    first = asyncio.ensure_future(reload_bot.admin().send("/reload"))
    await asyncio.sleep(0.05)
    second = await reload_bot.admin().send("/reload")
    assert "already running" in second[-1].text
    assert "Reloaded" in (await first)[-1].text


async def test_progress_and_report_survive_telegram_errors_and_the_new_index_serves(
    reload_bot: ChatBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram timing out on every edit of the progress message neither stops the reload nor keeps the old index."""
    seeds = reload_bot.settings.seeds_dir
    shutil.copy(UNSEEN, seeds / UNSEEN.name)
    child_build(reload_bot, delay=0.2)
    monkeypatch.setattr(handlers, "PROGRESS_EDIT_INTERVAL", 0.05)
    do_request = reload_bot.request.do_request

    async def edits_time_out(url: str, method: str, *args, **kwargs):
        if url.endswith("/editMessageText"):
            raise TimedOut("Timed out")
        return await do_request(url, method, *args, **kwargs)

    monkeypatch.setattr(reload_bot.request, "do_request", edits_time_out)
    calls = await reload_bot.admin().send("/reload")
    assert [c.method for c in calls].count("sendMessage") == 2, [c.method for c in calls]
    assert "Reloaded" in calls[-1].text and "<b>3 articles</b>" in calls[-1].text  # sent anew, as the edit failed
    assert "I hold 3 articles" in shown_text(await reload_bot.user().send("/start"))


async def test_a_missing_seeds_folder_fails_the_reload_in_plain_words(reload_bot: ChatBot) -> None:
    shutil.rmtree(reload_bot.settings.seeds_dir)
    final = (await reload_bot.admin().send("/reload"))[-1]
    assert "Reload failed: seeds folder not found" in shown_text([final]) and "still answering" in final.text
    assert "Error" not in final.text  # no Python class names
    assert "Nikolai Patrushev" in shown_text(await reload_bot.user().send("/who Patrushev"))


async def test_a_report_of_hundreds_of_skipped_files_fits_one_message(reload_bot: ChatBot) -> None:
    """400 skipped files with long names made a 5,400-unit report (Telegram counts an emoji twice): the edit was
    refused, and so was the report sent anew; the admin never learnt the result."""
    seeds = reload_bot.settings.seeds_dir
    for number in range(400):
        (seeds / f"{'📰' * 30} clipping {number:03}.txt").write_text("no date header\n")
    final = (await reload_bot.admin().send("/reload"))[-1]
    assert final.method == "editMessageText" and "Reloaded" in final.text and "<b>2 articles</b>" in final.text
    assert utf16_len(final.text) <= 4096 and "Skipped 400 files" in final.text
    listed = final.text.count("\n• ")
    assert 10 < listed < 400 and f"… and {400 - listed} more" in final.text


async def test_two_reloads_in_one_batch_build_once(reload_bot: ChatBot, tmp_path: Path) -> None:
    """Updates of one getUpdates batch are handled one after the other, the second before the first's rebuild
    task has started: the lock must already be taken when the second asks."""
    log = tmp_path / "builds.log"
    child_build(reload_bot, builds=log)
    admin = reload_bot.admin()
    for update in (admin.message_update("/reload"), admin.message_update("/reload")):
        await reload_bot.app.process_update(Update.de_json(update, reload_bot.app.bot))
    await wait_background(reload_bot.app)
    texts = [c.text or "" for c in reload_bot.request.calls if c.method in ("sendMessage", "editMessageText")]
    builds = log.read_text().split()
    assert len(builds) == 1 and int(builds[0]) != os.getpid()  # built once, by a process of its own
    assert sum("already running" in t for t in texts) == 1 and sum("Reloaded" in t for t in texts) == 1
    assert not holder_of(reload_bot.app.bot_data).reload_lock.locked()


async def test_stopping_during_a_reload_does_not_wait_for_the_build(reload_bot: ChatBot, tmp_path: Path) -> None:
    """A build that does not finish (a huge folder, a file that cannot be read to its end) kept SIGTERM waiting:
    the Application waited for the rebuild task, which waited for the build. Now the build is stopped, and
    nothing of it is left."""
    child_build(reload_bot, hold=tmp_path / "never")
    holder = holder_of(reload_bot.app.bot_data)
    update = reload_bot.admin().message_update("/reload")
    await reload_bot.app.process_update(Update.de_json(update, reload_bot.app.bot))
    assert background_tasks(reload_bot.app)
    await wait_until(lambda: holder.building is not None, "the build starting")
    pid = holder.building
    await asyncio.wait_for(reload_bot.app.stop(), 15)
    texts = [c.text or "" for c in reload_bot.request.calls if c.method == "editMessageText"]
    assert texts and "interrupted" in texts[-1]
    assert not holder.reload_lock.locked()
    assert group_members(pid) == [] and not list(tmp_path.glob("citebot.sqlite3.building-*"))


async def test_a_killed_build_keeps_the_old_index_and_leaves_no_process_behind(reload_bot: ChatBot, tmp_path: Path) -> None:
    """The kernel's OOM killer (or an operator) ends the build with SIGKILL while its workers extract: the
    reload fails in plain words, the old index answers, and the workers do not linger."""
    release = tmp_path / "release"
    child_build(reload_bot, pool=1, hold=release)
    holder = holder_of(reload_bot.app.bot_data)
    reloading = asyncio.ensure_future(reload_bot.admin().send("/reload"))
    await wait_until(lambda: holder.building is not None and len(group_members(holder.building)) == 3,
                     "the build and its two workers running")
    pid = holder.building
    os.kill(pid, signal.SIGKILL)  # the build alone: its workers are orphaned
    final = (await reloading)[-1]
    assert "Reload failed: the index build was killed (SIGKILL)" in shown_text([final]) and "still answering" in final.text
    assert group_members(pid) == []
    assert "Nikolai Patrushev" in shown_text(await reload_bot.user().send("/who Patrushev"))


async def test_a_build_killed_while_writing_leaves_no_temporary_file(reload_bot: ChatBot, tmp_path: Path) -> None:
    seeds = reload_bot.settings.seeds_dir
    shutil.copy(UNSEEN, seeds / UNSEEN.name)
    child_build(reload_bot, hold_written=tmp_path / "never")
    holder = holder_of(reload_bot.app.bot_data)
    before = build.index_meta(reload_bot.settings.db_path)
    reloading = asyncio.ensure_future(reload_bot.admin().send("/reload"))
    await wait_until(lambda: list(tmp_path.glob("citebot.sqlite3.building-*")), "the temporary index file written")
    os.kill(holder.building, signal.SIGKILL)
    final = (await reloading)[-1]
    assert "Reload failed" in final.text and "still answering" in final.text
    assert not list(tmp_path.glob("citebot.sqlite3.building-*"))
    assert build.index_meta(reload_bot.settings.db_path) == before
    assert "I hold 2 articles" in shown_text(await reload_bot.user().send("/start"))


async def test_a_build_that_outgrows_its_memory_fails_with_the_reason(reload_bot: ChatBot, tmp_path: Path) -> None:
    child_build(reload_bot, allocate_mb=16_000)
    holder_of(reload_bot.app.bot_data).build_environment["BUILD_MEMORY_MB"] = "2048"
    final = (await reload_bot.admin().send("/reload"))[-1]
    assert "more memory than BUILD_MEMORY_MB allows (2048 MB per process)" in shown_text([final])
    assert "still answering" in final.text
    assert "Nikolai Patrushev" in shown_text(await reload_bot.user().send("/who Patrushev"))


async def test_a_build_that_crashes_keeps_the_old_index(reload_bot: ChatBot) -> None:
    holder_of(reload_bot.app.bot_data).build_command = [sys.executable, "-c", "import sys; sys.exit(3)"]
    final = (await reload_bot.admin().send("/reload"))[-1]
    assert "Reload failed: the index build failed (exit code 3" in shown_text([final])
    assert "Nikolai Patrushev" in shown_text(await reload_bot.user().send("/who Patrushev"))


async def test_leftovers_of_a_killed_build_are_removed_at_start(tmp_path: Path, seeds_db: Path) -> None:
    db_path = tmp_path / "citebot.sqlite3"
    shutil.copy(seeds_db, db_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = [tmp_path / f"citebot.sqlite3.building-{int(dead.stdout)}-1", tmp_path / f"citebot.sqlite3.building-{os.getpid()}-7"]
    alive = tmp_path / f"citebot.sqlite3.building-{os.getppid()}-3"  # another process's build, still running
    for path in (*stale, alive):
        path.write_bytes(b"half an index")
    bot = await make_bot(db_path)
    async with running(bot.app):
        pass
    assert not any(path.exists() for path in stale) and alive.exists()


async def test_the_index_holder_rebuilds_and_swaps_on_request_and_keeps_the_index_when_it_cannot(
    seeds_db: Path, tmp_path: Path
) -> None:
    """What /reload asks of the holder, without the chat: one rebuild at a time; a failure says why and
    changes nothing; a success is swapped in before the caller hears of it."""
    from bot.chat.holder import IndexHolder, RebuildFailed
    from bot.index.query import Index

    db_path = tmp_path / "citebot.sqlite3"
    shutil.copy(seeds_db, db_path)
    holder = IndexHolder(await Index.open(db_path))
    first = holder.current
    try:
        assert await holder.claim_rebuild() and not await holder.claim_rebuild()
        holder.release_rebuild()
        empty = tmp_path / "empty"
        empty.mkdir()
        with pytest.raises(RebuildFailed) as failed:
            await holder.rebuild(empty, db_path)
        assert holder.current is first and "no article" in failed.value.reason
        with pytest.raises(RebuildFailed) as failed:
            await holder.rebuild(tmp_path / "missing", db_path)
        assert holder.current is first and "not found" in failed.value.reason
        seen: list[tuple[int, int]] = []

        async def progress(done: int, total: int, file_name: str) -> None:
            seen.append((done, total))

        report = await holder.rebuild(SEEDS, db_path, progress, every=0.01)
        assert report.articles == 2 and holder.current is not first
        assert all(total == 2 for _, total in seen)
        async with holder.use() as index:
            assert (await index.stats()).articles == 2
    finally:
        await holder.close()


async def test_a_swap_cut_short_by_the_stop_still_closes_the_old_index(seeds_db: Path, tmp_path: Path) -> None:
    """Bug caught: the bot stopped while a swap waited for the old index's last reader, so the old index was
    never closed; its connections' threads kept the process from exiting until the stop's time limit killed
    it. Closing the holder closes every index it ever held, and an index closes all its connections even when
    one close is interrupted."""
    from bot.chat.holder import IndexHolder
    from bot.index.query import Index

    old, new = await Index.open(seeds_db), await Index.open(seeds_db)
    holder = IndexHolder(old)
    threads = [connection._thread for index in (old, new) for connection in index._connections]
    reading = holder.use()
    await reading.__aenter__()  # a query in flight on the old index
    swapping = asyncio.ensure_future(holder.swap(new))
    await asyncio.sleep(0.05)
    assert holder.current is new and not swapping.done()
    swapping.cancel()  # the bot stops
    with contextlib.suppress(asyncio.CancelledError):
        await swapping
    await reading.__aexit__(None, None, None)
    await holder.close()
    assert not old._connections and not new._connections
    for thread in threads:
        await asyncio.to_thread(thread.join, 10)
    assert not any(thread.is_alive() for thread in threads)
