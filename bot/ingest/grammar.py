"""A small pattern matcher over a sentence's items, and the named rules of `lexicon/patterns.json`.

A rule is a sequence of elements, each a test on one item (its type, word, lexicon tag, punctuation or
possessive) or a group of elements, with an optional repetition (`?`, `*`, `+`) and a capture label; a match
hands its captures to the rule's action, which makes candidates (people, organisations). Every candidate keeps
the id of the rule that made it, so `citebot explain` can say why something was found or missed.
The engine is greedy with backtracking, like spaCy's Matcher; rules are few and sentences short.
"""

from __future__ import annotations

from dataclasses import dataclass
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


def _unit(element: Element, items: list[Item], pos: int, caps: Captures) -> tuple[int, Captures] | None:
    if element.group is not None:
        found = _match(element.group, 0, items, pos, caps)
        if found is None or found[0] == pos:
            return None
        end, new_caps = found
        if element.label:
            new_caps = new_caps + tuple((element.label, k) for k in range(pos, end))
        return end, new_caps
    if pos < len(items) and _passes(element, items[pos]):
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
def _plans() -> tuple[tuple[Rule, frozenset[str] | None, tuple[frozenset[str], ...]], ...]:
    plans = []
    for rule in rules():
        leading = [_keys(e) for e in _leading(rule.elements)]
        start = None if any(k is None for k in leading) else frozenset().union(*leading)
        required = tuple(k for k in (_keys(e) for e in _required(rule.elements)) if k is not None)
        plans.append((rule, start, required))
    return tuple(plans)


def matches(items: list[Item], kind: str = "paragraph") -> list[Match]:
    """Every match of every rule, at every item, in rule order. A rule is tried only on sentences holding
    an item for each test it requires, and only at items it can start with."""
    found = []
    where: dict[str, list[int]] = {}
    for pos, item in enumerate(items):
        for key in features(item):
            where.setdefault(key, []).append(pos)
    every = range(len(items))
    present = where.keys()
    for rule, start, required in _plans():
        if rule.kinds is not None and kind not in rule.kinds:
            continue
        if any(keys.isdisjoint(present) for keys in required):
            continue
        positions = every if start is None else sorted({p for key in start for p in where.get(key, ())})
        for pos in positions:
            result = _match(rule.elements, 0, items, pos, ())
            if result and result[0] > pos:
                found.append(Match(rule=rule, start=pos, end=result[0], captures=result[1]))
    return found
