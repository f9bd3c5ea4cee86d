"""Is the bot alive? The running bot refreshes a heartbeat file (bot.chat.watch); `citebot health` (the image's
HEALTHCHECK) and the webhook server's /healthz read the heartbeat. Kept apart from the chat layer so a health
check starts fast and imports no Telegram library."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bot.models import plural

if TYPE_CHECKING:
    from bot.config import Settings

STALE_AFTER = 3  # heartbeats missed before the bot counts as stuck


def alive(settings: Settings, heartbeat_at: float | None) -> tuple[bool, str]:
    """For /healthz: whether this process's heartbeat is recent (within STALE_AFTER intervals)."""
    if heartbeat_at is None:
        return False, "no heartbeat yet"
    age = time.monotonic() - heartbeat_at
    limit = STALE_AFTER * settings.heartbeat_interval
    if age > limit:
        return False, f"the last heartbeat was {age:.0f} s ago (more than {limit:.0f} s): updates are not being handled"
    return True, f"heartbeat {age:.1f} s ago"


def check(settings: Settings, now: float | None = None) -> tuple[bool, str]:
    """`citebot health`: whether the heartbeat file is recent, and the index opens and holds articles."""
    path = settings.heartbeat_path
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        at = float(record["at"])
    except FileNotFoundError:
        return False, f"no heartbeat file at {path}: the bot is not running (or still starting)"
    except (OSError, ValueError, KeyError, TypeError) as error:
        return False, f"cannot read the heartbeat file {path}: {error}"
    age = (now if now is not None else time.time()) - at
    limit = STALE_AFTER * settings.heartbeat_interval
    if age > limit:
        return False, (f"the last heartbeat (process {record.get('pid')}) was {age:.0f} s ago, more than {limit:.0f} s: "
                       "the bot is stuck or stopped")
    from bot.index.build import read_only

    try:
        with read_only(Path(settings.db_path)) as con:
            articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    except Exception as error:  # noqa: BLE001 - whatever it is, the index cannot answer
        return False, f"the index {settings.db_path} cannot be read: {error}"
    if not articles:
        return False, f"the index {settings.db_path} holds no article"
    return True, f"ok: heartbeat {age:.1f} s ago (process {record.get('pid')}), {plural(articles, 'article')} indexed"
