"""The composition root: which updates the bot answers at all, and how it starts on an index it cannot read."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.chat.app import OFFLINE_TOKEN, build_application
from bot.chat.offline import BOT_USER, OfflineRequest, running
from bot.config import Settings
from bot.index.build import APPLICATION_ID, NotAnIndex
from tests.conftest import SEEDS, ChatBot, make_bot, shown_text

ME = BOT_USER["username"]
GROUP = -100123


async def test_a_group_command_for_another_bot_gets_no_reply(chat_bot: ChatBot) -> None:
    group = chat_bot.user(chat_id=GROUP)
    assert await group.send("/frobnicate@some_other_bot now") == []
    assert await group.send("/who@some_other_bot Patrushev") == []
    assert await group.send("/frobnicate") == []  # bare: could be any member bot's command


async def test_a_group_command_addressed_to_this_bot_is_answered(chat_bot: ChatBot) -> None:
    group = chat_bot.user(chat_id=GROUP)
    unknown = await group.send(f"/frobnicate@{ME} now")
    assert "/help" in shown_text(unknown) and "/frobnicate" in shown_text(unknown)
    assert "Nikolai Patrushev" in shown_text(await group.send(f"/who@{ME} Patrushev"))
    assert "Nikolai Patrushev" in shown_text(await group.send("/who Patrushev"))


async def test_a_private_command_for_another_bot_gets_no_reply(chat_bot: ChatBot) -> None:
    user = chat_bot.user()
    assert await user.send("/frobnicate@some_other_bot") == []
    assert "/help" in shown_text(await user.send("/frobnicate"))


async def test_an_index_of_another_schema_version_is_rebuilt_at_start(tmp_path: Path, caplog) -> None:
    db_path = tmp_path / "citebot.sqlite3"
    old = sqlite3.connect(db_path)
    old.execute("CREATE TABLE facts (x)")
    old.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # a citebot index, of an older schema
    old.execute("PRAGMA user_version = 0")
    old.close()
    caplog.set_level(logging.INFO, logger="bot.chat.app")
    bot = await make_bot(db_path, seeds_dir=SEEDS)
    async with running(bot.app):
        reply = shown_text(await bot.user().send("/who Patrushev"))
    assert "Nikolai Patrushev" in reply
    assert any("schema version" in r.getMessage() and "building" in r.getMessage() for r in caplog.records)
    assert not bot.errors


def test_an_injected_transport_never_uses_the_real_token(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, bot_token=SecretStr("123456:real-secret"), db_path=tmp_path / "x.sqlite3")
    application = build_application(settings, OfflineRequest())
    assert application.bot.token == OFFLINE_TOKEN


def test_without_a_transport_or_a_token_the_bot_refuses_to_build(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="BOT_TOKEN"):
        build_application(Settings(_env_file=None, db_path=tmp_path / "x.sqlite3"))


async def test_a_file_that_is_no_index_at_all_is_left_alone_at_start(tmp_path: Path) -> None:
    db_path = tmp_path / "citebot.sqlite3"
    db_path.write_bytes(b"\x00 someone's data " * 500)
    bot = await make_bot(db_path, seeds_dir=SEEDS)
    with pytest.raises(NotAnIndex):
        async with running(bot.app):
            pass
    assert db_path.read_bytes() == b"\x00 someone's data " * 500


async def test_a_damaged_index_of_ours_is_rebuilt_at_start(tmp_path: Path, seeds_db: Path) -> None:
    db_path = tmp_path / "citebot.sqlite3"
    db_path.write_bytes(seeds_db.read_bytes()[:100] + b"\x00 half-copied " * 500)  # the header survived
    bot = await make_bot(db_path, seeds_dir=SEEDS)
    async with running(bot.app):
        assert "Nikolai Patrushev" in shown_text(await bot.user().send("/who Patrushev"))
    assert not bot.errors


def _menus(bot: ChatBot) -> list[tuple[str, object]]:
    """(method, the chat id of the scope, or "default") of every menu call, in order."""
    calls = []
    for call in bot.request.calls:
        if call.method in ("setMyCommands", "deleteMyCommands"):
            scope = call.params.get("scope") or {"type": "default"}
            calls.append((call.method, scope.get("chat_id", scope["type"])))
    return calls


async def test_an_admin_removed_from_admin_ids_loses_the_admin_menu_after_a_restart(
    tmp_path: Path, seeds_db: Path
) -> None:
    db_path = tmp_path / "citebot.sqlite3"
    db_path.write_bytes(seeds_db.read_bytes())
    before = await make_bot(db_path, admin_ids=frozenset({11, 22}))
    async with running(before.app):
        pass
    assert ("setMyCommands", 22) in _menus(before)
    after = await make_bot(db_path, admin_ids=frozenset({11}))  # the next start, 22 removed from ADMIN_IDS
    async with running(after.app):
        pass
    assert ("deleteMyCommands", 22) in _menus(after) and ("setMyCommands", 22) not in _menus(after)
    again = await make_bot(db_path, admin_ids=frozenset({11}))
    async with running(again.app):
        pass
    assert not [call for call in _menus(again) if call[0] == "deleteMyCommands"]  # done once, remembered


async def test_one_refused_menu_does_not_keep_the_others_from_being_published(
    tmp_path: Path, seeds_db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    db_path = tmp_path / "citebot.sqlite3"
    db_path.write_bytes(seeds_db.read_bytes())
    bot = await make_bot(db_path, admin_ids=frozenset({11, 22, 33}))
    do_request = bot.request.do_request

    async def chat_not_found(url: str, method: str, request_data=None, *args, **kwargs):
        scope = (request_data.parameters if request_data else {}).get("scope") or {}
        if url.endswith("/setMyCommands") and scope.get("chat_id") == 22:
            return 400, json.dumps({"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}).encode()
        return await do_request(url, method, request_data, *args, **kwargs)

    monkeypatch.setattr(bot.request, "do_request", chat_not_found)
    caplog.set_level(logging.INFO)
    async with running(bot.app):
        pass
    methods = [c.method for c in bot.request.calls]
    assert ("setMyCommands", 33) in _menus(bot) and ("setMyCommands", "default") in _menus(bot)
    assert "setMyDescription" in methods and "setMyShortDescription" in methods
    warnings = [r for r in caplog.records if r.levelname == "WARNING" and r.name == "bot.chat.app"]
    assert len(warnings) == 1 and "22" in warnings[0].getMessage() and "chat not found" in warnings[0].getMessage().lower()
    assert warnings[0].exc_info is None
