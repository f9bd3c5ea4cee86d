"""A small pattern matcher over a sentence's items, and the named rules of `lexicon/patterns.json`.

A rule is a sequence of elements, each a test on one item (its type, word, lexicon tag, punctuation or
possessive) or a group of elements, with an optional repetition (`?`, `*`, `+`) and a capture label; a match
hands its captures to the rule's action, which makes candidates (people, organisations). Every candidate keeps
the id of the rule that made it, so `citebot explain` can say why something was found or missed.
The engine is greedy with backtracking, like spaCy's Matcher; rules are few and sentences short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bot.ingest import lexicon as lexicon_files
from bot.ingest.chunks import Item

Captures = tuple[tuple[str, int], ...]  # (label, item index), in order


@dataclass(frozen=True)
class Element:
    test: tuple[tuple[str, Any], ...]
    op: str = ""
    label: str | None = None
    group: tuple[Element, ...] | None = None
    check: Callable[[Item], bool] = field(init=False, repr=False, compare=False, hash=False)  # _passes, compiled

    def __post_init__(self) -> None:
        object.__setattr__(self, "check", _compiled(self.test))

    def passes(self, item: Item) -> bool:
        return _passes(self, item)


@dataclass(frozen=True)
class Rule:
    id: str
    action: str
    elements: tuple[Element, ...]
    kinds: frozenset[str] | None = None  # sentence kinds it applies to (default: any)
    params: tuple[tuple[str, Any], ...] = ()

    def param(self, name: str, default: Any = None) -> Any:
        return dict(self.params).get(name, default)


def _element(spec: Any) -> Element:
    if isinstance(spec, str):
        spec = _SHORTHAND.get(spec) or {"word": [spec]}
    spec = dict(spec)
    op = spec.pop("op", "")
    label = spec.pop("as", None)
    group = spec.pop("group", None)
    tests = []
    for key, value in spec.items():
        if isinstance(value, list):
            value = frozenset(value)
        elif isinstance(value, str) and key != "poss":
            value = frozenset([value])
        tests.append((key, value))
    return Element(
        test=tuple(tests), op=op, label=label, group=tuple(_element(e) for e in group) if group is not None else None
    )


_SHORTHAND: dict[str, dict[str, Any]] = {
    ",": {"punct": [","]},
    "(": {"punct": ["("]},
    ")": {"punct": [")"]},
    ".": {"punct": ["."]},
    "TITLE": {"is": ["TITLE"]},
    "HONORIFIC": {"is": ["HONORIFIC"]},
    "NAME": {"is": ["NAME"]},
    "ORG": {"is": ["ORG"]},
    "CHUNK": {"is": ["CHUNK"]},
    "ACRONYM": {"is": ["ACRONYM"]},
    "COUNTRY": {"is": ["COUNTRY"]},
    "DEMONYM": {"is": ["DEMONYM"]},
}


@cache
def rules() -> tuple[Rule, ...]:
    data = lexicon_files.load("patterns.json")
    loaded = []
    for spec in data["rules"]:
        loaded.append(
            Rule(
                id=spec["id"],
                action=spec["action"],
                elements=tuple(_element(e) for e in spec["pattern"]),
                kinds=frozenset(spec["kinds"]) if "kinds" in spec else None,
                params=tuple(sorted((spec.get("params") or {}).items())),
            )
        )
    return tuple(loaded)


def _passes(element: Element, item: Item) -> bool:
    for key, value in element.test:
        if key == "is":
            if not ("CHUNK" in value and item.kind == "chunk") and not (item.types & value):
                return False
        elif key == "not":
            if item.types & value:
                return False
        elif key == "word":
            if item.kind != "word" or item.low not in value:
                return False
        elif key == "tag":
            if item.kind != "word" or not (item.tags.keys() & value):
                return False
        elif key == "punct":
            if item.kind != "punct" or item.text not in value:
                return False
        elif key == "poss":
            if item.possessive != value:
                return False
        elif key == "number":
            if item.kind != "word" or not item.low.isdigit():
                return False
        elif key == "words":  # a chunk of at most this many words
            if item.last - item.first + 1 > max(value):
                return False
    return True


def _expression(key: str, name: str) -> str | None:
    """One test of an element as a Python expression of `item`, its value bound to `name` (None: a key that tests
    nothing), as `_passes` reads it."""
    return {
        "is": f"not item.types.isdisjoint({name})",
        "not": f"item.types.isdisjoint({name})",
        "word": f"(item.kind == 'word' and item.low in {name})",
        "tag": f"(item.kind == 'word' and not {name}.isdisjoint(item.tags))",
        "punct": f"(item.kind == 'punct' and item.text in {name})",
        "poss": f"item.possessive == {name}",
        "number": "(item.kind == 'word' and item.low.isdigit())",
        "words": f"item.last - item.first + 1 <= {name}",
    }.get(key)


def _compiled(test: tuple[tuple[str, Any], ...]) -> Callable[[Item], bool]:
    """All of an element's tests as one function, in their order (the same answer as `_passes`): their expressions
    joined by `and` in one lambda, so an item is tested without a call per test."""
    parts = []
    values: dict[str, Any] = {}
    for n, (key, value) in enumerate(test):
        name = f"v{n}"
        expression = _expression(key, name)
        if expression is None:
            continue
        if key == "is" and "CHUNK" in value:
            expression = f"(item.kind == 'chunk' or {expression})"
        values[name] = max(value) if key == "words" else value
        parts.append(expression)
    if not parts:
        return lambda item: True
    return eval("lambda item: " + " and ".join(parts), values)  # noqa: S307 - built from the fixed table above


def _unit(element: Element, items: list[Item], pos: int, caps: Captures) -> tuple[int, Captures] | None:
    if element.group is not None:
        found = _match(element.group, 0, items, pos, caps)
        if found is None or found[0] == pos:
            return None
        end, new_caps = found
        if element.label:
            new_caps = new_caps + tuple((element.label, k) for k in range(pos, end))
        return end, new_caps
    if pos < len(items) and element.check(items[pos]):
        return pos + 1, caps + (((element.label, pos),) if element.label else ())
    return None


def _match(elements: tuple[Element, ...], k: int, items: list[Item], pos: int, caps: Captures) -> tuple[int, Captures] | None:
    if k == len(elements):
        return pos, caps
    element = elements[k]
    if element.op == "":
        unit = _unit(element, items, pos, caps)
        return _match(elements, k + 1, items, *unit) if unit else None
    if element.op == "?":
        unit = _unit(element, items, pos, caps)
        if unit:
            found = _match(elements, k + 1, items, *unit)
            if found:
                return found
        return _match(elements, k + 1, items, pos, caps)
    chain = [(pos, caps)]
    while True:
        unit = _unit(element, items, *chain[-1])
        if unit is None or unit[0] == chain[-1][0]:
            break
        chain.append(unit)
    for state in reversed(chain[1:] if element.op == "+" else chain):
        found = _match(elements, k + 1, items, *state)
        if found:
            return found
    return None


Matcher = Callable[[list[Item], int, Captures], "tuple[int, Captures] | None"]


def _done(items: list[Item], pos: int, caps: Captures) -> tuple[int, Captures]:
    return pos, caps


def _sequence(elements: tuple[Element, ...]) -> Matcher:
    """`_match(elements, 0, …)` as one function: each element a closure that calls the next, so a rule is no longer
    interpreted element by element. The same search: greedy, backtracking, a group committed to its first match."""
    matcher: Matcher = _done
    for element in reversed(elements):
        matcher = _step(element, matcher)
    return matcher


def _unit_of(element: Element) -> Callable[[list[Item], int, Captures], "tuple[int, Captures] | None"]:
    """`_unit` for one element."""
    label = element.label
    if element.group is not None:
        group = _sequence(element.group)

        def unit(items: list[Item], pos: int, caps: Captures) -> tuple[int, Captures] | None:
            found = group(items, pos, caps)
            if found is None or found[0] == pos:
                return None
            end, new_caps = found
            if label:
                new_caps = new_caps + tuple((label, k) for k in range(pos, end))
            return end, new_caps

        return unit
    check = element.check
    if label:
        return lambda items, pos, caps: (pos + 1, caps + ((label, pos),)) if pos < len(items) and check(items[pos]) else None
    return lambda items, pos, caps: (pos + 1, caps) if pos < len(items) and check(items[pos]) else None


def _step(element: Element, following: Matcher) -> Matcher:
    """The element, then `following` (the rest of the rule), as `_match` tries them."""
    op = element.op
    if op == "" and element.group is None:
        check, label = element.check, element.label
        if label:
            def plain(items: list[Item], pos: int, caps: Captures) -> tuple[int, Captures] | None:
                if pos < len(items) and check(items[pos]):
                    return following(items, pos + 1, caps + ((label, pos),))
                return None
        else:
            def plain(items: list[Item], pos: int, caps: Captures) -> tuple[int, Captures] | None:
                if pos < len(items) and check(items[pos]):
                    return following(items, pos + 1, caps)
                return None
        return plain
    unit = _unit_of(element)
    if op == "":
        def once(items: list[Item], pos: int, caps: Captures) -> tuple[int, Captures] | None:
            found = unit(items, pos, caps)
            return following(items, *found) if found else None
        return once
    if op == "?":
        def optional(items: list[Item], pos: int, caps: Captures) -> tuple[int, Captures] | None:
            found = unit(items, pos, caps)
            if found:
                result = following(items, *found)
                if result:
                    return result
            return following(items, pos, caps)
        return optional
    at_least_one = op == "+"

    def repeated(items: list[Item], pos: int, caps: Captures) -> tuple[int, Captures] | None:
        chain = [(pos, caps)]
        while True:
            found = unit(items, *chain[-1])
            if found is None or found[0] == chain[-1][0]:
                break
            chain.append(found)
        for state in reversed(chain[1:] if at_least_one else chain):
            result = following(items, *state)
            if result:
                return result
        return None
    return repeated


@dataclass(frozen=True)
class Match:
    rule: Rule
    start: int  # item indexes [start, end)
    end: int
    captures: Captures

    def items(self, label: str) -> list[int]:
        return [index for name, index in self.captures if name == label]


def features(item: Item) -> list[str]:
    """What an item offers to a rule's first test: its types, its word, its tags, its mark."""
    kind = item.kind
    if kind == "word":
        found = ["W:" + item.low]
        if item.tags:
            found.extend("G:" + t for t in item.tags)
        return found
    if kind == "punct":
        return ["P:" + item.text]
    found = ["T:" + t for t in item.types]
    if kind == "chunk":
        found.append("T:CHUNK")
    return found


def _keys(element: Element) -> frozenset[str] | None:
    """The features one of which an item needs to pass the element (None: no cheap necessary condition)."""
    for key, value in element.test:
        if key == "is":
            return frozenset("T:" + v for v in value)
        if key == "word":
            return frozenset("W:" + v for v in value)
        if key == "tag":
            return frozenset("G:" + v for v in value)
        if key == "punct":
            return frozenset("P:" + v for v in value)
    return None


def _leading(elements: tuple[Element, ...]) -> tuple[Element, ...]:
    """The elements a match can start with: the optional ones up to the first required one, and that one."""
    leading: list[Element] = []
    for element in elements:
        if element.group is not None:
            leading.extend(_leading(element.group))
        else:
            leading.append(element)
        if element.op in ("", "+"):
            break
    return tuple(leading)


def _required(elements: tuple[Element, ...]) -> tuple[Element, ...]:
    """Elements every match holds (outside groups and repetitions that may be empty)."""
    return tuple(e for e in elements if e.group is None and e.op in ("", "+"))


@cache
def _plans() -> tuple[tuple[Rule, frozenset[str] | None, tuple[frozenset[str], ...], str | None, Matcher], ...]:
    """Per rule: the features a match can start with (None: any item), those every match needs, the one
    starting feature when there is only one (its positions are then already in order), and its matcher."""
    plans = []
    for rule in rules():
        leading = [_keys(e) for e in _leading(rule.elements)]
        start = None if any(k is None for k in leading) else frozenset().union(*leading)
        required = tuple(k for k in (_keys(e) for e in _required(rule.elements)) if k is not None)
        single = next(iter(start)) if start is not None and len(start) == 1 else None
        plans.append((rule, start, required, single, _sequence(rule.elements)))
    return tuple(plans)


_FEATURES: dict[tuple[str, int], tuple[dict, tuple[str, ...]]] = {}  # (a tagged word, its tags' id) → (tags, features)
_WORD_FEATURES: dict[str, tuple[str, ...]] = {}  # an untagged word → its features
_MARK_FEATURES: dict[str, tuple[str, ...]] = {}  # a mark → its features
_FEATURES_KEPT = 200_000


@cache
def _relevant() -> frozenset[str]:
    """Every feature some rule looks for: an item's other features cannot start or enable a match."""
    return frozenset(key for _, start, required, _, _ in _plans() for keys in (start or frozenset(), *required) for key in keys)


def matches(items: list[Item], kind: str = "paragraph") -> list[Match]:
    """Every match of every rule, at every item, in rule order. A rule is tried only on sentences holding
    an item for each test it requires, and only at items it can start with."""
    found = []
    where: dict[str, list[int]] = {}
    relevant = _relevant()
    known = _FEATURES
    marks, plain = _MARK_FEATURES, _WORD_FEATURES
    for pos, item in enumerate(items):
        kind_ = item.kind
        # a mark's features are those of its text, a word's those of its lower case and tags: kept per word
        if kind_ == "punct":
            keys = marks.get(item.text)
            if keys is None:
                if len(marks) > _FEATURES_KEPT:
                    marks.clear()
                keys = marks[item.text] = tuple(f for f in features(item) if f in relevant)
        elif kind_ == "word":
            tags = item.tags
            if not tags:
                keys = plain.get(item.low)
                if keys is None:
                    if len(plain) > _FEATURES_KEPT:
                        plain.clear()
                    keys = plain[item.low] = tuple(f for f in features(item) if f in relevant)
            else:
                key = (item.low, id(tags))  # the lexicon's own dict, kept alive by the entry
                entry = known.get(key)
                if entry is None or entry[0] is not tags:
                    if len(known) > _FEATURES_KEPT:
                        known.clear()
                    entry = known[key] = (tags, tuple(f for f in features(item) if f in relevant))
                keys = entry[1]
        else:
            keys = features(item)
        for key in keys:
            positions = where.get(key)
            if positions is None:
                where[key] = [pos]
            else:
                positions.append(pos)
    every = range(len(items))
    present = set(where)
    for rule, start, required, single, matcher in _plans():
        if rule.kinds is not None and kind not in rule.kinds:
            continue
        if start is not None and start.isdisjoint(present):
            continue
        missing = False
        for keys in required:
            if keys.isdisjoint(present):
                missing = True
                break
        if missing:
            continue
        if start is None:
            positions = every
        elif single is not None:
            positions = where[single]
        else:
            positions = sorted({p for key in start for p in where.get(key, ())})
        for pos in positions:
            result = matcher(items, pos, ())
            if result and result[0] > pos:
                found.append(Match(rule=rule, start=pos, end=result[0], captures=result[1]))
    return found
