"""The pictures the README shows, made by the bot itself from the bundled seeds, so they stay true:
`python docs/pictures.py` writes docs/timeline.png — what `/timeline` sends — and prints its caption.
`tests/test_readme.py` makes the same picture and checks the committed one against it."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.chat.app import build_application  # noqa: E402
from bot.chat.offline import Conversation, OfflineRequest, running  # noqa: E402
from bot.config import Settings  # noqa: E402

TIMELINE = ROOT / "docs" / "timeline.png"
TIMELINE_COMMAND = "/timeline"


async def timeline(seeds: Path = ROOT / "seeds") -> tuple[bytes, str]:
    """The PNG and the caption `/timeline` answers with over `seeds` (the index built in a temporary folder)."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, db_path=Path(folder) / "citebot.sqlite3", seeds_dir=seeds)
        request = OfflineRequest()
        application = build_application(settings, request)
        async with running(application):
            calls = await Conversation(application, request).send(TIMELINE_COMMAND)
    [photo] = [call for call in calls if call.method == "sendPhoto"]
    assert photo.photo is not None and photo.caption is not None
    return photo.photo, photo.caption


def main() -> None:
    png, caption = asyncio.run(timeline())
    TIMELINE.write_bytes(png)
    print(f"wrote {TIMELINE.relative_to(ROOT)} ({len(png):,} bytes)\n{caption}")


if __name__ == "__main__":
    main()
