"""`citebot console` as a user runs it: a subprocess reading stdin, the index built from seeds when missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SEEDS


def run_console(stdin: str, db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DB_PATH": str(db_path), "SEEDS_DIR": str(SEEDS), "BOT_TOKEN": "", "ADMIN_IDS": ""}
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )


def test_console_prints_readable_cited_answers_from_the_bundled_seeds(tmp_path: Path) -> None:
    db_path = tmp_path / "fresh" / "citebot.sqlite3"  # does not exist yet: the console builds it
    result = run_console('/who Patrushev\n/sector energy\n{"press": "▶"}\n', db_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Nikolai Patrushev" in out and "Energy cooperation is actively developing" in out
    assert "(edited)" in out and "PetroVietnam" in out  # page 2 of the sector, after pressing ▶
    assert "  │ " in out  # quotes, indented
    assert "— Sputnik International (https://" in out or "— VNS, 2025-05-11" in out
    assert "<b>" not in out and "&lt;" not in out and "&amp;" not in out
    assert db_path.is_file()


def test_console_json_gives_one_object_per_input_line(tmp_path: Path) -> None:
    db_path = tmp_path / "citebot.sqlite3"
    lines = ["/sector", json.dumps({"press": "s:energy"}), json.dumps({"press": "no such button"}), "/who <x>"]
    result = run_console("\n".join(lines) + "\n", db_path, "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["input"] for r in records] == lines
    for record in records:
        for reply in record["replies"]:
            assert set(reply) >= {"method", "text", "parse_mode", "reply_markup"}
    assert records[0]["replies"][0]["method"] == "sendMessage" and records[0]["replies"][0]["parse_mode"] == "HTML"
    assert [r["method"] for r in records[1]["replies"]][:2] == ["answerCallbackQuery", "sendMessage"]
    assert records[2]["replies"] == [] and "error" in records[2]
    assert "&lt;x&gt;" in records[3]["replies"][0]["text"]


def test_console_admin_flag_allows_reload(tmp_path: Path) -> None:
    db_path = tmp_path / "citebot.sqlite3"
    result = run_console("/reload\n", db_path, "--json", "--admin", "--user-id", "77")
    record = json.loads(result.stdout.splitlines()[0])
    assert "Reloaded" in record["replies"][-1]["text"]
