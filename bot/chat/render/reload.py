"""The /reload messages: progress, the report of a rebuild (what changed, what was skipped and why), a failure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.chat.render.fragments import echo, fact_counts
from bot.chat.render.pager import LIMIT
from bot.chat.telegram_limits import utf16_len
from bot.models import Skipped, plural

if TYPE_CHECKING:
    from bot.index.build import BuildReport

FILE_NAME_UNITS = 80  # of a skipped file's name in the reload report
REASON_UNITS = 200  # of the reason it was skipped
ARTICLE_ID_UNITS = 40  # of an added, changed or removed article's id


def reload_progress(done: int, total: int, file_name: str) -> str:
    return f"🔄 Rebuilding the index… read {done}/{total} files (last: <code>{echo(file_name, FILE_NAME_UNITS)}</code>)"


def reload_interrupted() -> str:
    return "⏹ Reload interrupted: the bot is stopping. The previous index is unchanged; send /reload again later."


def _item_line(item: Skipped) -> str:
    return f"• <code>{echo(item.file, FILE_NAME_UNITS)}</code>: {echo(item.reason, REASON_UNITS)}"


def reload_failed(error: str, skipped: Sequence[Skipped] = ()) -> str:
    head = [f"❌ Reload failed: {echo(error, 600)}", "The previous index is still answering; nothing changed."]
    return _report(head, [(f"<b>Skipped {plural(len(skipped), 'file')}</b>", skipped)])


def reload_report(report: BuildReport) -> str:
    """The summary of a successful reload: what is indexed now, what changed, what was skipped and why."""
    head = [
        f"✅ Reloaded: <b>{plural(report.articles, 'article')}</b>, {plural(report.sentences, 'sentence')}"
        f" in {report.seconds:.1f} s.",
        fact_counts(report) + ".",
    ]
    for label, items in (("Added", report.added), ("Changed", report.changed), ("Removed", report.removed)):
        listed = ", ".join(echo(item, ARTICLE_ID_UNITS) for item in items[:20])  # 3 × 20 × 40 leave room below
        listed = f" — {listed}{'…' if len(items) > 20 else ''}" if items else ""
        head.append(f"{label}: {plural(len(items), 'article')}{listed}")
    if not report.skipped:
        head.append("Skipped: none")
    return _report(head, [
        (f"<b>Skipped {plural(len(report.skipped), 'file')}</b>", report.skipped),
        (f"<b>Indexed with remarks ({len(report.warnings)})</b>", report.warnings),
    ])


def _report(head: Sequence[str], sections: Sequence[tuple[str, Sequence[Skipped]]]) -> str:
    """A one-message status (the reload report): the head, then each non-empty section's files with their
    reasons for as long as the message has room, counted in UTF-16 units as Telegram does; a list that does
    not fit ends with how many more there are ("… and 380 more")."""
    lines = list(head)
    size = utf16_len("\n".join(lines))
    reserve = 40  # room for the "… and N more" line
    for title, items in sections:
        if not items:
            continue
        if size + utf16_len(title) + 2 + reserve > LIMIT:
            break
        lines += ["", title]
        size += utf16_len(title) + 2
        for number, item in enumerate(items):
            line = _item_line(item)
            if size + utf16_len(line) + 1 + reserve > LIMIT:
                lines.append(f"<i>… and {len(items) - number} more</i>")
                size += reserve
                break
            lines.append(line)
            size += utf16_len(line) + 1
    return "\n".join(lines)
