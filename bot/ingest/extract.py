"""Articles → Facts: pure and generic. Finds candidates sentence by sentence, then resolves them across articles.

Resolution is what makes answers whole: every mention of one person (full name, surname alone, reversed
order, title + surname, with or without diacritics) becomes one entity with aliases; the same agreement or
figure reported by two articles becomes one fact with two citations.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from bot.ingest.documents import DocumentCandidate, find_documents, is_heading
from bot.ingest.entities import OrgCandidate, PersonCandidate, find_entities
from bot.ingest.figures import find_figures
from bot.ingest.lexicon import Vocabulary, taxonomy, vocabulary
from bot.ingest.names import fold, slug
from bot.ingest.tokens import tokenize
from bot.models import (
    Agreement,
    Article,
    Citation,
    Facts,
    Figure,
    Mention,
    Organization,
    Person,
    SectorHit,
)


def compact(text: str) -> str:
    """The matching key of a name: folded, without spaces (`Việt Nam` = `Vietnam`)."""
    return fold(text).replace(" ", "")


@dataclass
class _Org:
    names: Counter[str] = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)
    description: str | None = None

    @property
    def name(self) -> str:
        return max(self.names.items(), key=lambda item: (item[1], len(item[0])))[0] if self.names else sorted(self.aliases)[0]


@dataclass
class _Person:
    name: str
    aliases: set[str] = field(default_factory=set)
    short_aliases: set[str] = field(default_factory=set)  # one-word aliases (surname, given name, patronymic)
    roles: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    preceding: list[str] = field(default_factory=list)


def extract(articles: list[Article]) -> Facts:
    """Everything the articles say, as facts with citations (pure: the same articles give the same facts).

    Candidates are found sentence by sentence first; people and organisations are then resolved across all
    articles, so that mentions (which need every alias) and agreement parties can be read in a second pass.
    """
    vocab = vocabulary()
    org_candidates: list[OrgCandidate] = []
    person_candidates: list[PersonCandidate] = []
    for article in articles:
        for sentence in article.sentences:
            found = find_entities(sentence.text)
            org_candidates.extend(found.orgs)
            person_candidates.extend(found.people)
    orgs = _resolve_orgs(org_candidates, vocab)
    people = _resolve_people(person_candidates, vocab)
    org_keys, person_keys = _keys(orgs, people)
    org_names = {key: org.name for org, key in zip(orgs, org_keys)}

    citations = _Citations(articles)
    mentions, sentence_mentions = _mentions(articles, orgs, people, org_keys, person_keys, citations, vocab)
    return Facts(
        articles=list(articles),
        people=_people_facts(people, person_keys, orgs, mentions),
        organizations=[
            Organization(
                key=key,
                name=org.name,
                aliases=sorted(org.aliases - {org.name}, key=str.lower),
                description=org.description,
                citations=mentions.get(key, []),
            )
            for org, key in zip(orgs, org_keys)
        ],
        mentions=[Mention(entity=key, citation=c) for key, cited in mentions.items() for c in cited],
        agreements=_agreements(articles, sentence_mentions, org_names, citations, vocab),
        figures=_figures(articles, citations),
        sector_hits=[
            SectorHit(sector=sector, citation=citations.of(a, sentence.index))
            for a, article in enumerate(articles)
            for sentence in article.sentences
            if not is_heading(sentence)
            for sector in taxonomy().tag(sentence.text)
        ],
    )


class _Citations:
    """One Citation per sentence, shared by every fact that cites it."""

    def __init__(self, articles: list[Article]) -> None:
        self._articles = articles
        self._made: dict[tuple[int, int], Citation] = {}

    def of(self, article: int, sentence: int) -> Citation:
        key = (article, sentence)
        if key not in self._made:
            self._made[key] = Citation.of(self._articles[article], self._articles[article].sentences[sentence])
        return self._made[key]


def _mentions(
    articles: list[Article],
    orgs: list[_Org],
    people: list[_Person],
    org_keys: list[str],
    person_keys: list[str],
    citations: _Citations,
    vocab: Vocabulary,
) -> tuple[dict[str, list[Citation]], dict[tuple[int, int], list[tuple[str, int, int]]]]:
    """Per entity the sentences that mention it; per sentence the (entity, start, end) found in it."""
    matcher = _AliasMatcher(orgs, people, org_keys, person_keys)
    facets = _facets(people, person_keys, orgs)
    mentions: dict[str, list[Citation]] = defaultdict(list)
    sentence_mentions: dict[tuple[int, int], list[tuple[str, int, int]]] = {}
    for a, article in enumerate(articles):
        for index, hits in _article_mentions(article, matcher, facets, vocab).items():
            sentence_mentions[(a, index)] = hits
            if is_heading(article.sentences[index]):
                continue  # a heading attributes its bullets; it is not itself something said
            for key in dict.fromkeys(key for key, _, _ in hits):
                mentions[key].append(citations.of(a, index))
    return mentions, sentence_mentions


def _people_facts(
    people: list[_Person], person_keys: list[str], orgs: list[_Org], mentions: dict[str, list[Citation]]
) -> list[Person]:
    org_by_compact = {compact(alias): org.name for org in orgs for alias in org.aliases | {org.name}}
    facts = []
    for person, key in zip(people, person_keys):
        organization = next((org_by_compact.get(compact(o), o) for o in person.organizations), None)
        if organization is None:  # "Inpex President N": the word before the title is a known organisation
            organization = next((org_by_compact[compact(w)] for w in person.preceding if compact(w) in org_by_compact), None)
        facts.append(
            Person(
                key=key,
                name=person.name,
                aliases=sorted(person.aliases - {person.name}, key=str.lower),
                role=_best_role(person.roles),
                organization=organization,
                citations=mentions.get(key, []),
            )
        )
    return facts


# ---------------------------------------------------------------- organisations


def _org_names(candidate: OrgCandidate, vocab: Vocabulary) -> tuple[str, set[str]]:
    """The name to show and every alias one candidate gives."""
    name = candidate.name.strip(" –-")
    aliases = {name}
    if candidate.acronym:
        aliases.add(candidate.acronym)
    for suffix in vocab.organ_suffixes:
        if name.endswith(" " + suffix) and len(name) > len(suffix) + 3:
            name = name[: -len(suffix)].strip()  # the Party, not its Central Committee
            aliases.add(name)
    words = name.split()
    if len(words) == 2 and words[0].isupper() and words[1] in vocab.heads:
        aliases.add(words[0])  # "KDB Bank" is also "KDB"
    if len(words) >= 3 and fold(words[0]) in vocab.countries:
        aliases.add(" ".join(words[1:]))  # "Chilean Harbour Board" is also "Harbour Board"
    if len(words) >= 2 and words[-1] in vocab.corporate_suffixes and not vocab.generic(words[-2]):
        aliases.add(" ".join(words[:-1]))  # "Inpex Corp" is also "Inpex"
    return name, aliases


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[:1].isupper())


def _resolve_orgs(candidates: list[OrgCandidate], vocab: Vocabulary) -> list[_Org]:
    orgs: list[_Org] = []
    by_key: dict[str, _Org] = {}
    for candidate in candidates:
        name, aliases = _org_names(candidate, vocab)
        keys = {compact(alias) for alias in aliases}
        matches = list({id(by_key[k]): by_key[k] for k in keys if k in by_key}.values())
        if matches:
            org = matches[0]
            for other in matches[1:]:  # this candidate links two entities: merge them
                org.names.update(other.names)
                org.aliases |= other.aliases
                org.description = org.description or other.description
                orgs.remove(other)
                for k in [k for k, v in by_key.items() if v is other]:
                    by_key[k] = org
        else:
            org = _Org()
            orgs.append(org)
        if not name.isupper() or len(aliases) == 1:
            org.names[name] += 1
        org.aliases |= aliases
        org.description = org.description or candidate.description
        for k in keys:
            by_key[k] = org
    # an acronym standing alone is the organisation whose initials it spells ("NDF")
    by_initials: dict[str, list[_Org]] = defaultdict(list)
    for org in orgs:
        for initials in {_initials(a) for a in org.aliases if not a.isupper()}:
            by_initials[initials].append(org)
    for org in [o for o in orgs if all(a.isupper() for a in o.aliases)]:
        acronym = next(iter(org.aliases))
        owners = [o for o in by_initials.get(acronym, ()) if o is not org and o in orgs]
        if len(owners) == 1:
            owners[0].aliases |= org.aliases
            orgs.remove(org)
    return orgs


# ---------------------------------------------------------------- people


_PARTICLES = frozenset({"bin", "ibn", "bint", "binti", "al", "el", "ben"})


def _person_names(tokens: list[str], vocab: Vocabulary) -> tuple[str, set[str], set[str]]:
    """Canonical name, full aliases and one-word aliases; reads `Ivanov Pyotr Sergeyevich` as Pyotr Ivanov."""
    endings = vocab.patronymic_endings
    full = " ".join(tokens)
    if len(tokens) == 3 and tokens[2].lower().endswith(endings) and not tokens[1].lower().endswith(endings):
        surname, given, patronymic = tokens
        return f"{given} {surname}", {full, f"{given} {patronymic} {surname}", f"{given} {surname}"}, {surname, patronymic}
    if len(tokens) == 3 and tokens[1].lower().endswith(endings):
        given, patronymic, surname = tokens
        return f"{given} {surname}", {full, f"{surname} {given} {patronymic}", f"{given} {surname}"}, {surname, patronymic}
    if len(tokens) == 1:
        return full, {full}, {tokens[0]}
    short = set()
    if not any(t in _PARTICLES for t in tokens[1:-1]):
        short.add(tokens[-1])  # a surname, or a Vietnamese given name: "Smith", "An" (not the father in "bin Salman")
    if tokens[0] not in vocab.function_words and len(tokens[0]) > 1:
        short.add(tokens[0])  # a family name first: "Xi", "Wang" (dropped where two people share it)
    return full, {full}, short


def _resolve_people(candidates: list[PersonCandidate], vocab: Vocabulary) -> list[_Person]:
    people: list[_Person] = []
    by_key: dict[str, _Person] = {}
    singles: list[PersonCandidate] = []
    for candidate in candidates:
        if len(candidate.name_tokens) == 1:
            singles.append(candidate)
            continue
        name, aliases, short = _person_names(candidate.name_tokens, vocab)
        person = next((by_key[compact(a)] for a in aliases if compact(a) in by_key), None)
        if person is None:
            person = _Person(name=name)
            people.append(person)
        elif sum(1 for c in name if ord(c) > 127) > sum(1 for c in person.name if ord(c) > 127):
            person.aliases.add(person.name)
            person.name = name  # keep the spelling with diacritics: Lê Văn An over Le Van An
        person.aliases |= aliases
        person.short_aliases |= short
        _add_role(person, candidate)
        for alias in aliases:
            by_key[compact(alias)] = person
    by_short: dict[str, list[_Person]] = defaultdict(list)
    for person in people:
        for short_alias in {compact(s) for s in person.short_aliases}:
            by_short[short_alias].append(person)
    for candidate in singles:
        word = candidate.name_tokens[0]
        owners = by_short.get(compact(word), [])
        if len(owners) == 1:
            person = owners[0]
        elif not owners and compact(word) not in by_key:
            person = _Person(name=word, short_aliases={word})
            people.append(person)
            by_key[compact(word)] = person
            by_short[compact(word)].append(person)
        else:
            continue
        if candidate.title:
            person.aliases.add(f"{candidate.title} {word}")
        _add_role(person, candidate)
    for person in people:
        person.aliases |= person.short_aliases
        person.aliases.add(person.name)
    return people


def _add_role(person: _Person, candidate: PersonCandidate) -> None:
    if candidate.role:
        person.roles.append(candidate.role)
    if candidate.organization:
        person.organizations.append(candidate.organization)
    if candidate.preceding:
        person.preceding.append(candidate.preceding)


def _best_role(roles: list[str]) -> str | None:
    """The most specific role: one that names its organisation, else the one said most often."""
    if not roles:
        return None
    specific = [r for r in roles if " of " in r]
    if specific:
        return max(specific, key=len)
    return Counter(roles).most_common(1)[0][0]


def _keys(orgs: list[_Org], people: list[_Person]) -> tuple[list[str], list[str]]:
    used: set[str] = set()

    def unique(base: str) -> str:
        key, n = base, 2
        while key in used:
            key = f"{base[:36]}-{n}"
            n += 1
        used.add(key)
        return key

    person_keys = [unique(slug(p.name)) for p in people]
    org_keys = [unique(slug(o.name)) for o in orgs]
    return org_keys, person_keys


# ---------------------------------------------------------------- mentions


_WORD = re.compile(r"[^\W_](?:[\w’'&.\-]*[\w])?\.?")
# a word that may start with a capital: lower-case ASCII, Latin-1 and Cyrillic initials are left out at once
_CAPITALISED = re.compile(r"(?<![\w’'&.\-])[^\W\d_a-zß-ÿа-яё](?:[\w’'&.\-]*[\w])?\.?")


class _AliasMatcher:
    """Finds every alias of every entity in a sentence by walking its folded words once."""

    def __init__(self, orgs: list[_Org], people: list[_Person], org_keys: list[str], person_keys: list[str]) -> None:
        owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
        upper: set[tuple[str, ...]] = set()
        for org, key in zip(orgs, org_keys):
            for alias in org.aliases | {org.name}:
                words = tuple(fold(alias).split())
                if words:
                    owners[words].add(key)
                    if alias.isupper():
                        upper.add(words)
        for person, key in zip(people, person_keys):
            for alias in person.aliases:
                words = tuple(fold(alias).split())
                if words:
                    owners[words].add(key)
        # alias words → entity, and per first word the alias lengths to try (longest first): a look-up per
        # capitalised word, whatever the number of entities
        self._owner = {words: next(iter(keys)) for words, keys in owners.items() if len(keys) == 1}
        lengths: dict[str, set[int]] = defaultdict(set)
        for words in self._owner:  # a surname two people share names neither
            lengths[words[0]].add(len(words))
        self._lengths = {first: sorted(ns, reverse=True) for first, ns in lengths.items()}
        self._prefixes = {words[:n] for words in self._owner for n in range(1, len(words) + 1)}
        self._upper = upper

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(entity key, start, end) of each alias in text; longest match wins; names must be capitalised.

        Only capitalised words can start a name, so only they are looked at; the words after one are folded
        only when an alias of that many words starts with it.
        """
        found: list[tuple[str, int, int]] = []
        free_from = 0
        for match in _CAPITALISED.finditer(text):
            if match.start() < free_from or not match.group()[0].isupper():
                continue
            token = match.group()
            bare = token[:-2] if token.endswith(("’s", "'s")) else token.rstrip(".")
            parts = fold(bare).split()
            lengths = self._lengths.get(parts[0]) if parts else None
            if not lengths:
                continue
            words: list[str] = []
            ends: list[int] = []
            for word in _WORD.finditer(text, match.start()):
                piece = word.group()
                piece = piece[:-2] if piece.endswith(("’s", "'s")) else piece.rstrip(".")
                for part in fold(piece).split() if piece[0].isupper() else [piece]:
                    words.append(part)
                    ends.append(word.end())
                if len(words) >= lengths[0] or tuple(words) not in self._prefixes:
                    break  # no alias goes on like this
            for n in lengths:
                alias = tuple(words[:n])
                key = self._owner.get(alias) if len(alias) == n else None
                if key is None or (alias in self._upper and not bare.isupper()):
                    continue
                found.append((key, match.start(), ends[n - 1]))
                free_from = ends[n - 1]
                break
        return found


_DESCRIPTION = re.compile(r"\b[Tt]he ((?:[A-Z][\w’'-]*\s+){1,3})([a-z]+)\b")


def _facets(people: list[_Person], person_keys: list[str], orgs: list[_Org]) -> dict[str, str]:
    """Per person, the compact words a description may point at: roles, organisations and their descriptions."""
    org_text: dict[str, str] = {}
    for org in orgs:
        text = " ".join([org.name, *org.aliases, org.description or ""])
        for alias in org.aliases | {org.name}:
            org_text[compact(alias)] = text
    return {
        key: compact(" ".join([*person.roles, *person.organizations, *(org_text.get(compact(o), "") for o in person.organizations)]))
        for person, key in zip(people, person_keys)
    }


def _article_mentions(
    article: Article,
    matcher: _AliasMatcher,
    facets: dict[str, str],
    vocab: Vocabulary,
) -> dict[int, list[tuple[str, int, int]]]:
    """Mentions by sentence, with two generic kinds of reference resolved:
    - a definite description (`the Party chief`, `the Acme leader`, `The Chilean official`) is the most
      recently named person whose role, organisation or country fits its qualifier;
    - bullets under a heading that names a person (`Statements by President N:`) are about that person.
    """
    person_set = facets.keys()
    result: dict[int, list[tuple[str, int, int]]] = {}
    recent: list[str] = []  # people in order of last mention
    heading_person: str | None = None
    for sentence in article.sentences:
        hits = matcher.find(sentence.text)
        if is_heading(sentence):
            named = [key for key, _, _ in hits if key in person_set]
            heading_person = named[0] if named else None
        elif heading_person and heading_person not in {k for k, _, _ in hits}:
            hits.append((heading_person, 0, 0))
        for match in _DESCRIPTION.finditer(sentence.text):
            qualifier, noun = match.group(1).strip(), match.group(2)
            if noun not in vocab.description_nouns:
                continue
            wanted = {compact(qualifier)}
            country = vocab.countries.get(fold(qualifier))
            if country:
                wanted.add(compact(country))
                wanted |= {compact(v) for v, c in vocab.countries.items() if c == country}
            fitting = [k for k in reversed(recent) if any(w and w in facets.get(k, "") for w in wanted)]
            named_here = [k for k, s, _ in hits if k in person_set and s < match.start()]
            candidates = [k for k in named_here if any(w in facets.get(k, "") for w in wanted)] or fitting
            if candidates:
                hits.append((candidates[0], match.start(), match.end()))
        for key, _, _ in sorted(hits, key=lambda hit: hit[1]):
            if key in person_set:
                if key in recent:
                    recent.remove(key)
                recent.append(key)
        if hits:
            result[sentence.index] = hits
    return result


# ---------------------------------------------------------------- agreements and figures


_STOP = frozenset(
    "a an the of on in for to and or with by between through from at its their new phase main cooperation "
    "agreement memorandum understanding deal roadmap declaration contract programme program protocol treaty".split()
)


def _content(text: str) -> set[str]:
    return {w for w in fold(text).split() if w not in _STOP and len(w) > 1}


def _same(a: set[str], b: set[str]) -> bool:
    if not a or not b:
        return a == b
    return len(a & b) / min(len(a), len(b)) >= 0.5


def _agreements(
    articles: list[Article],
    sentence_mentions: dict[tuple[int, int], list[tuple[str, int, int]]],
    org_names: dict[str, str],
    citations: _Citations,
    vocab: Vocabulary,
) -> list[Agreement]:
    tax = taxonomy()
    merged: list[tuple[Agreement, set[str]]] = []
    by_word = _Buckets()
    for a, article in enumerate(articles):
        for doc in find_documents(article):
            parties = _parties(doc, sentence_mentions.get((a, doc.sentence.index), []), org_names, vocab)
            sectors = tax.tag(doc.title) or tax.tag(doc.sentence.text)
            citation = citations.of(a, doc.sentence.index)
            content = _content(doc.title)
            same = next(
                (
                    agreement
                    for agreement, words in (merged[i] for i in by_word.candidates(doc.type, content))
                    if agreement.type == doc.type
                    and _same(words, content)
                    and not (agreement.parties and parties and not set(agreement.parties) & set(parties))
                ),
                None,
            )
            if same:
                if same.citations[-1] is not citation:  # sentences come in order: a repeat is the last one
                    same.citations.append(citation)
                same.sectors = list(dict.fromkeys([*same.sectors, *sectors]))
                same.parties = list(dict.fromkeys([*same.parties, *parties]))
                continue
            key = "a-" + hashlib.sha1(f"{article.id}:{doc.title}".encode()).hexdigest()[:10]
            agreement = Agreement(
                key=key, title=doc.title, type=doc.type, parties=parties, status=doc.status, sectors=sectors, citations=[citation]
            )
            by_word.add(doc.type, content, len(merged))
            merged.append((agreement, content))
    return [agreement for agreement, _ in merged]


class _Buckets:
    """Which earlier facts share a kind and a content word with a new one: merging stays linear in the corpus."""

    def __init__(self) -> None:
        self._index: dict[tuple[str, str], list[int]] = defaultdict(list)

    def add(self, kind: str, words: set[str], position: int) -> None:
        for word in words or {""}:
            self._index[(kind, word)].append(position)

    def candidates(self, kind: str, words: set[str]) -> list[int]:
        found: set[int] = set()
        for word in words or {""}:
            found.update(self._index.get((kind, word), ()))
        return sorted(found)


def _parties(
    doc: DocumentCandidate, hits: list[tuple[str, int, int]], org_names: dict[str, str], vocab: Vocabulary
) -> list[str]:
    """Organisations named in the document's title; for a state-level document, the countries named."""
    start, end = doc.span
    title = doc.sentence.text[start:end]
    between = re.search(r"\b(?:between|by|with|among|from)\b", title)
    before = [org_names[key] for key, s, e in hits if key in org_names and e <= doc.span[0]]
    if between:
        start += between.end()  # the parties follow "between": organisations and countries, in their order
        named = [(s, org_names[key]) for key, s, e in hits if key in org_names and start <= s and e <= end]
        inside_orgs = [(s, e) for key, s, e in hits if key in org_names]
        named += [
            (s, country)
            for s, country in _countries(doc.sentence.text, vocab)
            if start <= s < end and not any(a <= s < b for a, b in inside_orgs)
        ]
        parties = [name for _, name in sorted(named)]
        if between.group() == "with":
            parties = before[-1:] + parties  # "X signed a deal with Y": X is a party too
    else:  # "X and Y signed a roadmap …": the organisations before the document are its parties
        parties = before if len(before) >= 2 else []
    if parties:
        return list(dict.fromkeys(parties))
    countries = list(dict.fromkeys(country for _, country in _countries(doc.sentence.text, vocab)))
    return countries if len(countries) >= 2 else []


def _countries(text: str, vocab: Vocabulary) -> list[tuple[int, str]]:
    """(offset, country) of every country named in text, in order; not demonyms or possessives ("Japan's Inpex")."""
    found = []
    tokens = tokenize(text)
    for i, token in enumerate(tokens):
        for width in (3, 2, 1):
            words = tokens[i : i + width]
            if len(words) == width and all(t.is_cap for t in words) and not words[-1].is_possessive:
                folded = fold(" ".join(t.bare for t in words))
                if folded in vocab.country_names:
                    found.append((token.start, vocab.countries[folded]))
                    break
    return found


def _figures(articles: list[Article], citations: _Citations) -> list[Figure]:
    figures: list[tuple[Figure, set[str]]] = []
    by_word = _Buckets()
    for a, article in enumerate(articles):
        for sentence in article.sentences:
            for found in find_figures(sentence.text):
                citation = citations.of(a, sentence.index)
                content = _content(found.about) - _content(found.value)  # what it measures, not the number
                kind = f"{found.unit}:{found.value}"
                same = next(
                    (f for f, words in (figures[i] for i in by_word.candidates(kind, content)) if _same(words, content)),
                    None,
                )
                if same:
                    if same.citations[-1] is not citation:
                        same.citations.append(citation)
                    continue
                by_word.add(kind, content, len(figures))
                figures.append((Figure(value=found.value, unit=found.unit, about=found.about, citations=[citation]), content))
    return [figure for figure, _ in figures]

