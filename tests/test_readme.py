"""The README's sample conversation is what the bot prints: each `you:` line is sent to the console's bot over the
seeds, and its replies, as `citebot console` shows them, must be the `citebot:` lines beneath it."""

from __future__ import annotations

import io
import re
from pathlib import Path

from bot.chat.console import _run
from bot.config import Settings
from tests.conftest import ROOT, SEEDS

INDENT = " " * len("citebot: ")


def readme_conversation() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## A conversation") :]
    return re.search(r"```\n(you: .*?)\n```", section, flags=re.S).group(1)


async def test_the_readme_conversation_is_what_the_console_prints(tmp_path: Path) -> None:
    shown = readme_conversation()
    inputs = re.findall(r"^you: +(.*)$", shown, flags=re.M)
    assert len(inputs) >= 3
    settings = Settings(_env_file=None, db_path=tmp_path / "citebot.sqlite3", seeds_dir=SEEDS)
    printed = []
    for line in inputs:  # one console per line, as the replies of one line end where the next line's begin
        stdout = io.StringIO()
        await _run(settings, 1001, None, False, io.StringIO(line + "\n"), stdout)
        lines = stdout.getvalue().rstrip("\n").split("\n")
        printed.append("\n".join([f"you:     {line}", "citebot: " + lines[0], *(INDENT + l if l else "" for l in lines[1:])]))
    assert "\n\n".join(printed) == shown
