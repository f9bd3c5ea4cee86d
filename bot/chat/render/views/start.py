"""/start: who the bot is, what it holds, and examples to tap; the reply to a command it does not know."""

from __future__ import annotations

from collections.abc import Sequence

from bot.chat.render.fragments import echo, esc, fact_counts
from bot.chat.render.pager import Button, Screen
from bot.models import Stats, plural

STALE_LINK = "That link points to something I no longer hold."


def start(stats: Stats, examples: Sequence[Button], bot_name: str = "citebot", stale_link: bool = False) -> Screen:
    """The greeting; `stale_link` when it answers a deep link to something the index no longer holds."""
    lines = [STALE_LINK, ""] if stale_link else []
    lines += [f"Hi! I'm <b>{esc(bot_name)}</b>. I answer questions about news articles and quote the exact sentence behind every fact, with its outlet, date and link."]
    if stats.articles:
        outlets = ", ".join(stats.outlets[:5]) + ("…" if len(stats.outlets) > 5 else "")
        span = ""
        if stats.first_date and stats.last_date:
            span = (
                f", {stats.first_date.isoformat()}"
                if stats.first_date == stats.last_date
                else f", {stats.first_date.isoformat()} to {stats.last_date.isoformat()}"
            )
        lines.append(
            f"\nI hold <b>{plural(stats.articles, 'article')}</b> ({esc(outlets)}{span}): {fact_counts(stats)}."
        )
    else:
        lines.append("\nNo articles are indexed yet.")
    lines.append("\nTry one of these, or /help for every command:")
    return Screen(["\n".join(lines)], [[button] for button in examples])


def unknown_command(command: str) -> str:
    return f"I don't know the command {echo(command, 40)}. /help lists what I can do."
