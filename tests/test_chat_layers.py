"""The chat layer's place among the layers: what it imports, and where the names it shows come from."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from bot.chat.offline import running
from tests.conftest import make_bot, shown_text


async def test_the_sector_names_an_answer_shows_are_the_indexs(seeds_db: Path, tmp_path: Path) -> None:
    """An agreement's sectors are named as the open index names them, not as the ingest taxonomy of the running
    code does: the index is what the bot answers from."""
    path = tmp_path / "renamed.sqlite3"
    shutil.copy(seeds_db, path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE sectors SET name = 'atomic power' WHERE key = 'nuclear'")
    bot = await make_bot(path)
    async with running(bot.app):
        text = shown_text(await bot.user().read_all("/agreements nuclear"))
    assert "sectors: atomic power" in text and "sectors: nuclear" not in text
    assert not bot.errors
