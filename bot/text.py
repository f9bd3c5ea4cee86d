"""Text utilities shared by ingest, the index and the chat layer: folding names for matching, the word regexes,
stop words, the short stand-in for a long key. One module, so the chat layer never imports ingest and every layer
folds a name the same way.

Folding: case, diacritics (Lê Văn An = Le Van An), Cyrillic (Иванов = Ivanov), punctuation. Searching: the
spellings of one place or country name (Viet Nam = Vietnam = Việt Nam, Hà Nội = Hanoi, Moskva = Moscow; the table
is `ingest/lexicon/spellings.json`) are one word, at index time and in every query.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
CACHED_FOLD_LENGTH = 200  # names and words are short; longer text is folded without filling the cache

# a word as users and articles write it: letters and digits, with inner apostrophes, hyphens, dots and ampersands
WORD = re.compile(r"[^\W_](?:[\w’'&.\-]*[\w])?")

# a run of word characters: a word as the full-text index splits a query and as answers bold the words it matched
TOKEN = re.compile(r"\w+")

STOP_WORDS = frozenset(
    "a an the of on in for to and or with by between through from at as is are was were be been has have had it its "
    "this that these those their his her what who whom which about did does do say says said tell me show any all "
    "how when where why there here than then also into over under not no".split()
)
# short words that join the words of a name or phrase (`oil and gas`, `Bank of Russia`): a highlighted answer
# bolds them only next to a matched word
FUNCTION_WORDS = frozenset("a an and are as at be by for from in is it of on or the to with".split())

DIGEST_PREFIX = "~"  # entity keys are slugs and never start with it

# What a greeting is made of, folded (English, Russian, Vietnamese): plain text of only these words is a hello,
# answered with what the bot does rather than searched for.
GREETING_WORDS = frozenset(
    "hello hi hey hiya howdy yo greetings hallo good morning afternoon evening day there all everyone bot citebot "
    "dear friend privet zdravstvuyte zdravstvuy dobryy den utro vecher xin chao ban".split()
)
_GREETINGS = frozenset("hello hi hey hiya howdy greetings hallo morning afternoon evening privet zdravstvuyte zdravstvuy chao".split())


_LEXICON = Path(__file__).parent / "ingest" / "lexicon"


@cache
def _cyrillic() -> tuple[dict[str, str], dict[str, str]]:
    table = json.loads((_LEXICON / "cyrillic.json").read_text(encoding="utf-8"))
    return table["letters"], table["initial"]


def transliterate(text: str) -> str:
    """Russian Cyrillic letters to Latin; other characters pass through."""
    if text.isascii() or not _CYRILLIC.search(text):
        return text
    letters, initial = _cyrillic()
    out: list[str] = []
    previous = ""
    for char in text:
        low = char.lower()
        if low in letters:
            at_word_start = not previous.isalpha()
            out.append(initial[low] if at_word_start and low in initial else letters[low])
        else:
            out.append(char)
        previous = char
    return "".join(out)


class _Marks(dict):
    """str.translate's table dropping combining marks: each code point is asked of unicodedata once."""

    def __missing__(self, point: int) -> int | None:
        kept = None if unicodedata.combining(chr(point)) else point
        self[point] = kept
        return kept


_MARKS = _Marks()


def strip_marks(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    if decomposed.isascii():
        return decomposed
    return decomposed.translate(_MARKS)


_NON_WORD = re.compile(r"[^\w]+")
_PUNCT = re.compile(r"[‘’`´]")
_POSSESSIVE = re.compile(r"'s\b")


def fold(text: str, keep_punct: bool = False) -> str:
    """Lower-case ASCII-ish form: `Lê Văn An` → `le van an`, `Иванов` → `ivanov`.

    With keep_punct the string keeps its punctuation and spacing (for tagging sentences); without it,
    punctuation becomes single spaces (for comparing names). Short strings are cached (bounded), long ones not.
    """
    cache = _FOLDED_PUNCT if keep_punct else _FOLDED
    folded = cache.get(text)
    if folded is None:
        folded = _fold(text, keep_punct)
        if len(text) <= CACHED_FOLD_LENGTH:
            if len(cache) >= _FOLDS_KEPT:
                cache.clear()
            cache[text] = folded
    return folded


_FOLDED: dict[str, str] = {}  # short text → fold(text); a plain dict, looked up by the string alone
_FOLDED_PUNCT: dict[str, str] = {}  # the same with keep_punct
_FOLDS_KEPT = 65_536


def _fold(text: str, keep_punct: bool) -> str:
    folded = strip_marks(transliterate(text)).lower()
    folded = _PUNCT.sub("'", folded)
    if keep_punct:
        return folded
    folded = _POSSESSIVE.sub("", folded).replace("'", "")
    return " ".join(_NON_WORD.sub(" ", folded).split())


def alternation(phrases: list[str] | tuple[str, ...] | set[str] | frozenset[str]) -> str:
    """A regex (without a group around it) matching any of the phrases, the longest that matches at a position
    winning, as a longest-first alternation `a b c|a b|x` does; written as a tree of their common beginnings
    (`a b(?: c)?|x`), so the regex engine tries a few branches at each position instead of every phrase."""
    tree: dict[str, dict] = {}
    for phrase in phrases:
        node = tree
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict[str, dict]) -> str:
        ends = "" in node
        options = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not options:
            return ""
        body = options[0] if len(options) == 1 and not ends else "(?:" + "|".join(options) + ")"
        return body + "?" if ends else body

    return branch(tree) if phrases else "(?!)"


def compact(text: str) -> str:
    """The matching key of a name: folded, without spaces (`Việt Nam` = `Vietnam`)."""
    return fold(text).replace(" ", "")


def words(text: str) -> list[str]:
    """The folded words of text, in order."""
    return [word for raw in WORD.findall(text) for word in fold(raw).split()]


def content_words(text: str) -> list[str]:
    """Folded words without stop words: what a question is about."""
    return [word for word in words(text) if word not in STOP_WORDS]


def slug(text: str, limit: int = 40) -> str:
    """A short ASCII key for callback data and deep links (`a-z0-9-` only, at most `limit` bytes).

    A name in a script that does not fold to ASCII (Chinese, Arabic …) gets a stable hash instead.
    """
    folded = fold(text).replace(" ", "-")
    if not folded.isascii() or not folded.strip("-"):
        return "x-" + hashlib.sha1(text.encode()).hexdigest()[:12]
    return folded[:limit].strip("-")


def key_digest(key: str) -> str:
    """A short stable stand-in for an entity key, for places with no room for the key (64-byte callback data)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- words as the search index holds them


@cache
def _spellings() -> tuple[dict[tuple[str, ...], str], dict[str, int]]:
    """Folded words of each spelling → the one word its name is searched by (the first spelling, compact), and
    for each first word the longest spelling starting with it."""
    table = json.loads((_LEXICON / "spellings.json").read_text(encoding="utf-8"))
    runs: dict[tuple[str, ...], str] = {}
    for group in table["names"]:
        name = compact(group[0])
        for spelling in group:
            words = tuple(fold(spelling).split())
            if words:
                runs.setdefault(words, name)
                runs.setdefault((compact(spelling),), name)  # 'Haiphong' for 'Hai Phong'
    longest: dict[str, int] = {}
    for words in runs:
        longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return runs, longest


def search_tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    """The words of `text` as search matches them: (folded word, start, end) per word, where the spellings of one
    name become the one word it is searched by (`Việt Nam` → ('vietnam', start of Việt, end of Nam)). An
    answer's sentences are tokenized again by every query that shows them: those up to a few hundred characters
    are kept (a bounded number of them)."""
    if len(text) <= _KEPT_TEXT:
        return _kept_search_tokens(text)
    return _search_tokens(text)


_KEPT_TEXT = 600


@lru_cache(maxsize=2048)
def _kept_search_tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    return _search_tokens(text)


def _search_tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    return tuple(_named(_word_tokens(text)))


_RUN_WORDS: dict[str, tuple[str, ...]] = {}  # a run of word characters → its folded words (a plain cache)
_SIMPLE: dict[str, str] = {}  # a run → its folded word when it is one word that no spelling changes, else ""
_RUNS_KEPT = 131_072


def _run_words(raw: str) -> tuple[str, ...]:
    parts = _RUN_WORDS.get(raw)
    if parts is None:
        if len(_RUN_WORDS) >= _RUNS_KEPT:
            _RUN_WORDS.clear()
        parts = _RUN_WORDS[raw] = tuple(fold(raw).split())
    return parts


def _word_tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) of each word of each run of word characters, in order."""
    tokens: list[tuple[str, int, int]] = []
    for match in TOKEN.finditer(text):
        start, end = match.span()
        for word in _run_words(match.group()):
            tokens.append((word, start, end))
    return tokens


def _named(tokens: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The tokens with the words of each spelling of a name as the one word it is searched by, longest first."""
    runs, longest = _spellings()
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(tokens):
        most = longest.get(tokens[i][0], 0)
        for n in range(min(most, len(tokens) - i), 0, -1):
            name = runs.get(tuple(word for word, _, _ in tokens[i : i + n]))
            if name is not None:
                out.append((name, tokens[i][1], tokens[i + n - 1][2]))
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _simple(raw: str) -> str:
    """The run's one folded word when it folds to exactly one and no spelling starts with it (or the only one
    that does is the word itself), so that a sentence of such runs is its words; "" otherwise."""
    parts = _run_words(raw)
    word = ""
    if len(parts) == 1:
        runs, longest = _spellings()
        if longest.get(parts[0], 0) <= 1 and runs.get((parts[0],), parts[0]) == parts[0]:
            word = parts[0]
    if len(_SIMPLE) >= _RUNS_KEPT:
        _SIMPLE.clear()
    _SIMPLE[raw] = word
    return word


def query_words(text: str) -> list[str]:
    """The folded words a query searches for, spellings of one name as one word (`Hà Nội` → ['hanoi'])."""
    return [word for word, _, _ in search_tokens(text)]


def searchable(text: str) -> str:
    """What the full-text index holds for a text: its folded words, and after the words of a name spelled one of
    several ways the one word that name is searched by (`Việt Nam` → `viet nam vietnam`), so a query for either
    spelling finds it while its own words stay searchable too."""
    out: list[str] = []
    simple = _SIMPLE
    for raw in TOKEN.findall(text):
        word = simple.get(raw)
        if word is None:
            word = _simple(raw)
        if not word:
            return _searchable(text)  # a spelling to add, or a run of several words: the general way
        out.append(word)
    return " ".join(out)


def _searchable(text: str) -> str:
    own = _word_tokens(text)
    names = {start: (word, end) for word, start, end in _named(own)}
    out: list[str] = []
    pending: tuple[str, int] | None = None
    for word, start, end in own:
        name = names.get(start)
        if name is not None and (pending is None or start >= pending[1]):
            if pending is not None:
                out.append(pending[0])
            pending = name if name[0] != word or name[1] != end else None
        out.append(word)
        if pending is not None and end >= pending[1]:
            out.append(pending[0])
            pending = None
    if pending is not None:
        out.append(pending[0])
    return " ".join(out)


def is_greeting(text: str) -> bool:
    """`hello`, `Hi there!`, `Привет`, `xin chào`: a message that only greets."""
    found = words(text)
    return bool(found) and len(found) <= 6 and set(found) <= GREETING_WORDS and bool(set(found) & _GREETINGS)


def content_query_words(text: str) -> list[str]:
    """The query's words without stop words (`what did Putin say about energy` → ['putin', 'energy']); all of
    them when every word is a stop word."""
    found = query_words(text)
    return [word for word in found if word not in STOP_WORDS] or found

