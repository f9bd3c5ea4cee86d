"""Candidates of every article → people and organisations resolved across the corpus.

One person is every spelling of one name: diacritics or none (Tô Hải = To Hai), either order (Tanaka Hiroshi =
Hiroshi Tanaka, Belyakov Anton Sergeevich = Anton Belyakov), a one-word mention inside an article that
names the whole person (Prabowo, Sheikh Khaled). One organisation is every name, acronym and expansion that
the articles tie together ('National Payment Corporation of Vietnam, known as NAPAS'), with corporate
suffixes, organ names and a leading country dropped for matching. A word that names a person or a place is
not an organisation found only from context.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from bot.ingest.entities import OrgCandidate, PersonCandidate
from bot.ingest.lexicon import Lexicon, lexicon
from bot.text import compact, fold

_PARTICLES = {"bin", "ibn", "bint", "binti", "al", "el", "ben", "abu", "de", "da", "do", "dos", "van", "von", "der", "den", "la", "le", "di", "du"}


@dataclass
class Role:
    """What one sentence says a person is."""

    text: str
    organization: str | None
    country: str | None
    rule: str
    article: int
    date: str


@dataclass(eq=False)
class PersonRecord:
    forms: Counter[str] = field(default_factory=Counter)  # full names as written
    words: frozenset[str] = frozenset()  # folded name words, the identity
    aliases: set[str] = field(default_factory=set)
    short: set[str] = field(default_factory=set)  # one-word forms that may stand for the person
    roles: list[Role] = field(default_factory=list)
    credits: set[str] = field(default_factory=set)
    articles: set[int] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    countries: Counter[str] = field(default_factory=Counter)
    strong: bool = False  # found by more than a verb of speech

    @cached_property
    def name(self) -> str:
        def score(item: tuple[str, int]) -> tuple[int, int, int]:
            form, count = item
            return (count + (2 if not form.isascii() else 0), sum(1 for c in form if not c.isascii()), len(form))

        return max(self.forms.items(), key=score)[0]


@dataclass(eq=False)
class OrgRecord:
    names: Counter[str] = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)
    descriptions: list[str] = field(default_factory=list)
    articles: set[int] = field(default_factory=set)
    strong: bool = False
    countries: set[str] = field(default_factory=set)  # the countries its names open with ('Freedonia National Rail')
    serial: int = 0  # the order records were made in: a merge keeps the oldest, whatever order sets iterate in

    @cached_property
    def name(self) -> str:
        full = {n: c for n, c in self.names.items() if not _acronym(n)}
        pool = full or dict(self.names) or {a: 1 for a in self.aliases}
        return max(pool.items(), key=lambda item: (item[1], len(item[0].split()) <= 8, len(item[0])))[0]


def _acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if c.isupper()) >= max(2, len(letters) - 2) and " " not in text


# ---------------------------------------------------------------- people


_NEVER_ALONE = ("the", "this", "these", "those")  # a name that ran into 'The …' is never called 'The'


def person_forms(words: tuple[str, ...], lex: Lexicon) -> tuple[tuple[str, ...], set[str], set[str]]:
    """(display words, full aliases, one-word aliases) of a written name.

    'Belyakov Anton Sergeevich' → Anton Belyakov (aliases with the patronymic; 'Sergeevich' and 'Belyakov'
    alone); East Asian family-name-first names keep the family name alone ('Xi'); a Vietnamese name keeps its
    given name ('Ha', 'Hùng'); an Arabic name its first word ('Khaled').
    """
    endings = lex.patronymic_endings
    full = " ".join(words)
    lows = [w.lower() for w in words]
    if len(words) == 3 and lows[2].endswith(endings) and not lows[1].endswith(endings):
        surname, given, patronymic = words
        return (given, surname), {full, f"{given} {patronymic} {surname}", f"{given} {surname}"}, {surname, patronymic}
    if len(words) == 3 and lows[1].endswith(endings):
        given, patronymic, surname = words
        return (given, surname), {full, f"{surname} {given} {patronymic}", f"{given} {surname}"}, {surname, patronymic}
    if len(words) == 1:
        return words, {full}, {words[0]}
    short: set[str] = set()
    culture = lex.tags(words[0]).get("family_name")
    last = words[-1]
    if not last.endswith(".") and len(last) > 1 and last.lower() not in _NEVER_ALONE:
        short.add(last)
    if culture in ("chinese", "korean", "japanese") and len(words) <= 3:
        short.add(words[0])  # 'Xi said', 'Yoon, who …', 'Tanaka'
    if any(w.lower() in ("bin", "ibn", "bint", "binti") for w in words[1:]):
        short = {words[0]}  # 'Sheikh Khaled', not 'Nahyan' (his father's and grandfather's names follow)
        if len(words) >= 4 and words[-2].lower() in ("al", "el"):
            short.add(f"{words[-2]} {words[-1]}")  # 'Al Nahyan': his family's name, his alone only where no other is named
    elif len(words) >= 3 and words[-2].lower() in ("al", "el"):
        short.add(f"{words[-2]} {words[-1]}")
    return words, {full}, short


_SPELLINGS = (  # romanisations of one name: Sergey/Sergei, Dmitriy/Dmitry/Dmitri, Aleksei/Alexei, Likhachov/Likhachev
    (re.compile(r"ks"), "x"),
    (re.compile(r"yo"), "e"),
    (re.compile(r"(?<=[cszh]h)o(?=v[a]?$)"), "e"),
    (re.compile(r"(?:iy|yi|y)$"), "i"),
)


def spelling(word: str) -> str:
    """A person's name word folded, and its romanisation variants made one: the key people are merged by."""
    key = fold(word)
    if len(key) < 4:
        return key
    for pattern, replacement in _SPELLINGS:
        key = pattern.sub(replacement, key)
    return key


def resolve_people(candidates: list[tuple[int, str, PersonCandidate]], lex: Lexicon | None = None) -> list[PersonRecord]:
    """People from (article, date, candidate) triples, merged by name; one-word names join a fuller name of their
    article when exactly one person there has that word."""
    lex = lex or lexicon()
    records: list[PersonRecord] = []
    by_words: dict[frozenset[str], PersonRecord] = {}
    singles: list[tuple[int, str, PersonCandidate]] = []
    family_only: list[tuple[int, str, PersonCandidate]] = []
    for article, date, candidate in candidates:
        words = _name_words(candidate.words)
        if len(words) == 1:
            singles.append((article, date, candidate))
            continue
        if len(words) == 2 and words[0].lower() in ("al", "el"):
            family_only.append((article, date, candidate))  # 'Al Nahyan': whose family name, the article says
            continue
        display, aliases, short = person_forms(candidate.words, lex)
        key = frozenset(spelling(w) for w in display if fold(w) not in _PARTICLES) or frozenset(spelling(w) for w in display)
        record = by_words.get(key)
        if record is None:
            record = by_words[key] = PersonRecord(words=key)
            records.append(record)
        _add(record, article, date, candidate, " ".join(display), aliases, short)
    in_article: dict[int, dict[int, PersonRecord]] = defaultdict(dict)  # article → its people (by id), as they grow
    if family_only:
        for record in records:
            for article in record.articles:
                in_article[article][id(record)] = record
    for article, date, candidate in family_only:
        tail = tuple(spelling(w) for w in candidate.words)
        owners = [r for r in in_article[article].values()
                  if any(tuple(spelling(w) for w in form.split()[-2:]) == tail for form in r.aliases)]
        if len(owners) == 1:
            _add(owners[0], article, date, candidate, None, set(), set())
            if candidate.title:
                owners[0].aliases.add(f"{candidate.title} {' '.join(candidate.words)}")
        elif not owners:
            singles_key = frozenset(tail)
            record = by_words.get(singles_key)
            if record is None:
                record = by_words[singles_key] = PersonRecord(words=singles_key)
                records.append(record)
            display, aliases, short = person_forms(candidate.words, lex)
            _add(record, article, date, candidate, " ".join(display), aliases, short)
            in_article[article][id(record)] = record
    # one-word names: a person of the same article who has that word, else a person of their own
    position = {id(record): n for n, record in enumerate(records)}
    by_article_word: dict[tuple[int, str], set[int]] = defaultdict(set)
    for n, record in enumerate(records):
        spelled = {spelling(w) for form in record.aliases for w in form.split()}
        for article in record.articles:
            for word in spelled:
                by_article_word[(article, word)].add(n)
    for article, date, candidate in singles:
        word = spelling(candidate.words[0])
        owners = by_article_word.get((article, word), set())
        if len(owners) == 1:
            record = records[next(iter(owners))]
            _add(record, article, date, candidate, None, set(), set())
            if candidate.title:
                record.aliases.add(f"{candidate.title} {candidate.words[0]}")
            continue
        if owners or candidate.weak:
            continue
        key = frozenset({word})
        record = by_words.get(key)
        if record is None:
            record = by_words[key] = PersonRecord(words=key)
            position[id(record)] = len(records)
            records.append(record)
        _add(record, article, date, candidate, candidate.words[0], {candidate.words[0]}, {candidate.words[0]})
        by_article_word[(article, word)].add(position[id(record)])
    return [record for record in records if record.strong or len(record.words) >= 2 and sum(record.forms.values()) >= 1]


def _name_words(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for w in words if w)


def _add(record: PersonRecord, article: int, date: str, candidate: PersonCandidate, display: str | None, aliases: set[str], short: set[str]) -> None:
    if display:
        record.forms[display] += 1
    record.aliases |= aliases
    record.short |= short
    record.articles.add(article)
    record.strong = record.strong or not candidate.weak
    if candidate.title:
        record.titles.add(candidate.title)
    if candidate.country:
        record.countries[candidate.country] += 1
    if candidate.credit:
        record.credits.add(candidate.credit)
    if candidate.role or candidate.organization:
        record.roles.append(Role(candidate.role or "", candidate.organization, candidate.country, candidate.rule, article, date))


def best_role(record: PersonRecord) -> tuple[str | None, str | None]:
    """The roles the articles give, most specific first, joined ('…; Communist Party chief'), and the
    organisation said most often. A role whose words another role already holds is not repeated."""
    roles = [r for r in record.roles if r.text]
    if not roles:
        orgs = Counter(r.organization for r in record.roles if r.organization)
        return None, orgs.most_common(1)[0][0] if orgs else None
    # newest article first, then the most words
    ordered = sorted(roles, key=lambda r: (r.date, len(_role_words(r.text)), r.rule != "name-who"), reverse=True)
    chosen: list[str] = []
    chosen_words: list[frozenset[str]] = []
    for role in sorted(ordered, key=lambda r: len(_role_words(r.text)), reverse=True):
        words = _role_words(role.text)
        if not words or any(words <= other for other in chosen_words):
            continue
        chosen_words = [other for other in chosen_words if not other <= words]
        chosen = [text for text in chosen if _role_words(text) in chosen_words]
        chosen.append(role.text)
        chosen_words.append(words)
    # newest first among the kept ones
    newest = {r.text: r.date for r in ordered}
    chosen.sort(key=lambda text: newest.get(text, ""), reverse=True)
    orgs = Counter(r.organization for r in record.roles if r.organization)
    return "; ".join(chosen[:3]), orgs.most_common(1)[0][0] if orgs else None


@lru_cache(maxsize=65_536)
def _role_words(text: str) -> frozenset[str]:
    """The words a role is compared by (roles repeat: one person's page asks of each role many times)."""
    return frozenset(w[:5] for w in fold(text).split() if w not in ("of", "the", "and", "a", "an", "s", "in", "at", "for", "to"))


# ---------------------------------------------------------------- organisations


def org_keys(name: str, lex: Lexicon) -> set[str]:
    """The matching keys of an organisation's name: itself, without a corporate suffix, a leading 'The', a
    leading country, an organ ('Central Committee')."""
    keys = {compact(name)}
    stripped = re.sub(r"^(?:The|the)\s+", "", name)
    keys.add(compact(stripped))
    words = stripped.split()
    while len(words) >= 2 and lex.tags(words[-1].rstrip(".,")).keys() & {"corporate_suffix"} and not _generic_rest(words[:-1], lex):
        words = words[:-1]
        keys.add(compact(" ".join(words)))
    if len(words) >= 3 and lex.tags(words[0]).keys() & {"country", "demonym"}:
        keys.add(compact(" ".join(words[1:])))
    for suffix in ("Central Committee", "Executive Committee", "Standing Committee"):
        if stripped.endswith(" " + suffix):
            keys.add(compact(stripped[: -len(suffix)]))
    return {k for k in keys if k}


def _short_forms(name: str, lex: Lexicon) -> set[str]:
    """'The Skyward Company' is also 'Skyward', 'Nordneft JSC' 'Nordneft', 'Nexo Corp' 'Nexo'."""
    words = re.sub(r"^(?:The|the)\s+", "", name).split()
    forms = set()
    while len(words) >= 2 and lex.tags(words[-1].rstrip(".,")).keys() & {"corporate_suffix"} and not _generic_rest(words[:-1], lex):
        words = words[:-1]
        forms.add(" ".join(words))
    return forms


def _generic_rest(words: list[str], lex: Lexicon) -> bool:
    """'Indian Oil' after 'Corp' is a name; 'National' alone or 'Power' alone is not."""
    if len(words) > 1:
        return False
    tags = lex.tags(words[0])
    return bool(tags.keys() & {"not_name", "org_head", "country", "demonym", "portfolio"}) and "family_name" not in tags


def country_of(name: str, lex: Lexicon) -> str | None:
    """The country an organisation's name opens with ('Freedonia National Rail Company', 'Freedonian Rail
    Authority'), if any: the same words after two countries' names are two organisations, however the name is
    shortened (`org_keys` drops a leading country)."""
    words = re.sub(r"^(?:The|the)\s+", "", name).split()
    return lex.countries.get(fold(words[0])) if len(words) >= 2 else None


def _apart(countries: set[str], others: set[str]) -> bool:
    """Names of two different countries' organisations: both name a country, and no country is the same."""
    return bool(countries and others and countries.isdisjoint(others))


def initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[^\W\d_][\w'’-]*", name) if w[0].isalpha()).lower()


def resolve_orgs(candidates: list[tuple[int, OrgCandidate]], blocked: set[str], lex: Lexicon | None = None) -> list[OrgRecord]:
    """Organisations from (article, candidate) pairs; `blocked` holds compact names that are people or places,
    which an organisation found from context alone may not take."""
    lex = lex or lexicon()
    records: list[OrgRecord] = []
    by_key: dict[str, OrgRecord] = {}
    serials = itertools.count()
    keys_of: dict[str, set[str]] = {}  # a form's org_keys, made once per build (names repeat across articles)
    countries_of: dict[str, str | None] = {}
    shorts_of: dict[str, set[str]] = {}
    ordered = sorted(candidates, key=lambda pair: pair[1].weak)  # strong evidence first
    for article, candidate in ordered:
        name = candidate.name.strip(" .,–-")
        if not name or compact(name) in lex.not_organizations or name in lex.not_organizations:
            continue
        if candidate.weak and compact(name) in blocked:
            if not (candidate.partner and compact(candidate.partner) not in blocked):
                continue
        forms = {name, *candidate.aliases}
        if candidate.acronym:
            forms.add(candidate.acronym)
        if name not in shorts_of:
            shorts_of[name] = _short_forms(name, lex)
        forms |= shorts_of[name]
        keys = set()
        for form in forms:
            if form not in keys_of:
                keys_of[form] = org_keys(form, lex)
                countries_of[form] = country_of(form, lex)
            keys |= keys_of[form]
        countries = {c for form in forms if (c := countries_of[form])}
        matched = sorted(
            (r for r in {id(by_key[k]): by_key[k] for k in keys if k in by_key}.values()
             if not _apart(countries, r.countries)),
            key=lambda r: r.serial,
        )
        if matched:
            record = matched[0]
            for other in matched[1:]:
                if _apart(record.countries | countries, other.countries):
                    continue  # 'National Rail' names two countries' companies: it joins the oldest, not both
                _merge(record, other)
                records.remove(other)  # identity: records compare by identity
                for k, v in list(by_key.items()):
                    if v is other:
                        by_key[k] = record
        else:
            record = OrgRecord(serial=next(serials))
            records.append(record)
        record.countries |= countries
        record.names[name] += 1
        record.aliases |= forms
        record.articles.add(article)
        record.strong = record.strong or not candidate.weak
        if candidate.description and candidate.description not in record.descriptions:
            record.descriptions.append(candidate.description)
        for k in keys:
            if k not in by_key or not _apart(by_key[k].countries, record.countries):
                by_key[k] = record
    # an acronym standing alone is the organisation whose initials spell it ('HUST')
    alive = {id(record) for record in records}
    by_initials: dict[str, list[OrgRecord]] = defaultdict(list)
    for record in records:
        for alias in record.aliases:
            if not _acronym(alias) and len(alias.split()) >= 2:
                by_initials[initials(alias)].append(record)
                by_initials[initials(re.sub(r"\b(?:of|and|the|for)\b", " ", alias))].append(record)
    for record in list(records):
        if all(_acronym(a) for a in record.aliases):
            acronym = fold(min(record.aliases)).replace(" ", "")
            owners = {id(o): o for o in by_initials.get(acronym, ()) if o is not record and id(o) in alive}
            if len(owners) == 1:
                owner = next(iter(owners.values()))
                _merge(owner, record)
                alive.discard(id(record))
    return [record for record in records if id(record) in alive]


def _merge(into: OrgRecord, other: OrgRecord) -> None:
    into.names.update(other.names)
    into.aliases |= other.aliases
    into.articles |= other.articles
    into.strong = into.strong or other.strong
    into.descriptions.extend(d for d in other.descriptions if d not in into.descriptions)
    into.countries |= other.countries
