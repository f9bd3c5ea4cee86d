"""Stateless callback data (≤ 64 bytes) and deep-link payloads: everything a button needs is in its data.

Formats:
    p:<view>:<page>:<arg>   a page of a paginated answer (a view code of `bot.chat.views.VIEWS`; arg may be empty
                            or contain ':'), edited into the message the button is under
    o:<view>:<arg>          page 1 of another answer (the search a /who offers, all agreements), as a new message
    w:<ref>                 open a person or organisation: its entity key, or `~<digest>` for a key that is too
                            long or odd for callback data (the index resolves the digest)
    s:<key>                 open a sector by taxonomy key
    n                       the page indicator; does nothing
    F:<kind>:<ref>          follow a person or organisation (kind `w`, an entity ref) or a sector (`s`, its key)
    U:<kind>:<ref>          stop following it
    tl:<filter>             the agreements matching an /agreements filter on a timeline (a picture, a new message)
    nt:<seq>:<page>         a page of the presser's follow notification number <seq> (kept in the follow store)
Because nothing is kept in memory, a button still works after a restart and on any replica.

Each kind has a pattern the Application routes presses by (`CallbackQueryHandler(pattern=...)`); `parse` then
reads the data in full (its length in bytes included) and gives None for anything this bot never produced.
Deep links (`/start <payload>`) likewise have a pattern per kind for `filters.Regex`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from bot.text import DIGEST_PREFIX, key_digest

MAX_CALLBACK_BYTES = 64
MAX_REF_BYTES = 40  # an entity key longer than this travels as its digest, leaving room for `p:w:999:`

NOOP = "n"
NOOP_PATTERN = re.compile(rf"{NOOP}\Z")
OPEN_PATTERN = re.compile(r"([ws]):([\w.~-]{1,62})\Z", flags=re.ASCII)
FOLLOW_PATTERN = re.compile(r"([FU]):([ws]):([\w.~-]{1,60})\Z", flags=re.ASCII)
NOTICE_PATTERN = re.compile(r"nt:([0-9]{1,12}):([0-9]{1,3})\Z")
TIMELINE_PATTERN = re.compile(r"tl:(.*)\Z", flags=re.S)
_PAGE = re.compile(r"p:([a-z]+):([0-9]{1,3}):(.*)", flags=re.S)
_OPEN_VIEW = re.compile(r"o:([a-z]+):(.*)", flags=re.S)


@dataclass(frozen=True)
class PageRef:
    view: str  # a view code: a key of bot.chat.views.VIEWS
    arg: str
    page: int  # 1-based


@dataclass(frozen=True)
class Open:
    kind: str  # "w" | "s"
    key: str


@dataclass(frozen=True)
class OpenView:
    view: str  # a view code: a key of bot.chat.views.VIEWS
    arg: str


@dataclass(frozen=True)
class FollowPress:
    follow: bool  # False: unfollow
    kind: str  # "w" | "s"
    ref: str


@dataclass(frozen=True)
class NoticePage:
    seq: int
    page: int


def follow_data(kind: str, key: str, follow: bool = True) -> str | None:
    """`F:<kind>:<ref>` (or `U:` to unfollow); None when a sector key cannot fit."""
    ref = entity_ref(key) if kind == "w" else key
    data = f"{'F' if follow else 'U'}:{kind}:{ref}"
    return data if FOLLOW_PATTERN.fullmatch(data) else None


def parse_follow(data: str | None) -> FollowPress | None:
    match = FOLLOW_PATTERN.fullmatch(data or "")
    return FollowPress(match.group(1) == "F", match.group(2), match.group(3)) if match else None


def timeline_data(filter_text: str) -> str | None:
    """`tl:<filter>`; None when the filter cannot fit (a button would show another timeline)."""
    data = f"tl:{' '.join(filter_text.split())}"
    return data if len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES else None


def parse_timeline(data: str | None) -> str | None:
    """The filter a `tl:` button carries, or None for data of another kind or too long."""
    try:
        if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            return None
    except UnicodeEncodeError:
        return None
    match = TIMELINE_PATTERN.fullmatch(data)
    return " ".join(match.group(1).split()) if match else None


def notice_data(seq: int, page: int) -> str:
    return f"nt:{seq}:{page}"


def parse_notice(data: str | None) -> NoticePage | None:
    match = NOTICE_PATTERN.fullmatch(data or "")
    if match is None or int(match.group(2)) < 1:
        return None
    return NoticePage(int(match.group(1)), int(match.group(2)))


def fits(view: str, arg: str, page: int) -> bool:
    return len(f"p:{view}:{page}:{arg}".encode("utf-8")) <= MAX_CALLBACK_BYTES


def page_data(view: str, arg: str, page: int) -> str:
    data = f"p:{view}:{page}:{arg}"
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


_REF = re.compile(r"[\w.~-]{1,62}", flags=re.ASCII)


def entity_ref(key: str) -> str:
    """How an entity key travels in buttons: itself when short and plain, else its digest (`~3f2a…`)."""
    if len(key.encode("utf-8")) <= MAX_REF_BYTES and _REF.fullmatch(key) and not key.startswith(DIGEST_PREFIX):
        return key
    return DIGEST_PREFIX + key_digest(key)


def open_view_data(view: str, arg: str) -> str:
    """`o:<view>:<arg>`: another answer, sent as a new message (the argument cut as `fit_arg` cuts it)."""
    data = f"o:{view}:{arg}"
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def open_data(kind: str, key: str) -> str | None:
    """`w:<ref>` / `s:<key>`, or None when a sector key cannot fit (then the caller shows no button)."""
    data = f"{kind}:{entity_ref(key) if kind == 'w' else key}"
    return data if len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES and _REF.fullmatch(data[2:]) else None


def fit_arg(view: str, text: str) -> str:
    """The free-text argument as it will travel in page buttons: whitespace-normalised, cut on a word
    boundary so that `p:<view>:<3-digit page>:<arg>` fits in 64 bytes. Handlers query with this same text on
    every page, so page 1 and page 5 always come from the same query."""
    text = " ".join(text.split())
    budget = MAX_CALLBACK_BYTES - len(f"p:{view}:999:".encode())
    if len(text.encode("utf-8")) <= budget:
        return text
    cut = text.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.strip()


def parse(data: str | None) -> PageRef | Open | OpenView | str | None:
    """A PageRef, an Open, an OpenView, NOOP, or None for data this bot never produced (stale, forged, garbage)."""
    try:
        if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            return None
    except UnicodeEncodeError:  # a lone surrogate: no client sends that, a forged update may
        return None
    if data == NOOP:
        return NOOP
    match = _PAGE.fullmatch(data)
    if match and match.group(1) in _view_codes() and int(match.group(2)) >= 1:
        return PageRef(match.group(1), match.group(3), int(match.group(2)))
    match = OPEN_PATTERN.fullmatch(data)
    if match:
        return Open(match.group(1), match.group(2))
    match = _OPEN_VIEW.fullmatch(data)
    if match and match.group(1) in _view_codes():
        return OpenView(match.group(1), match.group(2))
    return None


def page_pattern() -> re.Pattern[str]:
    """Presses of a page button of a registered view (`p:<code>:`), to route by; `parse` reads the rest."""
    codes = "|".join(re.escape(code) for code in sorted(_view_codes(), key=len, reverse=True))
    return re.compile(rf"p:(?:{codes}):")


def open_view_pattern() -> re.Pattern[str]:
    """Presses of a button that opens another answer of a registered view (`o:<code>:`)."""
    codes = "|".join(re.escape(code) for code in sorted(_view_codes(), key=len, reverse=True))
    return re.compile(rf"o:(?:{codes}):")


def _view_codes() -> Collection[str]:
    from bot.chat.views import VIEWS  # the registry renders, and rendering makes callback data: imported when used

    return VIEWS.keys()


# ---------------------------------------------------------------- deep links (t.me/<bot>?start=<payload>)

_PAYLOAD = "[A-Za-z0-9_-]{1,64}"  # what Telegram lets a start parameter be
_WORDS = r"[A-Za-z0-9_-]*[A-Za-z0-9][A-Za-z0-9_-]*"  # words joined by - or _; at least one letter or digit
DEEP_LINKS = {  # kind → its payloads
    "help": r"help",
    "who": r"who_[A-Za-z0-9_-]+",  # who_<entity key>; who_-<digest> for a key too long or odd for a link
    "sector": r"sector_[A-Za-z0-9_-]+",  # sector_<sector key>
    "search": rf"search_{_WORDS}",  # search_<words>
    "named": rf"named_{_WORDS}",  # the sentences naming a name no entry has
    "agreements": rf"agreements(?:_{_WORDS})?",  # agreements[_<filter words>]
    "timeline": rf"timeline(?:_{_WORDS})?",  # timeline[_<filter words>]
    "sources": r"sources",
    "figures": r"figures",
}
_WORD_KINDS = {"search", "named", "agreements", "timeline"}
# the view a deep link opens → how its argument travels (the kinds whose handler is the generic one)
VIEW_LINKS = {"w": "who", "s": "sector", "q": "search", "m": "named", "a": "agreements", "src": "sources", "f": "figures"}
LINK_VIEWS = {kind: view for view, kind in VIEW_LINKS.items()}
MAX_PAYLOAD = 64


def deep_link(kind_or_view: str, arg: str = "") -> str | None:
    """The `/start` payload that opens an answer again — by its view code (`w`, `q` …) or deep-link kind
    (`timeline`) and its argument — or None when the argument cannot travel in a link (a word in another script,
    over 64 characters)."""
    kind = VIEW_LINKS.get(kind_or_view, kind_or_view)
    if kind not in DEEP_LINKS:
        return None
    if kind in ("sources", "figures", "help"):
        payload = kind
    elif kind in _WORD_KINDS:
        words = "-".join(arg.split())
        payload = f"{kind}_{words}" if words else kind
    elif kind == "who" and arg.startswith(DIGEST_PREFIX):
        payload = f"who_-{arg[len(DIGEST_PREFIX):]}"
    else:
        payload = f"{kind}_{arg}"
    if len(payload) > MAX_PAYLOAD or not re.fullmatch(DEEP_LINKS[kind], payload):
        return None
    return payload


def deep_link_url(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"


def start_pattern(kind: str) -> str:
    """`/start <payload>` (or `/start@bot …`) where the payload, the first word after it, is a deep link of
    `kind`; for `filters.Regex`. The same payloads as `parse_deep_link` reads."""
    return rf"^/(?i:start)(?:@[A-Za-z0-9_]+)?\s+(?={_PAYLOAD}(?:\s|$))(?:{DEEP_LINKS[kind]})(?:\s|$)"


def parse_deep_link(payload: str) -> tuple[str, str] | None:
    """("who", key) | ("sector", key) | ("search", text) | ("help", "") or None."""
    if not re.fullmatch(_PAYLOAD, payload or ""):
        return None
    kind = next((kind for kind, pattern in DEEP_LINKS.items() if re.fullmatch(pattern, payload)), None)
    if kind is None:
        return None
    rest = payload.partition("_")[2]
    if kind in _WORD_KINDS:
        return (kind, " ".join(re.split(r"[-_]+", rest)).strip())
    if kind == "who" and rest.startswith("-"):  # who_-<digest>: entity keys never start with '-'
        return (kind, DIGEST_PREFIX + rest[1:])
    return (kind, rest)
