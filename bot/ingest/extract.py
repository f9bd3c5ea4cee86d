"""Articles → Facts: orchestration only (pure: the same articles give the same facts).

  1. per sentence: the grammar's candidates (people, organisations, places)          entities.py
  2. per corpus: people and organisations resolved across articles                     resolve.py
  3. per article: mentions, named or described or by pronoun                           coref.py
  4. per article: agreements with their status and parties; figures; sector tags       documents.py, figures.py
  5. per corpus: the same agreement or figure from two outlets as one fact             merge.py
"""

from __future__ import annotations

import pickle
import re
from collections import Counter, defaultdict

from dataclasses import dataclass

from bot.ingest.appositions import apposition
from bot.ingest.coref import AliasMatcher, EntityIndex, Facets, Hit, MentionChanges, MentionInputs, alias_windows, article_mentions
from bot.ingest.documents import DocumentCandidate, find_documents
from bot.ingest.figures import FigureCandidate, find_figures
from bot.ingest.entities import OrgCandidate, PersonCandidate, SentenceEntities, find_entities
from bot.ingest.lexicon import lexicon, taxonomy
from bot.ingest.merge import Sided, agreements_of, document_parties, figures_of
from bot.ingest.resolve import OrgRecord, PersonRecord, best_role, org_keys, resolve_orgs, resolve_people
from bot.models import STATEMENT_KINDS, Article, Citation, Facts, Mention, Organization, Person, SectorHit
from bot.text import compact, fold, slug


_LOWER_WORD = re.compile(r"(?<![\w-])[a-z][a-z]+(?![\w-])")  # a word the articles write in lower case is no brand


class Citations:
    """One Citation per sentence, shared by every fact that cites it."""

    def __init__(self, articles: list[Article]) -> None:
        self._articles = articles
        self._made: dict[tuple[int, int], Citation] = {}

    def of(self, article: int, sentence: int) -> Citation:
        key = (article, sentence)
        if key not in self._made:
            self._made[key] = Citation.of(self._articles[article], self._articles[article].sentences[sentence])
        return self._made[key]


@dataclass
class ArticleCandidates:
    """Stage 1 of one article, pure and per article (so a pool of processes can run it): the grammar's
    candidates per sentence, its documents, its figures and its sentences' sectors."""

    entities: list[SentenceEntities]
    documents: list[DocumentCandidate]
    figures: list[tuple[int, FigureCandidate]]  # (sentence index, figure)
    sectors: list[tuple[int, list[str]]]  # (sentence index, sector keys)


def candidates_of(article: Article) -> ArticleCandidates:
    """Stage 1 for one article. The parse of a sentence is dropped once read, so candidates travel light."""
    tax = taxonomy()
    per_sentence = [_sentence_stage(sentence.text, sentence.kind) for sentence in article.sentences]
    entities = [found for found, _, _, _ in per_sentence]
    masked = {s.index: text for s, (_, text, _, _) in zip(article.sentences, per_sentence)}
    sectors = [(s.index, keys) for s, (_, _, keys, _) in zip(article.sentences, per_sentence) if keys]
    tagged = dict(sectors)
    documents = find_documents(article)
    for document in documents:
        text = masked.get(document.sentence.index, document.sentence.text)
        start, end = document.span
        title = text[start:end] if document.title in document.sentence.text[start:end] else document.title
        document.sectors = tax.tag(title) or tagged.get(document.sentence.index) or tax.tag(text)
    figures = [(s.index, figure) for s, (_, _, _, found) in zip(article.sentences, per_sentence) for figure in found]
    return ArticleCandidates(entities=entities, documents=documents, figures=figures, sectors=sectors)


# What one sentence gives alone: its candidates, its text with their names blanked (`_without_names`), and for a
# statement its sectors and its figures.
SentenceStage = tuple[SentenceEntities, str, list[str], list[FigureCandidate]]

# (sentence, kind) → its SentenceStage, pickled: a sentence this process met twice already (a site's boilerplate,
# a wire story's stock line) is not parsed again, and each use gets objects of its own (later stages change them).
# A sentence seen once is only noted: most never come back, and pickling them would cost more than it saves.
_PARSED: dict[tuple[str, str], bytes] = {}
_SEEN: set[tuple[str, str]] = set()
_PARSED_KEPT = 32_768
_PARSED_LENGTH = 400  # longer sentences rarely repeat


def _sentence_stage(text: str, kind: str) -> SentenceStage:
    key = (text, kind)
    blob = _PARSED.get(key)
    if blob is not None:
        found, masked, keys, figures = pickle.loads(blob)
        return found, masked if masked is not None else text, keys, figures
    found = find_entities(text, kind)
    if found.sentence is not None:
        found.place_names = [found.sentence.text[s:e] for s, e, _ in found.places]
        found.sentence = None
    masked = _without_names(text, found)
    keys: list[str] = []
    figures: list[FigureCandidate] = []
    if kind in STATEMENT_KINDS:
        keys = taxonomy().tag(masked)
        figures = find_figures(text)
    if len(text) <= _PARSED_LENGTH:
        if key not in _SEEN:  # most sentences are never seen again: kept from their second time on
            if len(_SEEN) >= _PARSED_KEPT:
                _SEEN.clear()
            _SEEN.add(key)
        else:
            if len(_PARSED) >= _PARSED_KEPT:
                _PARSED.clear()
            _PARSED[key] = pickle.dumps((found, masked if masked != text else None, keys, figures), pickle.HIGHEST_PROTOCOL)
    return found, masked, keys, figures


_HEAD = re.compile(r"([^\W\d_][\w’'-]*)(?=\s+of\b)")


def _without_names(text: str, found: SentenceEntities) -> str:
    """The sentence with its organisations' descriptors and the fields their names hold after 'of' blanked: a
    sentence is about oil because it says so, not because it names 'Russian oil company X' ('… will build a wind
    farm') or the 'Academy of National Economy'. The rest of a name stays: 'X University' is about universities."""
    spans = []
    for org in found.orgs:
        if org.description:
            at = text.rfind(org.description, max(0, org.start - len(org.description) - 3), org.start)
            if at >= 0:
                spans.append((at, at + len(org.description)))
        head = _HEAD.search(text, org.start, org.end)  # what follows 'Academy of' is its field, not the sentence's
        if head and head.end(1) < org.end:
            spans.append((head.end(1), org.end))
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "," + " " * (end - start - 1)  # a break, so the words either side make no phrase
    return "".join(chars)  # as long as the sentence: a document's span reads the same stretch


# What a build keeps of one article's mentions for the next (bot.ingest.cache): the words an alias could match
# in it (coref.alias_windows) and their first words, the keys its mentions name, the digest of its own inputs
# (coref.MentionInputs.local), its hits by sentence, the (sentence, person key, description) its definite
# descriptions gave, and its documents' parties (merge.document_parties, made of those hits).
MentionEntry = tuple[
    frozenset[tuple[str, ...]], frozenset[str], frozenset[str], bytes, dict[int, list[Hit]], list[tuple[int, str, str]], Sided
]


class MentionMemo:
    """The mentions of the last build by article (`previous`, aligned with the articles, None where it has none)
    with the corpus-wide inputs they were made of (`state`, coref.MentionInputs.state; None: none kept, every
    article's are found again), and what this build made: `made` by article position, and its own `state`. An
    article whose inputs did not change (coref.MentionChanges) keeps its mentions."""

    def __init__(self, previous: list[MentionEntry | None], state: tuple[dict, dict] | None = None) -> None:
        self.previous = previous
        self.state = state
        self.made: dict[int, MentionEntry] = {}


def extract(articles: list[Article], precomputed: list[ArticleCandidates] | None = None, memo: MentionMemo | None = None) -> Facts:
    """Everything the articles say, as facts with citations; `precomputed` holds stage 1 when a pool of
    processes ran it already (one per article, as `candidates_of` gives it); `memo`, the mentions of the last
    build to keep where their inputs are unchanged (the facts are the same with it or without)."""
    lex = lexicon()
    stage = precomputed if precomputed is not None else [candidates_of(article) for article in articles]
    found = {
        (a, sentence.index): entities
        for a, (article, per_article) in enumerate(zip(articles, stage))
        for sentence, entities in zip(article.sentences, per_article.entities)
    }
    _counterparts(found)
    person_candidates: list[tuple[int, str, PersonCandidate]] = []
    org_candidates: list[tuple[int, OrgCandidate]] = []
    places: set[str] = set()
    for (a, _), entities in found.items():
        date = articles[a].date.isoformat()
        person_candidates.extend((a, date, p) for p in entities.people)
        org_candidates.extend((a, o) for o in entities.orgs)
        places.update(compact(name) for name in entities.place_names)
    for a, article in enumerate(articles):
        if article.outlet != article.id:  # the publisher is an organisation the index knows
            org_candidates.append((a, OrgCandidate(name=article.outlet, start=0, end=0, rule="outlet")))
    people = resolve_people(person_candidates, lex)
    lower_words = {word for article in articles for sentence in article.sentences for word in _LOWER_WORD.findall(sentence.text)}
    lower_words |= {word + suffix for word in list(lower_words) for suffix in ("s", "es")}  # 'Plans are …' at a line's start
    blocked = places | lower_words | {compact(w) for p in people for form in p.aliases | p.short for w in [form]}
    blocked |= {compact(w) for p in people for form in p.aliases for w in form.split()}
    orgs = resolve_orgs(org_candidates, blocked, lex)
    person_forms = {compact(form) for p in people for form in p.aliases | p.short}
    orgs = [o for o in orgs if o.strong or not {compact(a) for a in o.aliases} & person_forms]
    person_keys, org_keys_ = _keys(people, orgs)
    index = _index(articles, people, orgs, person_keys, org_keys_, found)

    citations = Citations(articles)
    mentions: dict[str, list[Citation]] = defaultdict(list)
    descriptions: dict[str, list[str]] = defaultdict(list)  # person key → the descriptions that referred to them
    forms_in: dict[int, dict[str, str]] = defaultdict(dict)  # article → compact full name → person key
    for person, key in zip(people, person_keys):
        for a in person.articles:
            for form in person.aliases:
                forms_in[a][compact(form)] = key
    org_name = {key: org.name for org, key in zip(orgs, org_keys_)}
    sided: list[Sided] = []
    inputs = MentionInputs(index) if memo is not None else None
    changes = MentionChanges(memo.state, inputs) if memo is not None and memo.state is not None and inputs is not None else None
    for a, article in enumerate(articles):
        grammar_hits = _grammar_hits(a, article, found, forms_in[a])
        kept = entry = memo.previous[a] if memo is not None and a < len(memo.previous) else None
        if inputs is not None:
            local = inputs.local(a, grammar_hits)
            if entry is not None and (changes is None or entry[3] != local or changes.touch(entry[0], entry[1], entry[2])):
                entry = None
        if entry is not None:
            by_sentence, described, parties = entry[4], entry[5], entry[6]
        else:
            by_sentence = article_mentions(article, a, index, grammar_hits, lex)
            described = [
                (s, key, description)
                for s, hits in by_sentence.items()
                if article.sentences[s].kind != "heading"
                for key, description in described_people(article.sentences[s].text, hits, index.people)
            ]
            parties = document_parties(article, stage[a].documents, by_sentence, org_name)
            if inputs is not None and memo is not None:
                windows = kept[0] if kept is not None else alias_windows(s.text for s in article.sentences)
                firsts = frozenset(words[0] for words in windows)
                keys = frozenset(hit[0] for hits in by_sentence.values() for hit in hits)
                memo.made[a] = (windows, firsts, keys, local, by_sentence, described, parties)
        sided.append(parties)
        for s, hits in by_sentence.items():
            if article.sentences[s].kind == "heading":
                continue  # a heading attributes its bullets; it is not itself something said
            for key in dict.fromkeys(key for key, _, _ in hits):
                mentions[key].append(citations.of(a, s))
        for _, key, description in described:
            descriptions[key].append(description)

    if memo is not None and inputs is not None:
        memo.state = inputs.state()
    org_by_alias = {k: org.name for k, org in _orgs_by_key(orgs, lex).items()}
    return Facts(
        articles=list(articles),
        people=[
            _person(p, key, mentions, org_by_alias, lex).model_copy(update={"descriptions": descriptions.get(key, [])})
            for p, key in zip(people, person_keys)
        ],
        organizations=[_organization(o, key, mentions) for o, key in zip(orgs, org_keys_)],
        # many thousands of rows of a key and a Citation already made: built without validating each again
        mentions=[_constructed(Mention, {"entity": key, "citation": c}) for key, cited in mentions.items() for c in cited],
        agreements=agreements_of(articles, [c.documents for c in stage], sided, citations),
        figures=figures_of(articles, [c.figures for c in stage], citations),
        sector_hits=[
            _constructed(SectorHit, {"sector": sector, "citation": citations.of(a, index)})
            for a, per_article in enumerate(stage)
            for index, keys in per_article.sectors
            for sector in keys
        ],
    )


_set = object.__setattr__


def _constructed(cls: type[Mention] | type[SectorHit], fields: dict) -> Mention | SectorHit:
    """`cls.model_construct(**fields)` for a model whose every field is given, as pydantic makes one (its
    `__dict__`, the fields set, no extra, no private attributes), without looking up each field's aliases and
    default: hundreds of thousands of mentions and sector hits, a second of every build."""
    made = object.__new__(cls)
    _set(made, "__dict__", fields)
    _set(made, "__pydantic_fields_set__", set(fields))
    _set(made, "__pydantic_extra__", None)
    _set(made, "__pydantic_private__", None)
    return made


def described_people(text: str, hits: list[Hit], people: set[str]) -> list[tuple[str, str]]:
    """(person key, words) for each definite description that coreference read as one person in a sentence
    ('the Party chief affirmed …' → the Party chief); a phrase standing for several people ('the two leaders') is
    none of theirs alone."""
    spans: dict[tuple[int, int], set[str]] = defaultdict(set)
    for key, start, end in hits:
        if key in people and end > start and text[start:end].lower().startswith("the "):
            spans[(start, end)].add(key)
    return [(next(iter(keys)), text[start:end]) for (start, end), keys in spans.items() if len(keys) == 1]


def _counterparts(found: dict[tuple[int, int], SentenceEntities]) -> None:
    """'Foreign Minister Kim Tae-ho and his Vietnamese counterpart, Somsak Vongsa': the counterpart holds the
    same title for the other country ('Vietnamese Foreign Minister')."""
    for entities in found.values():
        for person in entities.people:
            if not person.counterpart:
                continue
            other = next((p for p in entities.people if p is not person and p.start < person.start and p.title), None)
            if other is not None:
                demonym = person.role or ""
                person.role = f"{demonym} {other.title}".strip()


def _grammar_hits(a: int, article: Article, found: dict, by_form: dict[str, str]) -> dict[int, list[Hit]]:
    """The sentences where the grammar itself found a person: a mention even when no alias matches there."""
    hits: dict[int, list[Hit]] = {}
    for sentence in article.sentences:
        entities = found.get((a, sentence.index))
        if not entities:
            continue
        for candidate in entities.people:
            key = by_form.get(compact(" ".join(candidate.words)))
            if key:
                hits.setdefault(sentence.index, []).append((key, candidate.start, candidate.end))
    return hits


def _keys(people: list[PersonRecord], orgs: list[OrgRecord]) -> tuple[list[str], list[str]]:
    used: set[str] = set()

    def unique(base: str) -> str:
        key, n = base, 2
        while key in used:
            key = f"{base[:36]}-{n}"
            n += 1
        used.add(key)
        return key

    return [unique(slug(p.name)) for p in people], [unique(slug(o.name)) for o in orgs]


def _index(articles, people, orgs, person_keys, org_keys_, found) -> EntityIndex:  # noqa: ANN001
    """The alias matcher (a one-word alias two people share names neither), article-local one-word aliases,
    and each entity's facets for descriptions."""
    lex = lexicon()
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    upper: set[tuple[str, ...]] = set()
    org_heads: dict[str, set[str]] = {}
    for org, key in zip(orgs, org_keys_):
        heads = set()
        for alias in org.aliases | {org.name}:
            words = tuple(fold(alias).split())
            if words:
                owners[words].add(key)
                if alias.isupper():
                    upper.add(words)
            heads |= {w for w in alias.split() if "org_head" in lex.tags(w)}
        org_heads[key] = heads
    local: dict[int, dict[tuple[str, ...], str]] = defaultdict(dict)
    local_owners: dict[tuple[int, tuple[str, ...]], set[str]] = defaultdict(set)
    for person, key in zip(people, person_keys):
        for alias in person.aliases:
            words = tuple(fold(alias).split())
            if words:
                owners[words].add(key)
        for short in person.short:
            words = tuple(fold(short).split())
            if not words:
                continue
            owners[words].add(key)
            for a in person.articles:
                local_owners[(a, words)].add(key)
    aliases = {words: next(iter(keys)) for words, keys in owners.items() if len(keys) == 1}
    for (a, words), keys in local_owners.items():
        if len(keys) == 1 and words not in aliases:
            local[a][words] = next(iter(keys))
    facets: dict[str, Facets] = {}
    org_alias_keys = _orgs_by_key(orgs, lex)
    for person, key in zip(people, person_keys):
        f = Facets()
        for role in person.roles:
            f.role_words |= {w[:5] for w in fold(role.text).split()}
            if role.organization:
                org = org_alias_keys.get(compact(role.organization))
                names = (org.aliases | {org.name}) if org else {role.organization}
                f.organizations |= {compact(n) for n in names}
            if role.country:
                f.countries.add(role.country)
        f.countries |= set(person.countries)
        for word in fold(" ".join(r.text for r in person.roles)).split():
            country = lex.countries.get(word)
            if country:
                f.countries.add(country)
        facets[key] = f
    return EntityIndex(
        matcher=AliasMatcher(aliases, upper),
        local=dict(local),
        facets=facets,
        people=set(person_keys),
        org_names={key: org.name for org, key in zip(orgs, org_keys_)},
        org_heads=org_heads,
    )


def _orgs_by_key(orgs: list[OrgRecord], lex) -> dict[str, OrgRecord]:  # noqa: ANN001
    """Each matching key of an organisation's names → the organisation. A key two of them share (the
    country-less 'national rail' of two countries' companies) is the first one's; names and keys are taken in
    sorted order, so the map never depends on the order a set iterates in (nor, then, on the hash seed)."""
    by_key: dict[str, OrgRecord] = {}
    for org in orgs:
        for alias in sorted(org.aliases | {org.name}):
            for k in _most_specific(org_keys(alias, lex)):
                by_key.setdefault(k, org)
    return by_key


def _most_specific(keys: set[str]) -> list[str]:
    """Keys longest first: 'Freedonia National Rail Company' is looked up as itself before 'national rail'."""
    return sorted(keys, key=lambda k: (-len(k), k))


def _person(record: PersonRecord, key: str, mentions: dict[str, list[Citation]], org_by_alias: dict[str, str], lex) -> Person:  # noqa: ANN001
    role, organization = best_role(record)
    if organization:
        organization = next((org_by_alias[k] for k in _most_specific(org_keys(organization, lex)) if k in org_by_alias), organization)
    if role is None and record.credits:
        role = ", ".join(sorted(record.credits))
    aliases = sorted({*record.aliases, *record.short} - {record.name}, key=str.lower)
    return Person(key=key, name=record.name, aliases=aliases, role=role, organization=organization, citations=mentions.get(key, []))


def _organization(record: OrgRecord, key: str, mentions: dict[str, list[Citation]]) -> Organization:
    name = record.name
    description = record.descriptions[0] if record.descriptions else None
    if description is None:  # what an apposition says it is: 'Orion Holding – one of the country’s leading … firms –'
        forms = sorted({name, *record.aliases}, key=len, reverse=True)
        description = next(
            (found for citation in mentions.get(key, []) if citation.kind in STATEMENT_KINDS
             for form in forms if (found := apposition(citation.sentence, form))),
            None,
        )
    return Organization(
        key=key,
        name=name,
        aliases=sorted(record.aliases - {name}, key=str.lower),
        description=description,
        citations=mentions.get(key, []),
    )


def compact_name(text: str) -> str:
    return compact(text)


__all__ = ["ArticleCandidates", "Citations", "MentionEntry", "MentionMemo", "candidates_of", "compact", "extract"]
_ = Counter  # re-exported names used by callers of the former module
