"""The command table: one source for `/help`, the `setMyCommands` menus (private chats, group chats, in English
and in the languages of `command_texts.json`) and the handler registry."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from telegram import BotCommand


@dataclass(frozen=True)
class Command:
    name: str  # ≤ 32 chars of a-z0-9_
    args: str  # how the argument is written in /help, "" when none
    description: str  # menu text (3–256 chars)
    admin: bool = False
    in_groups: bool = True  # in the menu of group chats (/start only makes sense in a private chat)


COMMANDS: tuple[Command, ...] = (
    Command("who", "<name>", "A person or organisation (or how the articles call them), with what they say"),
    Command("sector", "[name]", "Facts of a sector (energy, nuclear, education…); no name lists them"),
    Command("agreements", "[topic] [status] [year]", "Documents signed, adopted, planned or under negotiation"),
    Command("search", "<words>", "Full-text search over every sentence"),
    Command("timeline", "[topic] [status] [year]", "The agreements on a timeline, as a picture"),
    Command("figures", "", "The numbers in the articles and what they measure"),
    Command("sources", "", "The indexed articles: outlet, date, link"),
    Command("follow", "<name or sector>", "Get new sentences about a person, organisation or sector"),
    Command("following", "", "What you follow, with buttons to stop"),
    Command("unfollow", "[name]", "Stop following something"),
    Command("help", "", "What this bot can do"),
    Command("start", "", "Introduction and examples", in_groups=False),
    Command("reload", "", "Rebuild the index from the seed folder (admins)", admin=True),
)

PUBLIC = tuple(c for c in COMMANDS if not c.admin)


MENU_LANGUAGES = ("ru", "vi")  # the menus also published with these language codes


@cache
def translations() -> dict[str, dict[str, str]]:
    """language code → command name → its menu description (`command_texts.json`, beside this module)."""
    data = json.loads((Path(__file__).with_name("command_texts.json")).read_text(encoding="utf-8"))
    return {language: dict(texts) for language, texts in data.items()}


def bot_commands(include_admin: bool = False, language: str | None = None, groups: bool = False) -> list[BotCommand]:
    """The menu: public commands (`include_admin`: /reload too), for private chats or, with `groups`, group
    chats (no /start); descriptions in `language` where the table has them, English otherwise."""
    chosen = [c for c in (COMMANDS if include_admin else PUBLIC) if c.in_groups or not groups]
    texts = translations().get(language or "", {})
    return [BotCommand(c.name, texts.get(c.name, c.description)) for c in chosen]


def help_text(is_admin: bool = False, bot_username: str | None = None) -> str:
    """HTML for /help, generated from COMMANDS so it cannot drift from the command menu."""
    lines = ["<b>citebot</b> answers from news articles and quotes the exact sentence behind every fact.", ""]
    for command in COMMANDS if is_admin else PUBLIC:
        usage = f"/{command.name}" + (f" {html.escape(command.args)}" if command.args else "")
        lines.append(f"{usage} — {html.escape(command.description)}")
    lines += [
        "",
        "Names work in any spelling: with or without accents, in Cyrillic, surname only, with typos.",
        "In a private chat, any plain text is a search; a question works too (what did the minister say about oil).",
    ]
    if bot_username:
        lines.append(f"In any chat, type @{html.escape(bot_username)} and a few words to share a cited quote.")
    return "\n".join(lines)


_COMMAND = re.compile(r"/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?")


def addressed_to(text: str, chat_type: str, bot_username: str | None) -> bool:
    """Whether a message starting with a command is meant for this bot: `/x@thisbot` anywhere, a bare `/x`
    only in a private chat (in a group it may be any member bot's), `/x@otherbot` never."""
    match = _COMMAND.match(text)
    if match is None:
        return False
    if match.group(1) is not None:
        return bool(bot_username) and match.group(1).lower() == (bot_username or "").lower()
    return chat_type == "private"
