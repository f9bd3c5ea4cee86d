"""citebot.sh, the README's first command, decides between `citebot run`, the offline console and stopping on bad
settings. Run here in a copy whose .venv is a stand-in: its python is this one, its `citebot` only says what it was
asked to do, and the install stamp is fresh, so nothing is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuv"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy2(REPO / "citebot.sh", tmp_path / "citebot.sh")
    shutil.copy2(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    os.utime(tmp_path / "pyproject.toml", (0, 0))
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (bin_dir / "citebot").write_text('#!/bin/sh\necho "citebot $*"\n')
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    (tmp_path / ".venv" / ".citebot-installed").touch()
    return tmp_path


def citebot_sh(project: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key.lower() not in Settings.model_fields}
    env.update(settings, PYTHONPATH=str(REPO))
    return subprocess.run(
        ["bash", str(project / "citebot.sh")], env=env, cwd=project, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=60,
    )


def test_with_a_token_it_runs_the_bot(project: Path) -> None:
    done = citebot_sh(project, BOT_TOKEN=TOKEN)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["citebot run"]


def test_without_a_token_it_opens_the_console_and_says_how_to_get_one(project: Path) -> None:
    done = citebot_sh(project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["citebot index --if-stale", "citebot console"]
    assert "BotFather" in done.stderr and "BOT_TOKEN" in done.stderr


@pytest.mark.parametrize("token", [TOKEN, ""], ids=["token", "no-token"])
def test_bad_settings_stop_it_in_one_line_naming_the_variable(project: Path, token: str) -> None:
    done = citebot_sh(project, BOT_TOKEN=token, ADMIN_IDS="me")
    assert done.returncode == 2
    assert done.stdout == "", "neither the bot nor the console was started"
    [line] = done.stderr.splitlines()
    assert line.startswith("citebot: bad setting ADMIN_IDS") and TOKEN not in line
