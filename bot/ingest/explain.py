"""Why extraction found what it found, for `citebot explain`: a typed report of one sentence or one article file.

For a sentence: its items (chunks with their types, titles, words with their lexicon tags), each grammar rule
that fired and on what text, the people, organisations and places found (with the rule that made each), the
documents (with the cue that set their status), the figures, and what was rejected and why, where the
extractor records it (`SentenceEntities.fired`, the nouns `find_documents` did not take). For a file: each
line's layout kind and the reason the layout gave it, the outlet and the clue it came from, the title, the
date, the sentences where something fired, and the entities that article resolves to on its own.

Pure functions returning dataclasses; `render_*` and `as_json` turn a report into text at the edge.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.ingest import outlet as outlets
from bot.ingest.chunks import Item, analyse
from bot.ingest.documents import DocumentCandidate, find_documents, vocab
from bot.ingest.entities import SentenceEntities, find_entities
from bot.ingest.figures import find_figures
from bot.ingest.grammar import matches
from bot.ingest.layout import OutletClue, classify
from bot.ingest.lexicon import lexicon
from bot.ingest.reader import decode, parse_article
from bot.models import STATEMENT_KINDS, Article, Sentence, plural
from bot.text import fold

SENTENCE_KINDS = ("paragraph", "standfirst", "bullet", "heading", "caption", "credit", "byline", "source", "dateline")

# what the extractor records when it sets a candidate aside (`SentenceEntities.fired`, `find_documents(rejected=)`)
REJECTIONS = {
    "collective-bodies": "bare bodies sharing one 'of COUNTRY' ('the Party, State and Government of X') name a "
    "country's leadership, not an organisation",
    "brand-shape-modifier": "a camel-case name before two lower-case nouns qualifies a product or model "
    "('X vehicle production'), it is not taken for a company",
    "dropped-overlapping-person": "another person candidate over the same words was found by a stronger rule "
    "(or carries a role), and it was kept instead",
    "dropped-inside-person": "the words belong to a person's name found in the sentence",
    "dropped-inside-place": "the words are (inside) a place or a facility, never an organisation",
    "dropped-part-of-longer-name": "a longer organisation's name found at the same place holds these words",
    "near-miss": "'reached agreement on', 'in agreement': an outcome of talks, not a document",
    "repeat-or-idiom": "'(MoU)' repeats the document before it; 'in order to' is no order",
    "plural-without-subject": "a plural is a document only with its own subject ('documents on …'), never a count",
    "no-subject": "a document noun with no subject ('on …', 'between …') and no modifier saying what it is about",
    "title-too-short": "the title would be the bare document noun",
    "no-status": "no status word (signed, planned, under negotiation, adopted …) in its clause",
}
_HOW = {
    "signature": "the article's closing signature",
    "dateline": "the agency in the dateline",
    "source": "a 'Source:' line",
    "byline": "a byline or dated line naming an agency",
    "lone": "a line holding only an agency's name",
    "site": "the site's own name (page header, copyright line, repeated banner)",
    "dateline-unknown": "a dateline naming an outlet the lexicon does not know",
    "source-unknown": "a 'Source:' line naming an outlet the lexicon does not know",
    "mention": "an agency the page's chrome mentions",
    "address": "the page's own web address (a known outlet's domain, else the site's host)",
}


# ---------------------------------------------------------------- the report


@dataclass
class ItemView:
    """One unit the grammar matches: a chunk with its types, a title, an honorific, a word with its tags, a mark."""

    kind: str
    text: str
    types: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass
class RuleHit:
    rule: str
    text: str
    outcome: str = "kept"  # kept: a candidate over these words is found | dropped: it made one, settling dropped it
    #                        | no candidate: the pattern matched, its action made nothing (a guard, an invalid name)


@dataclass
class PersonView:
    name: str
    rule: str
    role: str | None = None
    organization: str | None = None
    country: str | None = None
    credit: str | None = None
    weak: bool = False


@dataclass
class OrgView:
    name: str
    rule: str
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    weak: bool = False


@dataclass
class PlaceView:
    text: str
    type: str  # PLACE | FACILITY | COUNTRY


@dataclass
class DocumentView:
    type: str
    title: str
    status: str
    rule: str
    cue: str  # what set the status: a cue word of its clause, a list's heading, the document referred back to


@dataclass
class FigureView:
    value: str
    unit: str
    about: str
    rule: str


@dataclass
class Rejection:
    rule: str
    text: str
    reason: str


@dataclass
class SentenceReport:
    text: str
    kind: str = "paragraph"
    index: int | None = None  # in its article
    items: list[ItemView] = field(default_factory=list)
    grammar_ran: bool = True  # False: no word that may start a name, so no rule was tried
    rules: list[RuleHit] = field(default_factory=list)
    people: list[PersonView] = field(default_factory=list)
    organizations: list[OrgView] = field(default_factory=list)
    places: list[PlaceView] = field(default_factory=list)
    documents: list[DocumentView] = field(default_factory=list)
    figures: list[FigureView] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    numbers_not_figures: list[str] = field(default_factory=list)  # numbers the figure finder did not take

    @property
    def fired(self) -> bool:
        """Something fired: a rule, a candidate, a document, a figure or a rejection."""
        return bool(self.rules or self.people or self.organizations or self.documents or self.figures or self.rejected)


@dataclass
class LineView:
    number: int  # line number in the file (the date header is line 1)
    kind: str
    why: str
    text: str
    dateline: str | None = None
    agency: str | None = None
    signature: str | None = None


@dataclass(frozen=True)
class ClueView:
    name: str
    how: str
    line: int | None  # where the page names it, when a line does; None for the header line's site name


@dataclass
class ResolvedPerson:
    name: str
    role: str | None
    organization: str | None
    aliases: list[str]
    rules: list[str]  # the rules that found it in this article's sentences
    mentions: int


@dataclass
class ResolvedOrg:
    name: str
    aliases: list[str]
    description: str | None
    rules: list[str]
    mentions: int


@dataclass
class ResolvedAgreement:
    title: str
    type: str
    status: str
    parties: list[str]
    sectors: list[str]


@dataclass
class ResolvedFigure:
    value: str
    unit: str
    about: str


@dataclass
class ArticleReport:
    file: str
    date: str
    outlet: str
    outlet_how: str  # the kind of clue the outlet came from ('' when none: the file name stands in)
    outlet_clue: ClueView | None
    clues: list[ClueView]
    title: str
    title_from: str
    url: str | None
    warnings: list[str]
    lines: list[LineView]
    sentences: list[SentenceReport]
    people: list[ResolvedPerson]
    organizations: list[ResolvedOrg]
    agreements: list[ResolvedAgreement]
    figures: list[ResolvedFigure]
    sectors: dict[str, int]
    not_resolved: list[Rejection] = field(default_factory=list)  # sentence candidates the article's resolution left out


# ---------------------------------------------------------------- one sentence


def explain_sentence(text: str, kind: str = "paragraph") -> SentenceReport:
    """What every stage makes of one sentence standing in a block of `kind` (pure)."""
    text = " ".join(text.split())
    sentence = Sentence(index=0, text=text, start=0, end=len(text), kind=kind)  # type: ignore[arg-type]
    article = Article(id="sentence", file="sentence", outlet="", date=date(2000, 1, 1), title="", text=text,
                      sentences=(sentence,))
    rejected: list[tuple[int, str, str]] = []
    documents = find_documents(article, rejected)
    return _sentence_report(sentence, documents, [(reason, noun) for _, reason, noun in rejected])


def _sentence_report(sentence: Sentence, documents: list[DocumentCandidate], rejected_nouns: list[tuple[str, str]],
                     article: Article | None = None) -> SentenceReport:
    text, kind = sentence.text, sentence.kind
    found = find_entities(text, kind)
    parsed = found.sentence or analyse(text, lexicon())
    report = SentenceReport(text=text, kind=kind, index=sentence.index if article is not None else None,
                            items=[_item_view(item) for item in parsed.items], grammar_ran=found.sentence is not None)
    report.people = [PersonView(p.name, p.rule, p.role, p.organization, p.country, p.credit, p.weak) for p in found.people]
    report.organizations = [OrgView(o.name, o.rule, o.acronym, list(o.aliases), o.description, o.weak) for o in found.orgs]
    report.places = [PlaceView(text[s:e], t) for s, e, t in found.places]
    report.rules, report.rejected = _rules(found, kind)
    for reason, noun in rejected_nouns:
        report.rejected.append(Rejection(reason, noun, REJECTIONS.get(reason, "")))
    report.documents = [DocumentView(d.type, d.title, d.status, d.rule, _cue(d, article)) for d in documents]
    if kind in STATEMENT_KINDS:
        figures = find_figures(text)
        report.figures = [FigureView(f.value, f.unit, f.about, f.rule) for f in figures]
        report.numbers_not_figures = _numbers_left(text, [(f.start, f.end) for f in figures])
    return report


def _item_view(item: Item) -> ItemView:
    return ItemView(kind=item.kind, text=item.text, types=sorted(item.types), tags=sorted(item.tags) if item.kind == "word" else [])


def _rules(found: SentenceEntities, kind: str) -> tuple[list[RuleHit], list[Rejection]]:
    """The rules that made candidates (and whether one survived), the grammar's matches that made none, and
    the rejections the extractor recorded."""
    names = [p.name for p in found.people] + [o.name for o in found.orgs]
    hits: list[RuleHit] = []
    rejected: list[Rejection] = []
    seen: set[tuple[str, str]] = set()
    for rule, text in found.fired:
        if rule in REJECTIONS:
            rejected.append(Rejection(rule, text, REJECTIONS[rule]))
            continue
        seen.add((rule, text))
        kept = any(name in text or text in name for name in names)
        hits.append(RuleHit(rule, text, "kept" if kept else "dropped"))
    sentence = found.sentence
    if sentence is not None and any(item.kind == "chunk" for item in sentence.items):
        for match in matches(sentence.items, kind):
            items = sentence.items
            text = sentence.text[items[match.start].start : items[match.end - 1].end]
            if (match.rule.id, text) not in seen:
                seen.add((match.rule.id, text))
                hits.append(RuleHit(match.rule.id, text, "no candidate"))
    for p in found.people:
        if not any(h.rule == p.rule for h in hits):  # rules of code rather than patterns.json: 'honorific-org' …
            hits.append(RuleHit(p.rule, p.name))
    for o in found.orgs:
        if not any(h.rule == o.rule.split(":")[0] for h in hits):
            hits.append(RuleHit(o.rule, o.name))
    return hits, rejected


def _cue(document: DocumentCandidate, article: Article | None) -> str:
    """What gave the document its status, as a reader can find it in the text."""
    if document.rule == "back-reference":
        return f"refers back to '{document.title}'"
    if document.rule == "document-list":
        heading = article.sentences[document.sentence.heading].text if article and document.sentence.heading is not None else ""
        return f"the list's opening line '{heading}'" if heading else "the list's opening line"
    if document.opener is not None:
        return f"the sentence before: '{document.opener.text[:80]}'"
    cues = dict(vocab().status_cues).get(document.status, ())
    low = document.sentence.text.lower()
    start, end = document.span
    best: tuple[int, str] | None = None
    for cue in cues:
        for match in re.finditer(re.escape(cue), low):
            distance = match.start() - end if match.start() >= end else start - match.end() if match.end() <= start else 0
            if best is None or abs(distance) < best[0]:
                best = (abs(distance), low[match.start() : match.end()] if cue.endswith(" ") else _whole_word(low, match.start(), match.end()))
    return f"'{best[1]}'" if best else "the status of an earlier sentence"


def _whole_word(low: str, start: int, end: int) -> str:
    """A cue that is a word's beginning ('negotiat', 'prepar') shown as the word the text has."""
    while end < len(low) and low[end].isalpha():
        end += 1
    return low[start:end]


_NUMBER = re.compile(r"(?<![\w.])[\w.,/-]*\d[\w.,/-]*")


def _numbers_left(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Numbers the figure finder did not take (model names, names with numbers, dates, years, ordinals …)."""
    left = []
    for match in _NUMBER.finditer(text):
        if not any(s <= match.start() < e for s, e in spans):
            left.append(match.group().rstrip(".,"))
    return left


# ---------------------------------------------------------------- one file


def explain_file(path: Path) -> ArticleReport:
    """The report of one article file; `bot.ingest.reader.ArticleError` for a file that is not an article."""
    with open(path, "rb") as handle:
        raw = handle.read()
    return explain_page(raw, path.name)


def explain_page(raw: bytes, file_name: str) -> ArticleReport:
    """The report of one article file's bytes (pure)."""
    article = parse_article(raw, file_name)  # the article exactly as the index reads it (ArticleError if none)
    numbered, header = _page_lines(raw)
    page = classify([text for _, text in numbered], frozenset(outlets.agencies().names))
    lines = []
    for (number, _), line in zip(numbered, page.lines):
        lines.append(LineView(
            number=number, kind=line.kind, why=line.why, text=line.text,
            dateline=line.text[: line.dateline].strip() or None if line.dateline else None,
            agency=line.agency, signature=line.signature,
        ))
    clues = outlets.clues(page.lines, header, page.url)
    chosen_name, how = outlets.choose(clues)
    clue_views = list(dict.fromkeys(_clue_view(clue, lines) for clue in clues))  # each clue once, in page order
    of_kind = [view for view in clue_views if view.how == how]
    chosen = next((view for view in of_kind if fold(view.name) == fold(chosen_name or "")), of_kind[0] if of_kind else None)
    headline = next((line for line in lines if line.kind == "headline"), None)
    title_from = f"the page's headline (line {headline.number})" if headline else "the lead sentence (the page has no headline line)"

    rejected: list[tuple[int, str, str]] = []
    documents = find_documents(article, rejected)
    by_sentence: dict[int, list[DocumentCandidate]] = {}
    for document in documents:
        by_sentence.setdefault(document.sentence.index, []).append(document)
    nouns: dict[int, list[tuple[str, str]]] = {}
    for index, reason, noun in rejected:
        nouns.setdefault(index, []).append((reason, noun))
    sentences = [
        _sentence_report(sentence, by_sentence.get(sentence.index, []), nouns.get(sentence.index, []), article)
        for sentence in article.sentences
    ]
    return ArticleReport(
        file=file_name, date=article.date.isoformat(), outlet=article.outlet, outlet_how=how if chosen_name else "",
        outlet_clue=chosen, clues=clue_views, title=article.title, title_from=title_from, url=article.url,
        warnings=list(article.warnings), lines=lines, sentences=sentences, **_resolved(article, sentences),
    )


def _page_lines(raw: bytes) -> tuple[list[tuple[int, str]], str]:
    """The page's non-empty lines with their line numbers in the file, as `reader.parse_article` reads them,
    and what follows the date on the header line."""
    import unicodedata

    text = unicodedata.normalize("NFC", decode(raw)).replace("\r\n", "\n").replace("\r", "\n")
    header = re.match(r"^\ufeff?[ \t]*date[ \t]+\d{4}-\d{2}-\d{2}[ \t]*", text)
    body = text[header.end() :] if header else text
    numbered = [(n + 1, line.strip()) for n, line in enumerate(body.split("\n")) if line.strip()]
    return numbered, body.split("\n", 1)[0].strip()


def _clue_view(clue: OutletClue, lines: list[LineView]) -> ClueView:
    """The clue and the line that names it: its signature or dateline, a line that is the name alone, a line of
    the page's chrome or credits holding it, else any line holding it."""
    want = fold(clue.name)

    def first(test) -> int | None:  # noqa: ANN001
        return next((line.number for line in lines if test(line)), None)

    number = None
    if clue.how == "signature":
        number = first(lambda line: fold(line.signature or "") == want or fold(line.text.strip(" —–-")) == want)
    elif clue.how.startswith("dateline"):
        number = first(lambda line: bool(line.agency) and (fold(line.agency) == want or outlets.agency(line.agency or "") == clue.name))
    elif clue.how.startswith("source"):
        number = first(lambda line: line.kind == "source" and want in fold(line.text))
    if number is None and want:
        number = (first(lambda line: fold(line.text.strip(" ()[]|")) == want)
                  or first(lambda line: line.kind in ("chrome", "credit", "byline", "source") and _names(line.text, want, clue.name))
                  or first(lambda line: _names(line.text, want, clue.name)))
    return ClueView(clue.name, clue.how, number)


def _names(text: str, folded_name: str, name: str) -> bool:
    return folded_name in fold(text) or outlets.agency_in(text) == name


def _resolved(article: Article, sentences: list[SentenceReport]) -> dict[str, Any]:
    """The facts of this one article resolved on its own: what `/who` would find if it were the only file."""
    from bot.ingest.extract import extract

    facts = extract([article])
    rules_of: dict[str, list[str]] = {}
    for report in sentences:
        for p in report.people:
            rules_of.setdefault(fold(p.name), []).append(p.rule)
        for o in report.organizations:
            rules_of.setdefault(fold(o.name), []).append(o.rule)

    def rules(name: str, aliases: list[str]) -> list[str]:
        found: list[str] = []
        for form in [name, *aliases]:
            found.extend(r for r in rules_of.get(fold(form), []) if r not in found)
        return found

    sectors = Counter(hit.sector for hit in facts.sector_hits)
    person_forms = {fold(form) for p in facts.people for form in [p.name, *p.aliases]}
    org_forms = {fold(form) for o in facts.organizations for form in [o.name, *o.aliases]}
    left: dict[tuple[str, str], Rejection] = {}
    for report in sentences:
        for p in report.people:
            if fold(p.name) not in person_forms:
                left.setdefault((p.rule, p.name), Rejection(p.rule, p.name, "person candidate not among the article's people"))
        for o in report.organizations:
            if fold(o.name) not in org_forms and fold(o.name) not in person_forms:
                why = ("a weak candidate (found from context alone): dropped when a person, a place or a lower-case "
                       "word of the article claims it" if o.weak else "not among the article's organisations")
                left.setdefault((o.rule, o.name), Rejection(o.rule, o.name, why))
            elif fold(o.name) not in org_forms:
                left.setdefault((o.rule, o.name), Rejection(o.rule, o.name, "organisation candidate that names a person of the article"))
    return {
        "not_resolved": list(left.values()),
        "people": [ResolvedPerson(p.name, p.role, p.organization, list(p.aliases), rules(p.name, p.aliases), len(p.citations))
                   for p in facts.people],
        "organizations": [ResolvedOrg(o.name, list(o.aliases), o.description, rules(o.name, o.aliases), len(o.citations))
                          for o in facts.organizations],
        "agreements": [ResolvedAgreement(a.title, a.type, a.status, list(a.parties), list(a.sectors)) for a in facts.agreements],
        "figures": [ResolvedFigure(f.value, f.unit, f.about) for f in facts.figures],
        "sectors": dict(sectors.most_common()),
    }


# ---------------------------------------------------------------- rendering (the edge)


def as_json(report: SentenceReport | ArticleReport, all_sentences: bool = False) -> dict[str, Any]:
    """The report as plain JSON data; an article's sentences only where something fired unless `all_sentences`."""
    data = dataclasses.asdict(report)
    if isinstance(report, ArticleReport):
        data["sentences"] = [
            {**dataclasses.asdict(s), "fired": s.fired} for s in report.sentences if all_sentences or s.fired
        ]
    else:
        data["fired"] = report.fired
    return data


_QUIET_TAGS = frozenset({"function_word", "not_name", "opener"})  # not shown on small words; the JSON keeps them


def render_items(items: list[ItemView]) -> str:
    """'[DEMONYM Russian] [TITLE Deputy Prime Minister] [NAME Ivan Petrov] met/speech_verb …'."""
    parts = []
    for item in items:
        if item.kind == "punct":
            parts.append(item.text)
        elif item.kind == "word":
            small_word = bool({"function_word", "opener"} & set(item.tags))  # 'the', 'in': their tags say little
            tags = [tag for tag in item.tags if not (small_word and tag in _QUIET_TAGS)]
            parts.append(item.text + ("/" + ",".join(tags) if tags else ""))
        else:
            label = "/".join(item.types) or item.kind.upper()
            parts.append(f"[{label} {item.text}]")
    return " ".join(parts)


def _facts(pairs: list[tuple[str, Any]]) -> str:
    return "  ".join(f"{key} {value!r}" if isinstance(value, str) else f"{key} {value}" for key, value in pairs
                     if value not in (None, "", [], False))


def render_sentence(report: SentenceReport, indent: str = "") -> str:
    out: list[str] = []
    say = out.append
    head = f"[{report.index}] " if report.index is not None else ""
    say(f"{indent}{head}{report.kind}: {report.text}")
    pad = indent + "  "
    say(f"{pad}items: {render_items(report.items)}")
    if not report.grammar_ran:
        say(f"{pad}(no word that may start a name: no grammar rule was tried)")
    if report.rules:
        say(f"{pad}rules:")
        width = max(len(h.rule) for h in report.rules)
        for hit in report.rules:
            note = {"kept": "", "dropped": "   (its candidate was dropped: see rejected)",
                    "no candidate": "   (matched; made no candidate)"}.get(hit.outcome, hit.outcome)
            say(f"{pad}  {hit.rule:<{width}}  {hit.text!r}{note}")
    for person in report.people:
        say(f"{pad}person: {person.name}  " + _facts([("rule", person.rule), ("role", person.role),
                                                     ("organisation", person.organization), ("country", person.country),
                                                     ("credit", person.credit)]) + ("  (weak)" if person.weak else ""))
    for org in report.organizations:
        say(f"{pad}organisation: {org.name}  " + _facts([("rule", org.rule), ("acronym", org.acronym), ("aliases", org.aliases),
                                                         ("description", org.description)]) + ("  (weak)" if org.weak else ""))
    if report.places:
        say(f"{pad}places: " + ", ".join(f"{p.text} ({p.type.lower()})" for p in report.places))
    for document in report.documents:
        say(f"{pad}document: {document.type} {document.title!r}  status {document.status} (cue {document.cue})  rule {document.rule}")
    for figure in report.figures:
        say(f"{pad}figure: {figure.value}  unit {figure.unit}  about {figure.about!r}  rule {figure.rule}")
    if report.numbers_not_figures:
        say(f"{pad}numbers not taken as figures: " + ", ".join(report.numbers_not_figures))
    for rejection in report.rejected:
        say(f"{pad}rejected: {rejection.rule} {rejection.text!r}: {rejection.reason}")
    if not report.fired:
        say(f"{pad}nothing found")
    return "\n".join(out)


def render_article(report: ArticleReport, all_sentences: bool = False) -> str:
    out: list[str] = []
    say = out.append
    say(f"File: {report.file}")
    say(f"Date: {report.date}")
    if report.outlet_clue is not None:
        where = f", line {report.outlet_clue.line}" if report.outlet_clue.line else ""
        say(f"Outlet: {report.outlet}  (from {_HOW.get(report.outlet_how, report.outlet_how)}{where})")
    else:
        say(f"Outlet: none found; the file name stands in ({report.outlet})")
    if report.clues:
        say("  clues: " + "; ".join(f"{c.how} {c.name!r}" + (f" (line {c.line})" if c.line else "") for c in report.clues))
    say(f"Title: {report.title}  (from {report.title_from})")
    if report.url:
        say(f"URL: {report.url}")
    for warning in report.warnings:
        say(f"Warning: {warning}")
    say("")
    say(f"Layout ({len(report.lines)} lines):")
    width = max((len(line.why) for line in report.lines), default=0)
    for line in report.lines:
        extra = []
        if line.dateline:
            extra.append(f"dateline {line.dateline!r}" + (f" agency {line.agency}" if line.agency else ""))
        elif line.agency:
            extra.append(f"names {line.agency}")
        if line.signature:
            extra.append(f"signature {line.signature}")
        text = line.text if len(line.text) <= 90 else line.text[:89] + "…"
        say(f"  {line.number:>4} {line.kind:<10} {line.why:<{width}}  {text}" + (f"   [{'; '.join(extra)}]" if extra else ""))
    say("")
    shown = [s for s in report.sentences if all_sentences or s.fired]
    say(f"Sentences ({len(shown)} of {len(report.sentences)}" + ("" if all_sentences else " where something fired; --all for every one") + "):")
    for sentence in shown:
        say(render_sentence(sentence, indent="  "))
    say("")
    say("Resolved in this article:")
    for person in report.people:
        say("  person: " + person.name + "  " + _facts([("role", person.role), ("organisation", person.organization),
                                                     ("aliases", person.aliases), ("rules", person.rules)]) + f"  ({plural(person.mentions, 'mention')})")
    for org in report.organizations:
        say("  organisation: " + org.name + "  " + _facts([("aliases", org.aliases), ("description", org.description),
                                                         ("rules", org.rules)]) + f"  ({plural(org.mentions, 'mention')})")
    for agreement in report.agreements:
        say(f"  agreement: {agreement.type} {agreement.title!r}  status {agreement.status}  " + _facts([("parties", agreement.parties), ("sectors", agreement.sectors)]))
    for figure in report.figures:
        say(f"  figure: {figure.value}  unit {figure.unit}  about {figure.about!r}")
    if report.sectors:
        say("  sectors: " + ", ".join(f"{key} ({count})" for key, count in report.sectors.items()))
    for left in report.not_resolved:
        say(f"  not kept: {left.text!r} ({left.rule}): {left.reason}")
    return "\n".join(out)
