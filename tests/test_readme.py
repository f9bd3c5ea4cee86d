"""The README's sample conversation is what the bot prints: each `you:` line is sent to the console's bot over the
seeds, and its replies, as `citebot console` shows them, must be the `citebot:` lines beneath it. So are its
follow notification (after a /reload that adds an article) and its timeline picture (docs/timeline.png)."""

from __future__ import annotations

import io
import re
import shutil
import sys
from pathlib import Path

from PIL import Image

from bot.chat.app import build_application
from bot.chat.console import _run, readable
from bot.chat.offline import Conversation, OfflineRequest, running
from bot.chat.telegram_limits import html_to_text
from bot.config import Settings
from tests.conftest import ROOT, SEEDS

UNSEEN = ROOT / "tests" / "data" / "unseen" / "101_brazil_india.txt"
FOLLOWED = "/follow energy"
ADDED = "(an article on biofuels is added to the seeds, and an admin sends /reload)"

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


def readme_block(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    return re.search(r"```\n(.*?)\n```", section, flags=re.S).group(1)


def as_console(said: str, calls: list) -> str:  # noqa: ANN001
    """`you:`/`citebot:` lines as the README shows them, from what the console prints for these calls."""
    lines = "\n\n".join(text for text in map(readable, calls) if text).split("\n")
    reply = "\n".join(["citebot: " + lines[0], *(INDENT + l if l else "" for l in lines[1:])])
    return f"you:     {said}\n{reply}" if said else reply


async def follow_notification(tmp_path: Path) -> str:
    """A user follows a sector; an article about it is added and /reload sent: what the user reads."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    settings = Settings(_env_file=None, db_path=tmp_path / "citebot.sqlite3", seeds_dir=seeds, admin_ids=frozenset({1002}))
    request = OfflineRequest()
    application = build_application(settings, request)
    async with running(application):
        user, admin = Conversation(application, request, user_id=1001), Conversation(application, request, user_id=1002)
        followed = await user.send(FOLLOWED)
        shutil.copy(UNSEEN, seeds / UNSEEN.name)
        reloaded = await admin.send("/reload")
    notices = [call for call in reloaded if call.method == "sendMessage" and call.params["chat_id"] == 1001]
    return "\n\n".join([as_console(FOLLOWED, followed), ADDED, as_console("", notices)])


async def test_the_readme_follow_notification_is_what_the_bot_sends(tmp_path: Path) -> None:
    assert await follow_notification(tmp_path) == readme_block("## Following")


async def test_the_readme_timeline_picture_is_what_timeline_draws() -> None:
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import pictures
    finally:
        sys.path.remove(str(ROOT / "docs"))
    png, caption = await pictures.timeline()
    drawn, committed = Image.open(io.BytesIO(png)), Image.open(pictures.TIMELINE)
    assert drawn.size == committed.size == (1000, 560)
    assert drawn.tobytes() == committed.convert(drawn.mode).tobytes(), "run `python docs/pictures.py` again"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/timeline.png)" in readme
    assert html_to_text(caption).split("\n")[0] in readme_conversation()  # the conversation shows the same answer
