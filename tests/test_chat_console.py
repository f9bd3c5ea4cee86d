"""`citebot console` as a user runs it: a subprocess reading stdin, the index built from seeds when missing."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS


def run_console(
    stdin: str, db_path: Path, *args: str, seeds: Path = SEEDS, binary_in: bool = False, **settings: str
) -> subprocess.CompletedProcess[str]:
    """`citebot console ARGS` fed `stdin` (with `binary_in`, as Latin-1 bytes: any byte, valid UTF-8 or not)."""
    env = {key: value for key, value in os.environ.items() if key != "LOG_LEVEL"}
    env.update({"DB_PATH": str(db_path), "SEEDS_DIR": str(seeds), "BOT_TOKEN": "", "ADMIN_IDS": ""}, **settings)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", *args],
        input=stdin.encode("latin-1" if binary_in else "utf-8", "surrogatepass"), capture_output=True, cwd=ROOT,
        env=env, timeout=120,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
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
    # an answer slower than a moment (a loaded machine) is preceded by a "typing…" action: what is read is the rest
    said = [[r for r in record["replies"] if r["method"] != "sendChatAction"] for record in records]
    assert said[0][0]["method"] == "sendMessage" and said[0][0]["parse_mode"] == "HTML"
    assert [r["method"] for r in said[1]][:2] == ["answerCallbackQuery", "sendMessage"]
    assert records[2]["replies"] == [] and "error" in records[2]
    assert "&lt;x&gt;" in said[3][0]["text"]


def test_console_admin_flag_allows_reload(tmp_path: Path) -> None:
    db_path = tmp_path / "citebot.sqlite3"
    result = run_console("/reload\n", db_path, "--json", "--admin", "--user-id", "77")
    record = json.loads(result.stdout.splitlines()[0])
    assert "Reloaded" in record["replies"][-1]["text"]


def test_console_answers_every_line_even_after_lines_it_cannot_use(tmp_path: Path) -> None:
    """INTERFACES.md promises `"replies": []` and an `"error"` for a line that cannot be used; the console used to
    die on the first such line and lose everything after it."""
    message = {"message_id": 1, "date": 0, "chat": {"id": 1001, "type": "private"},
               "from": {"id": 1001, "is_bot": False, "first_name": "A"}}
    unusable = [
        '{"update_id": 1, "message": {}}',  # no date: PTB cannot make a Message of it
        '{"update_id": "abc"}',
        '{"update_id": 7, "callback_query": 5}',
        '{"press": "\\ud83d"}',
        json.dumps({"update_id": 8, "message": {**message, "text": "/frobnicate \ud83d",
                                                 "entities": [{"type": "bot_command", "offset": 0, "length": 11}]}}),
        '{"update_id": 9, "message": {"message_id": 2, "date": 0, "chat": {"id": 1001, "type": "private"}, '
        '"text": "\\ud83d\\u0000 reversed \\u202e"}}',
    ]
    stdin = "\n".join([*unusable, "/who Patrushev"]) + "\n"
    result = run_console(stdin, tmp_path / "citebot.sqlite3", "--json")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(unusable) + 1
    for record in records[:4]:
        assert record["replies"] == [] and record["error"], record
    assert "Nikolai Patrushev" in records[-1]["replies"][0]["text"]
    readable = run_console("\xff\xfe garbled bytes\n" + stdin, tmp_path / "citebot.sqlite3", binary_in=True)
    assert readable.returncode == 0 and "Traceback" not in readable.stderr, readable.stderr[-2000:]
    assert "Nikolai Patrushev" in readable.stdout


def test_console_without_seeds_or_a_writable_index_folder_says_why_in_one_line(tmp_path: Path) -> None:
    unwritable = Path("/proc") if os.geteuid() == 0 else tmp_path / "read-only"  # root may write anywhere else
    if unwritable != Path("/proc"):
        unwritable.mkdir()
        unwritable.chmod(0o555)
    for db_path, seeds in ((unwritable / "citebot.sqlite3", SEEDS), (tmp_path / "i.sqlite3", tmp_path / "nowhere")):
        result = run_console("/who Patrushev\n", db_path, seeds=seeds)
        lines = [line for line in result.stderr.splitlines() if not line[:4].isdigit()]  # log lines start with a date
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
        assert len(lines) == 1 and lines[0].startswith("citebot console: "), lines


def test_the_console_logs_only_trouble_unless_log_level_asks_for_more(tmp_path: Path) -> None:
    db_path = tmp_path / "citebot.sqlite3"
    quiet = run_console("/who Patrushev\n", db_path)
    assert quiet.returncode == 0 and "Nikolai Patrushev" in quiet.stdout
    assert " INFO " not in quiet.stderr, quiet.stderr  # no "Application started", no line per update
    chatty = run_console("/who Patrushev\n", db_path, LOG_LEVEL="INFO")
    assert "command=who" in chatty.stderr


def test_a_button_is_pressed_by_its_number_or_its_label(tmp_path: Path) -> None:
    db_path = tmp_path / "citebot.sqlite3"
    for press in ("[1]", "[🏢 Russian Maritime Board]", '{"press": 1}', '{"press": "🏢 Russian Maritime Board"}'):
        result = run_console(f"/who Patrushev\n{press}\n", db_path)
        assert result.returncode == 0, result.stderr
        assert "\n🏢 Russian Maritime Board\n" in result.stdout, press
    result = run_console("/who Patrushev\n[9]\n", db_path)
    assert "(!) no button '9'" in result.stdout


def test_an_interactive_console_numbers_the_buttons() -> None:
    from bot.chat.console import readable
    from bot.chat.offline import ApiCall

    markup = {"inline_keyboard": [[{"text": "◀", "callback_data": "a"}, {"text": "▶", "callback_data": "b"}],
                                  [{"text": "🏢 Board", "callback_data": "c"}]]}
    call = ApiCall("sendMessage", {"text": "Page", "reply_markup": markup})
    assert readable(call).endswith("Page\n[◀] [▶]\n[🏢 Board]")
    assert readable(call, numbered=True).endswith("Page\n[1 ◀] [2 ▶]\n[3 🏢 Board]")


async def test_a_console_left_running_remembers_a_bounded_amount(
    seeds_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bug caught: the offline transport under the console kept every message, call and update it ever saw (a
    benchmark's serving process grew by 12 MB per 1,000 queries, and each line's calls were looked for among
    all of them). Now it keeps the newest of each; buttons on the newest answer still work."""
    from bot.chat import console, offline
    from bot.config import Settings

    monkeypatch.setattr(offline, "MESSAGES_KEPT", 6)
    monkeypatch.setattr(offline, "CALLS_KEPT", 40)
    monkeypatch.setattr(offline, "UPDATES_KEPT", 5)
    made: list[offline.OfflineRequest] = []

    class Remembered(offline.OfflineRequest):
        def __init__(self, **options: bool) -> None:
            super().__init__(**options)
            made.append(self)

    monkeypatch.setattr(console, "OfflineRequest", Remembered)
    db_path = tmp_path / "citebot.sqlite3"
    shutil.copy(seeds_db, db_path)
    settings = Settings(_env_file=None, bot_token=None, db_path=db_path, seeds_dir=SEEDS, admin_ids=frozenset())
    lines = ["/help", "/sources"] * 20 + ["/agreements", "[1]"]
    out = io.StringIO()
    assert await console._run(settings, 4242, None, True, io.StringIO("\n".join(lines) + "\n"), out) == 0
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == len(lines) and all(record["replies"] for record in records)
    assert "error" not in records[-1]  # the newest answer's first button was pressed
    request = made[0]
    assert all(len(messages) <= 6 for messages in request.messages.values())
    assert len(request.calls) <= 40
