"""Extraction sentence by sentence: every case of `tests/data/extraction/*.jsonl` through the public stage
functions (`find_entities`, `find_documents`, `find_figures`, the layout and the outlet chooser of a page).

Expectations are tolerant: `"people": [...]` means at least these, `"not_people": [...]` must be absent, a
`"person"` spec checks the facts of one candidate of that name. A case the extractor fails today carries
`"xfail": "why"`, and runs as a strict xfail: when it starts passing, the test says so. See
`tests/data/extraction/README.md` for the format.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot.ingest import outlet as outlets
from bot.ingest.documents import DocumentCandidate, find_documents
from bot.ingest.entities import SentenceEntities, find_entities
from bot.ingest.extract import extract
from bot.ingest.figures import FigureCandidate, find_figures
from bot.ingest.layout import Line, Page, classify
from bot.ingest.lexicon import load
from bot.ingest.reader import parse_article
from bot.models import Article, Sentence
from bot.text import fold

FIXTURES = Path(__file__).resolve().parent / "data" / "extraction"
STAGES = ("people", "orgs", "documents", "figures", "outlets", "layout", "mentions")
POSITIVE = {"people", "person", "orgs", "org", "places", "rejected", "documents", "figures", "outlet", "how", "lines", "why",
            "mentioned", "aliases"}
NEGATIVE = {"not_people", "no_people", "roles_exclude", "not_orgs", "no_orgs", "not_places", "not_rejected", "none", "not_status",
            "not_values", "not_outlet", "no_outlet", "not_lines",
            "not_mentioned"}
KNOWN = POSITIVE | NEGATIVE | {"rule_fired", "distinct_titles"}


@dataclass(frozen=True)
class Case:
    file: str
    line: int
    stage: str
    data: dict[str, Any]

    @property
    def expect(self) -> dict[str, Any]:
        return self.data["expect"]

    @property
    def id(self) -> str:
        words = re.sub(r"[^\w]+", "-", fold(self.data.get("text") or " ".join(self.data.get("page", []))))[:48].strip("-")
        return f"{self.file}:{self.line}:{self.data['rule']}:{words}"


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(FIXTURES.glob("*.jsonl")):
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            data = json.loads(raw)
            stage = data.get("stage") or path.stem
            cases.append(Case(path.stem, number, stage, data))
    return cases


CASES = load_cases()


def _params() -> list[Any]:
    params = []
    for case in CASES:
        marks = [pytest.mark.xfail(reason=case.data["xfail"], strict=True)] if case.data.get("xfail") else []
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


# ---------------------------------------------------------------- matching


def same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and fold(a) == fold(b)


def holds(text: str | None, part: str) -> bool:
    """`part` inside `text`, folded (case, diacritics and punctuation aside)."""
    return text is not None and fold(part) in fold(text)


def _light(text: str) -> str:
    """Case and diacritics aside, but punctuation kept: "Velta Bank's" is not 'Velta Bank'."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'")).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def holds_words(text: str, part: str) -> bool:
    """`part` as whole words of `text`: 'Tran Phu' is in 'Tran Phu Street' but not in 'Tran Phuong'."""
    return re.search(rf"(?<![\w']){re.escape(_light(part))}(?![\w'])", _light(text)) is not None


def _specs(value: Any) -> list[dict[str, Any]]:
    return value if isinstance(value, list) else [value]


def _fits(candidate: Any, spec: dict[str, Any], fields: dict[str, tuple[str, str]]) -> list[str]:
    """What in `spec` the candidate does not have (empty: it fits)."""
    problems = []
    for key, wanted in spec.items():
        attribute, how = fields[key]
        value = getattr(candidate, attribute)
        if how == "same" and not (same(value, wanted) if isinstance(wanted, str) else value == wanted):
            problems.append(f"{attribute}={value!r}, want {wanted!r}")
        elif how == "contains" and not holds(value, wanted):
            problems.append(f"{attribute}={value!r} does not hold {wanted!r}")
        elif how == "excludes" and value is not None and holds(value, wanted):
            problems.append(f"{attribute}={value!r} holds {wanted!r}")
        elif how == "member" and not any(same(v, wanted) for v in value):
            problems.append(f"{attribute}={value!r} lacks {wanted!r}")
    return problems


PERSON_FIELDS = {"name": ("name", "same"), "rule": ("rule", "same"), "role": ("role", "same"),
                 "role_contains": ("role", "contains"), "role_excludes": ("role", "excludes"),
                 "organization": ("organization", "same"), "organization_contains": ("organization", "contains"),
                 "country": ("country", "same"), "credit": ("credit", "same")}
ORG_FIELDS = {"name": ("name", "same"), "rule": ("rule", "same"), "acronym": ("acronym", "same"),
              "alias": ("aliases", "member"), "description_contains": ("description", "contains")}
DOCUMENT_FIELDS = {"type": ("type", "same"), "status": ("status", "same"), "rule": ("rule", "same"),
                   "title_contains": ("title", "contains"), "title_excludes": ("title", "excludes"),
                   "definite": ("definite", "same")}
FIGURE_FIELDS = {"value": ("value", "same"), "unit": ("unit", "same"), "about_contains": ("about", "contains"),
                 "rule": ("rule", "same")}


def _one_fits(candidates: list[Any], spec: dict[str, Any], fields: dict[str, tuple[str, str]], what: str) -> str | None:
    if not candidates:
        return f"no {what} at all, want {spec}"
    reasons = [(c, _fits(c, spec, fields)) for c in candidates]
    if any(not problems for _, problems in reasons):
        return None
    near = [f"{getattr(c, 'name', None) or getattr(c, 'title', None) or getattr(c, 'value', '')!r}: {'; '.join(p)}" for c, p in reasons]
    return f"no {what} fits {spec}: " + " | ".join(near)


# ---------------------------------------------------------------- stages


def check_entities(case: Case) -> list[str]:
    expect = case.expect
    found: SentenceEntities = find_entities(case.data["text"], case.data.get("kind", "paragraph"))
    people = [p.name for p in found.people]
    orgs = [o.name for o in found.orgs]
    places = [case.data["text"][s:e] for s, e, _ in found.places]
    fired = {rule for rule, _ in found.fired} | {p.rule for p in found.people} | {o.rule.split(":")[0] for o in found.orgs}
    problems = []
    for name in expect.get("people", []):
        if not any(same(name, p) for p in people):
            problems.append(f"person {name!r} not found (people: {people})")
    for name in expect.get("not_people", []):
        if any(holds_words(p, name) for p in people):
            problems.append(f"{name!r} found as a person (people: {people})")
    if expect.get("no_people") and people:
        problems.append(f"no person expected, found {people}")
    for spec in _specs(expect.get("person", [])):
        named = [p for p in found.people if same(p.name, spec["name"])]
        problem = _one_fits(named, spec, PERSON_FIELDS, f"person {spec['name']!r}")
        if problem:
            problems.append(problem)
    for name, part in expect.get("roles_exclude", {}).items():
        wrong = [p.role for p in found.people if same(p.name, name) and holds(p.role, part)]
        if wrong:
            problems.append(f"a role of {name!r} holds {part!r}: {wrong}")
    for name in expect.get("orgs", []):
        if not any(same(name, o) for o in orgs):
            problems.append(f"organisation {name!r} not found (orgs: {orgs})")
    for name in expect.get("not_orgs", []):
        if any(holds_words(o, name) for o in orgs):
            problems.append(f"{name!r} found as an organisation (orgs: {orgs})")
    if expect.get("no_orgs") and orgs:
        problems.append(f"no organisation expected, found {orgs}")
    for spec in _specs(expect.get("org", [])):
        named = [o for o in found.orgs if same(o.name, spec["name"])]
        problem = _one_fits(named, spec, ORG_FIELDS, f"organisation {spec['name']!r}")
        if problem:
            problems.append(problem)
    for place in expect.get("places", []):
        if not any(holds_words(p, place) for p in places):
            problems.append(f"place {place!r} not found (places: {places})")
    for place in expect.get("not_places", []):
        if any(holds_words(p, place) for p in places):
            problems.append(f"{place!r} taken for a place (places: {places})")
    for rule in expect.get("rejected", []):
        if rule not in fired:
            problems.append(f"rejection {rule!r} not recorded (fired: {sorted(fired)})")
    for rule in expect.get("not_rejected", []):
        if rule in fired:
            problems.append(f"rejection {rule!r} recorded (fired: {sorted(fired)})")
    if "rule_fired" in expect and (case.data["rule"] in fired) != expect["rule_fired"]:
        problems.append(f"rule {case.data['rule']!r} {'did not fire' if expect['rule_fired'] else 'fired'} (fired: {sorted(fired)})")
    return problems


def _article(case: Case) -> Article:
    """A page read by the reader, or one sentence standing in a block of its kind."""
    if "page" in case.data:
        return parse_article((" date 2025-01-01\n" + "\n".join(case.data["page"]) + "\n").encode(), "case.txt")
    text = case.data["text"]
    sentence = Sentence(index=0, text=text, start=0, end=len(text), kind=case.data.get("kind", "paragraph"))
    return Article(id="case", file="case.txt", outlet="", date=date(2025, 1, 1), title="", text=text, sentences=(sentence,))


def check_documents(case: Case) -> list[str]:
    expect = case.expect
    documents: list[DocumentCandidate] = find_documents(_article(case))
    shown = [f"{d.type} {d.title!r} {d.status} ({d.rule})" for d in documents]
    problems = []
    for spec in _specs(expect.get("documents", [])):
        problem = _one_fits(documents, spec, DOCUMENT_FIELDS, "document")
        if problem:
            problems.append(problem)
    if expect.get("none") and documents:
        problems.append(f"no document expected, found {shown}")
    for status in _specs(expect.get("not_status", [])):
        if any(d.status == status for d in documents):
            problems.append(f"a document is {status!r}: {shown}")
    if "distinct_titles" in expect and len({fold(d.title) for d in documents}) != expect["distinct_titles"]:
        problems.append(f"want {expect['distinct_titles']} distinct documents, found {shown}")
    if "rule_fired" in expect and any(d.rule == case.data["rule"] for d in documents) != expect["rule_fired"]:
        problems.append(f"rule {case.data['rule']!r} {'did not fire' if expect['rule_fired'] else 'fired'}: {shown}")
    return problems


def check_figures(case: Case) -> list[str]:
    expect = case.expect
    figures: list[FigureCandidate] = find_figures(case.data["text"])
    shown = [f"{f.value!r} {f.unit} about {f.about!r}" for f in figures]
    problems = []
    for spec in _specs(expect.get("figures", [])):
        problem = _one_fits(figures, spec, FIGURE_FIELDS, "figure")
        if problem:
            problems.append(problem)
    for value in expect.get("not_values", []):
        if any(value in f.value for f in figures):
            problems.append(f"{value!r} taken as a figure: {shown}")
    if expect.get("none") and figures:
        problems.append(f"no figure expected, found {shown}")
    if "rule_fired" in expect and any(f.rule == case.data["rule"] for f in figures) != expect["rule_fired"]:
        problems.append(f"rule {case.data['rule']!r} {'did not fire' if expect['rule_fired'] else 'fired'}: {shown}")
    return problems


def _page(case: Case) -> Page:
    lines = [line.strip() for line in case.data["page"] if line.strip()]
    return classify(lines, frozenset(outlets.agencies().names))


def check_outlets(case: Case) -> list[str]:
    expect = case.expect
    name, how = outlets.choose(outlets.clues(_page(case).lines, ""))
    problems = []
    if "outlet" in expect and not same(name, expect["outlet"]):
        problems.append(f"outlet {name!r} ({how}), want {expect['outlet']!r}")
    if "how" in expect and how != expect["how"]:
        problems.append(f"outlet {name!r} came from {how!r}, want {expect['how']!r}")
    if expect.get("no_outlet") and name is not None:
        problems.append(f"no outlet expected, found {name!r} ({how})")
    if "not_outlet" in expect and name is not None and holds(name, expect["not_outlet"]):
        problems.append(f"outlet {name!r} ({how}) must not be {expect['not_outlet']!r}")
    return problems


def check_layout(case: Case) -> list[str]:
    expect = case.expect
    lines: dict[str, Line] = {}
    for line in _page(case).lines:
        lines.setdefault(line.text, line)  # a line written twice: its first copy
    problems = []
    for text, kind in expect.get("lines", {}).items():
        line = lines.get(text)
        if line is None or line.kind != kind:
            problems.append(f"{text!r} is {line.kind if line else 'missing'} ({line.why if line else ''}), want {kind}")
    for text, kind in expect.get("not_lines", {}).items():
        line = lines.get(text)
        if line is not None and line.kind == kind:
            problems.append(f"{text!r} is {kind} ({line.why}), must not be")
    for text, why in expect.get("why", {}).items():
        line = lines.get(text)
        if line is None or why not in line.why:
            problems.append(f"{text!r} kind given because {line.why if line else 'missing'!r}, want {why!r}")
    return problems


def check_mentions(case: Case) -> list[str]:
    """A page resolved on its own (`extract`): which sentences cite a person or an organisation, and its aliases."""
    expect = case.expect
    facts = extract([_article(case)])
    entities = [*facts.people, *facts.organizations]

    def entity(name: str) -> Any:
        return next((e for e in entities if same(e.name, name) or any(same(a, name) for a in e.aliases)), None)

    problems = []
    for name, parts in expect.get("mentioned", {}).items():
        found = entity(name)
        cited = [c.sentence for c in found.citations] if found else []
        for part in parts:
            if not any(holds(sentence, part) for sentence in cited):
                problems.append(f"{name!r} is not cited by the sentence with {part!r} (cited: {cited}; entities: {[e.name for e in entities]})")
    for name, parts in expect.get("not_mentioned", {}).items():
        found = entity(name)
        for part in parts:
            if found and any(holds(c.sentence, part) for c in found.citations):
                problems.append(f"{name!r} is cited by the sentence with {part!r}")
    for name, aliases in expect.get("aliases", {}).items():
        found = entity(name)
        for alias in aliases:
            if found is None or not any(same(a, alias) for a in [found.name, *found.aliases]):
                problems.append(f"{name!r} lacks the alias {alias!r} ({found.aliases if found else 'not found'})")
    return problems


SPEC_FIELDS = {"person": PERSON_FIELDS, "org": ORG_FIELDS, "documents": DOCUMENT_FIELDS, "figures": FIGURE_FIELDS}
CHECKS = {"people": check_entities, "orgs": check_entities, "documents": check_documents, "figures": check_figures,
          "outlets": check_outlets, "layout": check_layout, "mentions": check_mentions}


@pytest.mark.parametrize("case", _params())
def test_case(case: Case) -> None:
    problems = CHECKS[case.stage](case)
    assert not problems, f"{case.data.get('note', '')}\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------- the fixtures themselves


def _polarity(case: Case) -> set[str]:
    keys = set(case.expect)
    found = set()
    if keys & POSITIVE or case.expect.get("rule_fired") is True:
        found.add("positive")
    if keys & NEGATIVE or case.expect.get("rule_fired") is False:
        found.add("negative")
    return found


def test_every_case_is_well_formed() -> None:
    problems = []
    for case in CASES:
        data = case.data
        where = f"{case.file}:{case.line}"
        if case.stage not in STAGES:
            problems.append(f"{where}: unknown stage {case.stage!r}")
        if not data.get("rule") or not data.get("note") or not data.get("expect"):
            problems.append(f"{where}: a case needs a rule, a note and an expectation")
        if case.stage in ("outlets", "layout", "mentions") and not isinstance(data.get("page"), list):
            problems.append(f"{where}: a {case.stage} case is a page: a list of lines")
        if case.stage in ("people", "orgs", "figures") and not isinstance(data.get("text"), str):
            problems.append(f"{where}: a {case.stage} case is a sentence: 'text'")
        if not set(data.get("expect", {})) <= KNOWN:
            problems.append(f"{where}: unknown expectation {sorted(set(data['expect']) - KNOWN)}")
        if not _polarity(case):
            problems.append(f"{where}: expects nothing that can fail")
        for key, fields in SPEC_FIELDS.items():
            for spec in _specs(data.get("expect", {}).get(key, [])):
                if not isinstance(spec, dict) or not set(spec) <= set(fields):
                    problems.append(f"{where}: {key} spec {spec!r} has keys outside {sorted(fields)}")
    assert not problems, "\n".join(problems)


def test_no_two_cases_are_the_same() -> None:
    seen: dict[tuple[str, str], str] = {}
    twice = []
    for case in CASES:
        key = (case.stage, json.dumps(case.data.get("text") or case.data.get("page"), ensure_ascii=False))
        if key in seen and case.data.get("expect") == json.loads(seen[key]):
            twice.append(case.id)
        seen[key] = json.dumps(case.data.get("expect"))
    assert not twice, twice


@cache
def _pattern_rules() -> tuple[str, ...]:
    data = load("patterns.json")
    return tuple(r["id"] for r in data["rules"]) + tuple(r["id"] for r in data["line_rules"])


def test_every_rule_of_patterns_json_has_a_positive_and_a_negative_case() -> None:
    have: dict[str, set[str]] = {}
    for case in CASES:
        have.setdefault(case.data["rule"], set()).update(_polarity(case))
    missing = [f"{rule}: {sorted({'positive', 'negative'} - have.get(rule, set()))}" for rule in _pattern_rules()
               if have.get(rule, set()) != {"positive", "negative"}]
    assert not missing, "rules without both cases:\n" + "\n".join(missing)


def test_bugs_caught_only_grows() -> None:
    """The list of bugs already fixed is never shortened: each keeps a case, and none is marked xfail."""
    bugs = [case for case in CASES if case.file == "bugs_caught"]
    assert len(bugs) >= MIN_BUGS_CAUGHT
    assert not [case.id for case in bugs if case.data.get("xfail")], "a caught bug is fixed: it cannot be an xfail"


MIN_BUGS_CAUGHT = 59  # the cases bugs_caught.jsonl holds: raise it with every case added, never lower it
