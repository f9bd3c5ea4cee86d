"""Whatever sits at the index path and is not a citebot index is never overwritten: `citebot index --db README.md`
and a DB_PATH pointing at another application's SQLite file are one-line errors, and the file stays as it was."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.chat.offline import running
from bot.cli import main
from bot.index.build import APPLICATION_ID, NotAnIndex, build_index, is_index
from tests.conftest import ROOT, SEEDS, make_bot, shown_text
from tests.test_chat_console import run_console


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SEEDS_DIR", "DB_PATH", "ADMIN_IDS", "BOT_TOKEN", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)


def another_applications_database(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (number INTEGER PRIMARY KEY, total REAL)")
    con.execute("INSERT INTO invoices VALUES (1, 99.5)")
    con.execute("PRAGMA user_version = 1")  # even the same schema version as ours
    con.commit()
    con.close()
    return path


def not_indexes(tmp_path: Path) -> list[Path]:
    readme = tmp_path / "README.md"
    shutil.copy(ROOT / "README.md", readme)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    return [readme, another_applications_database(tmp_path / "shop.sqlite3"), folder]


@pytest.mark.parametrize("command", ["index", "export"])
def test_index_and_export_refuse_a_file_that_is_not_an_index(tmp_path: Path, capsys, command: str) -> None:
    for path in not_indexes(tmp_path):
        before = path.read_bytes() if path.is_file() else None
        args = [command, "--db", str(path)] + (["--seeds", str(SEEDS)] if command == "index" else [])
        assert main(args) == 1
        captured = capsys.readouterr()
        [line] = captured.err.strip().splitlines()
        assert line.startswith("citebot: ") and str(path) in line and "refusing" in line, line
        assert captured.out == ""
        if before is not None:
            assert path.read_bytes() == before, f"{path.name} was changed"
        assert not list(tmp_path.glob("*.building-*"))


async def test_the_bot_does_not_rebuild_over_another_applications_database(tmp_path: Path) -> None:
    path = another_applications_database(tmp_path / "shop.sqlite3")
    before = path.read_bytes()
    bot = await make_bot(path)
    with pytest.raises(NotAnIndex, match="not a citebot index"):
        async with running(bot.app):
            pass
    assert path.read_bytes() == before


def test_the_console_refuses_it_in_one_line(tmp_path: Path) -> None:
    path = another_applications_database(tmp_path / "shop.sqlite3")
    before = path.read_bytes()
    result = run_console("/who Patrushev\n", path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not a citebot index" in result.stderr and path.read_bytes() == before


def test_an_index_is_replaced_and_so_is_an_empty_file_or_an_index_from_before_the_application_id(tmp_path: Path) -> None:
    path = tmp_path / "citebot.sqlite3"
    path.write_bytes(b"")
    assert is_index(path) is None
    build_index(SEEDS, path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    con.execute("PRAGMA application_id = 0")  # as written by citebot before it set one
    con.commit()
    con.close()
    assert is_index(path) is True
    assert build_index(SEEDS, path).articles == 2
    assert main(["export", "--db", str(path)]) == 0


async def test_an_old_index_of_ours_is_still_rebuilt_at_start(tmp_path: Path) -> None:
    path = tmp_path / "citebot.sqlite3"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE facts (x)")
    old.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    old.execute("PRAGMA user_version = 0")
    old.close()
    bot = await make_bot(path)
    async with running(bot.app):
        assert "Nikolai Patrushev" in shown_text(await bot.user().send("/who Patrushev"))
