"""People and organisations named in one sentence: the grammar's matches turned into candidates.

Every candidate carries the id of the rule that made it. Organisations come from their chunks' shape (a head
noun, an acronym) and from context (a descriptor, a bracketed acronym, a possessive, a title after the name);
people from titles, honorifics, appositions, verbs of speech and credit lines. Places and facilities are
kept apart so that a port or a province never becomes an organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from bot.ingest import lexicon as lexicon_files
from bot.ingest.chunks import HYPHENED_PARTICLE, Item, Sentence, analyse
from bot.ingest.grammar import Match, matches
from bot.ingest.lexicon import Lexicon, lexicon, taxonomy
from bot.ingest.outlet import agency as known_agency
from bot.text import fold

_STOP_WORDS = {"the", "a", "an", "of", "and", "in", "at", "for", "on", "to", "with", "by", "from", "as"}
_ORG_APPOSITION = {"subsidiary", "unit", "arm", "venture", "joint venture", "company", "corporation", "firm", "group", "bank",
                   "lender", "investor", "customer", "client", "operator", "maker", "producer", "manufacturer", "carrier",
                   "airline", "agency", "institute", "university", "organisation", "organization", "body", "authority",
                   "fund", "platform", "partner", "supplier", "exporter", "importer", "developer", "conglomerate",
                   "giant", "holding", "association", "union", "brand", "regulator", "utility", "miner", "refiner",
                   "contractor", "shipbuilder", "carmaker", "automaker", "drugmaker", "broadcaster", "newspaper", "daily"}


@dataclass
class PersonCandidate:
    words: tuple[str, ...]  # the name's words as written
    start: int  # offsets in the sentence
    end: int
    rule: str
    role: str | None = None
    organization: str | None = None
    country: str | None = None
    title: str | None = None  # the bare title before the name ('President'), for 'President Putin'
    credit: str | None = None  # reporter | editor | photographer, for a credited person
    counterpart: bool = False
    weak: bool = False  # found by a verb of speech alone: kept when nothing says it is something else
    royal: bool = False  # the role is a title that is also an honorific ('Prince'): another role says more

    @property
    def name(self) -> str:
        return " ".join(self.words)


@dataclass
class OrgCandidate:
    name: str
    start: int
    end: int
    rule: str
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    weak: bool = False  # from context alone: dropped when a person or a place claims the word
    partner: str | None = None  # the organisation it was named with ('Alpha Card and Beta Pay')


@dataclass
class SentenceEntities:
    people: list[PersonCandidate] = field(default_factory=list)
    orgs: list[OrgCandidate] = field(default_factory=list)
    places: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, PLACE | FACILITY | COUNTRY)
    place_names: list[str] = field(default_factory=list)  # their text, kept when the parse is dropped
    sentence: Sentence | None = None
    fired: list[tuple[str, str]] = field(default_factory=list)  # (rule, text): for `citebot explain`


_CAPITAL_INSIDE = re.compile(r"[\s(“\"‘/-][^\W\d_a-zß-ÿа-яё]")
_FIRST_WORD = re.compile(r"[\"“‘(]*([^\W\d_][\w’'-]*)")


def _may_name(text: str, lex: Lexicon) -> bool:
    """A capital after the first word, or a first word that is not a common opener ('The', 'In', 'However')."""
    if _CAPITAL_INSIDE.search(text):
        return True
    first = _FIRST_WORD.match(text)
    return bool(first) and first.group(1)[:1].isupper() and "opener" not in lex.tags(first.group(1))


def find_entities(text: str, kind: str = "paragraph") -> SentenceEntities:
    """People, organisations and places of one sentence (pure)."""
    if not _may_name(text, lexicon()):
        return SentenceEntities()
    return _find_entities(text, kind)


def _find_entities(text: str, kind: str) -> SentenceEntities:
    lex = lexicon()
    sentence = analyse(text, lex)
    found = SentenceEntities(sentence=sentence)
    if kind in ("byline", "credit", "caption", "source", "dateline"):
        _credits(text, kind, found)
    has_chunk = any(item.kind == "chunk" for item in sentence.items)
    for match in matches(sentence.items, kind) if has_chunk else ():
        action = _ACTIONS[match.rule.action]
        before = len(found.people) + len(found.orgs)
        action(sentence, match, found, lex)
        if len(found.people) + len(found.orgs) > before:
            items = sentence.items
            found.fired.append((match.rule.id, text[items[match.start].start : items[match.end - 1].end]))
    if kind != "source":
        _typed_chunks(sentence, found, lex)
    _settle(found)
    return found


# ---------------------------------------------------------------- names


def name_words(sentence: Sentence, first: int, last: int) -> tuple[str, ...]:
    """The words of a name between token indexes, initials with their full stops ('D.', 'K.')."""
    tokens = sentence.tokens
    words: list[str] = []
    for k in range(first, last + 1):
        token = tokens[k]
        if token.text == "." and words and len(words[-1]) <= 3:
            words[-1] += "."
            continue
        if token.is_word:
            words.append(token.bare)
    return tuple(words)


def valid_person(words: tuple[str, ...], lex: Lexicon) -> bool:
    """Could be a person's name: 1–7 words, at least one not a generic word, no digits, no organisation head."""
    entry = _VALID.get(words)
    if entry is not None and entry[0] is lex:
        return entry[1]
    valid = _valid_person(words, lex)
    if len(_VALID) >= 65_536:
        _VALID.clear()
    _VALID[words] = (lex, valid)
    return valid


_VALID: dict[tuple[str, ...], tuple[Lexicon, bool]] = {}  # a name's words → (the lexicon asked, valid_person)


def _valid_person(words: tuple[str, ...], lex: Lexicon) -> bool:
    if not words or len(words) > 7:
        return False
    distinctive = 0
    for word in words:
        if any(c.isdigit() for c in word):
            return False
        tags = lex.tags(word)
        family = "family_name" in tags
        if "org_head" in tags and not family and "weak_head" not in tags:
            return False
        if tags.keys() & {"month", "weekday", "country", "demonym", "doc_type"} and not family:
            return False
        if word[:1].islower() and "particle" not in tags and not HYPHENED_PARTICLE.match(word):
            return False
        if not tags.keys() & {"not_name", "title", "title_mod", "org_head", "portfolio", "city", "region", "descriptor"}:
            distinctive += 1
        elif "family_name" in tags:
            distinctive += 1
    if len(words) == 1 and (words[0].isupper() and len(words[0]) > 1):
        return False
    return distinctive >= 1


def _title_case(words: tuple[str, ...]) -> tuple[str, ...]:
    """A byline in capitals ('DARIA LEBEDEVA') as a name is written."""
    if all(w.isupper() for w in words if len(w) > 1):
        return tuple(w if len(w) <= 2 and w.endswith(".") else w.capitalize() for w in words)
    return words


def split_org_name(sentence: Sentence, item: Item, lex: Lexicon) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """A run that holds an organisation (or portfolio, or country) and then a person's name: the two token
    ranges. 'Vinaoil Le Van Tam', 'MK Group Mai Lan', 'Industry and Trade Nguyen Van An',
    'Health of the Russian Federation Orlov Ivan Petrovich', 'Vietnam Oleg Petrov'."""
    tokens = sentence.tokens
    first, last = item.first, item.last
    while first <= last and tokens[first].low == "the":
        first += 1
    words = [k for k in range(first, last + 1) if tokens[k].is_word]
    if not words:
        return None, None
    cut = first
    # a portfolio, then 'of (the) COUNTRY', or a country: what remains is the name
    while cut <= last:
        length = _phrase(sentence, cut, "portfolio", "country", "demonym")
        if length and cut + length <= last:
            cut += length
            if tokens[cut].low in ("of", "to", "for") and cut + 1 <= last:
                cut += 1
                while cut <= last and tokens[cut].low == "the":
                    cut += 1
                continue
            break
        break
    # the last head noun followed by capitalised words only
    head_cut = None
    for k in range(cut, last):
        tags = sentence.phrase_tags(k)
        if ("org_head" in tags or "corporate_suffix" in tags or tokens[k].shape == "XX") and tokens[k].is_cap:
            rest = [j for j in range(k + 1, last + 1) if tokens[j].is_word]
            if rest and tokens[rest[0]].is_cap and not any(tokens[j].low in ("of", "for", "and") for j in rest):
                head_cut = k + 1
    if head_cut is not None and head_cut > cut:
        cut = head_cut
    rest = [k for k in range(cut, last + 1) if tokens[k].is_word]
    if cut > first and rest and valid_person(name_words(sentence, rest[0], last), lex):
        return (first, cut - 1), (rest[0], last)
    # unknown words then a name: a family name, a patronymic, else the last two words
    candidates = [k for k in range(first, last + 1) if tokens[k].is_word]
    if len(candidates) < 2:
        return None, None
    split = None
    for k in candidates[1:]:
        if "family_name" in sentence.phrase_tags(k) and last - k + 1 >= 2 and last - k + 1 <= 4:
            split = k
            break
    if split is None and tokens[last].low.endswith(lex.patronymic_endings) and len(candidates) >= 4:
        split = candidates[-3]
    if split is None and len(candidates) >= 3:
        split = candidates[-2]
    if split is None:
        return None, None
    before = tokens[split - 1]
    if before.low in ("and", "of", "for", "the", "&") or before.text in (",", "-", "–"):
        return None, None
    words = name_words(sentence, split, last)
    if any(lex.tags(w).keys() & {"portfolio", "org_head", "not_name", "title", "city", "region", "place_head"} and "family_name" not in lex.tags(w) for w in words):
        return None, None
    if valid_person(words, lex):
        return (first, split - 1), (split, last)
    return None, None


def _portfolio_or_country(sentence: Sentence, first: int, last: int, lex: Lexicon) -> bool:
    """'Energy', 'Energy of the Russian Federation', 'the Russian Federation': no body of its own."""
    tokens = sentence.tokens
    while first <= last and tokens[first].low == "the":
        first += 1
    whole = lex.gazetteer.get(tuple(t.fold for t in tokens[first : last + 1]))
    if whole.keys() & {"portfolio", "country"}:
        return True
    lead = _phrase(sentence, first, "portfolio")
    return bool(lead) and first + lead <= last and tokens[first + lead].low in ("of", "for")


_PORTFOLIO_TITLES = frozenset({"minister", "ministers", "commissioner", "secretary"})


def _portfolio_of_minister(sentence: Sentence, titles: list[int], first: int, last: int) -> bool:
    """'Minister of Culture and Sports': what follows a minister's 'of' is a portfolio unless a body's head noun
    names an organisation in it ('Minister of Energy of the X Region Administration')."""
    if not titles or sentence.items[titles[-1]].text.split()[-1].lower() not in _PORTFOLIO_TITLES:
        return False
    for k in range(first, last + 1):
        tags = sentence.phrase_tags(k)
        if "org_head" in tags and "weak_head" not in tags:
            return False
    return True


def _phrase(sentence: Sentence, k: int, *tags: str) -> int:
    for length, found in sentence.matches[k]:
        if any(tag in found for tag in tags):
            return length
    return 0


def _org_text(sentence: Sentence, first: int, last: int) -> str:
    tokens = sentence.tokens
    while first <= last and tokens[first].low == "the":
        first += 1
    if first > last:
        return ""
    text = sentence.text[tokens[first].start : tokens[last].end]
    return text[:-2] if tokens[last].possessive and text.endswith(("'s", "’s")) else text.rstrip("'’")


# ---------------------------------------------------------------- actions


def _person(found: SentenceEntities, sentence: Sentence, first: int, last: int, rule: str, lex: Lexicon, **facts) -> PersonCandidate | None:
    words = name_words(sentence, first, last)
    while words and lex.tags(words[0]).keys() & {"honorific"} and len(words) > 1:
        words = words[1:]
    if not valid_person(words, lex):
        return None
    tokens = sentence.tokens
    candidate = PersonCandidate(words=words, start=tokens[first].start, end=tokens[last].end, rule=rule, **facts)
    found.people.append(candidate)
    return candidate


def _to_be_founded(sentence: Sentence, first: int, lex: Lexicon) -> bool:
    """'to establish the X Centre', 'the creation of a Y Fund': a body still to be made is the subject of a plan
    or a document, not an organisation that acts or signs."""
    tokens = sentence.tokens
    k = first - 1
    while k >= first - 2 and k >= 0 and tokens[k].low in ("the", "a", "an", "new", "joint"):
        k -= 1
    return any(k - n + 1 >= 0 and "founding" in lex.gazetteer.get(tuple(t.fold for t in tokens[k - n + 1 : k + 1]))
               for n in (1, 2))


def _bodies_sharing_of(sentence: Sentence, first: int, last: int) -> bool:
    """'the Party, State(,) and Government of Việt Nam': bare capitalised bodies in a list that shares one
    'of COUNTRY' name a country's leadership as a whole, not an organisation of it."""
    tokens = sentence.tokens
    head = next((k for k in range(first, last) if tokens[k + 1].low == "of" and tokens[k].is_cap), None)
    if head is None:
        return False
    k = head - 1
    bare = joined = 0
    while k >= 0:
        token = tokens[k]
        if token.text == ",":
            k -= 1
        elif token.low in ("and", "&"):
            joined += 1
            k -= 1
        elif token.is_cap and token.low != "the" and "not_name" in sentence.phrase_tags(k) and (
                k == 0 or not tokens[k - 1].is_cap or tokens[k - 1].low == "the"):
            bare += 1
            k -= 1
        else:
            break
    return bare >= 1 and joined >= 1 and (k < 0 or tokens[k].low == "the")


_VERB_TAGS = frozenset({"function_word", "org_verb", "speech_verb", "not_name"})


def _modifies_compound(sentence: Sentence, k: int) -> bool:
    """Two lower-case nouns follow ('… vehicle production'): the name qualifies a compound, as a product's or
    model's name does, rather than acting in the clause."""
    tokens = sentence.tokens
    if k + 1 >= len(tokens):
        return False
    return all(tokens[j].is_word and tokens[j].text.islower() and not _VERB_TAGS & sentence.phrase_tags(j).keys()
               for j in (k, k + 1))


def _org(found: SentenceEntities, sentence: Sentence, first: int, last: int, rule: str, **facts) -> OrgCandidate | None:
    name = _org_text(sentence, first, last)
    if not name or not any(c.isalpha() for c in name):
        return None
    tokens = sentence.tokens
    candidate = OrgCandidate(name=name, start=tokens[first].start, end=tokens[last].end, rule=rule, **facts)
    found.orgs.append(candidate)
    return candidate


def _span(sentence: Sentence, items: list[int]) -> str:
    if not items:
        return ""
    return sentence.text[sentence.items[items[0]].start : sentence.items[items[-1]].end].strip(" ,")


def _country_of(item: Item | None) -> str | None:
    return item.country if item is not None and item.types & {"COUNTRY", "DEMONYM"} else None


def _name_item(sentence: Sentence, match: Match) -> Item | None:
    names = match.items("name")
    return sentence.items[names[0]] if names else None


def person_after_title(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    name = _name_item(sentence, match)
    if name is None:
        return
    titles = match.items("title")
    countries = match.items("country")
    country_item = sentence.items[countries[0]] if countries else None
    first_item = min(match.items("pre") + countries + titles)
    role = sentence.text[sentence.items[first_item].start : sentence.items[titles[-1]].end] if titles else None
    organization = None
    orgs = match.items("org")
    if match.rule.param("org_before") and orgs:
        org_item = sentence.items[orgs[0]]
        organization = org_item.text
        role = sentence.text[org_item.start : sentence.items[titles[-1]].end]  # 'NSPK chief executive'
        _org(found, sentence, org_item.first, org_item.last, "org-title-name")
    first, last = name.first, name.last
    if "ORG" in name.types and "NAME" in name.types:
        _, person_range = split_org_name(sentence, name, lex)
        if person_range is None:
            return
        first, last = person_range
    title_item = sentence.items[titles[0]]
    if organization is None:
        organization = _of_org_after(sentence, match, found)
    candidate = _person(found, sentence, first, last, match.rule.id, lex, role=role, organization=organization,
                        country=_country_of(country_item), title=title_item.text if len(titles) == 1 else None)
    if candidate is not None and len(titles) == 1 and "HONORIFIC" in title_item.types and not countries:
        candidate.royal = True


def _of_org_after(sentence: Sentence, match: Match, found: SentenceEntities) -> str | None:
    """'General Director Volkov Pavel Ivanovich of Russian oil and gas company Nordneft': the body
    named after 'of' behind the name, before the clause ends."""
    items = sentence.items
    k = match.end
    if k >= len(items) or items[k].kind != "word" or items[k].low != "of":
        return None
    for j in range(k + 1, min(k + 9, len(items))):
        item = items[j]
        if item.kind == "punct":
            return None
        if item.kind == "chunk" and item.types & {"ORG", "NAME", "ACRONYM"} and not item.types & {"COUNTRY", "DEMONYM", "PLACE"}:
            description = sentence.text[items[k + 1].start : items[j - 1].end] if j > k + 1 else None
            _org(found, sentence, item.first, item.last, "title-name-of", description=description)
            return item.text
    return None


def person_title_of(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    titles = match.items("title")
    chain = match.items("of")
    chunks = [sentence.items[k] for k in chain if sentence.items[k].kind == "chunk"]
    if not chunks:
        return
    countries = match.items("country")
    country_item = sentence.items[countries[0]] if countries else None
    role_start = (country_item if country_item is not None else sentence.items[titles[0]]).start
    name = _name_item(sentence, match)
    org_range: tuple[int, int] | None = None
    if name is not None and "ORG" in name.types and "NAME" in name.types:
        org_part, person_range = split_org_name(sentence, name, lex)
        if person_range is None:
            return
        name_first, name_last = person_range
    elif name is not None:
        name_first, name_last = name.first, name.last
    else:
        last_chunk = chunks[-1]
        org_part, person_range = split_org_name(sentence, last_chunk, lex)
        if person_range is None or len(name_words(sentence, *person_range)) < 2:
            return  # 'founder of AFK Orbita': one word after an organisation is not a person's name
        name_first, name_last = person_range
        org_range = org_part
    if match.items("title2") and "NAME" in chunks[-1].types and name is not None:
        return  # '… Communist Party To Hai and Russian President Ivan Petrenko': two people, not one title
    role_end_items = match.items("title2") or chain
    role_end = sentence.items[role_end_items[-1]].end
    if name is None:
        role_end = min(role_end, sentence.tokens[name_first].start)
    pre = match.items("pre")
    if pre:
        role_start = min(role_start, sentence.items[pre[0]].start)
    role = sentence.text[role_start:role_end].strip(" ,")
    organization = None
    country = _country_of(country_item)
    for chunk in reversed(chunks):
        if chunk.types & {"COUNTRY"}:
            country = country or chunk.country
            continue
        if org_range is not None and chunk is chunks[-1]:
            org_range = _past_organ(sentence, sentence.items[titles[-1]].text, org_range, lex)
            organization = _org_text(sentence, *org_range)
            if _portfolio_or_country(sentence, *org_range, lex) or _portfolio_of_minister(sentence, titles, *org_range):
                organization = None  # 'Energy of the Russian Federation': a portfolio and a country, not a body
            elif organization:
                _org(found, sentence, *org_range, "title-of-org-name")
            break
        if "ORG" in chunk.types or "ACRONYM" in chunk.types or "NAME" in chunk.types:
            if "PORTFOLIO" in chunk.types and "ORG" not in chunk.types:
                continue
            organization = chunk.text
            break
    if organization and lex.tags(organization).keys() & {"portfolio"}:
        organization = None
    if organization:
        organization = _without_organ(organization, lex)
    _person(found, sentence, name_first, name_last, match.rule.id, lex, role=role or None, organization=organization,
            country=country, title=sentence.items[titles[0]].text)


def _past_organ(sentence: Sentence, role: str, org_range: tuple[int, int], lex: Lexicon) -> tuple[int, int]:
    """'Chairman of the Board' + 'of Directors of X Group': the organ ('Board of Directors') runs across the
    title's end, and the organisation is what follows it."""
    last_word = role.split()[-1] if role.split() else ""
    first, last = org_range
    tokens = sentence.tokens
    for k in range(first, last):
        if tokens[k].low == "of" and "organ_suffix" in lex.tags(" ".join([last_word, "of", *(t.text for t in tokens[first:k])])):
            start = k + 1
            while start <= last and tokens[start].low == "the":
                start += 1
            return (start, last) if start <= last else org_range
    return org_range


def _organ_of(name: str) -> str | None:
    """The organisation an organ belongs to: 'Board of Directors of TH Group' → 'TH Group'."""
    if name in _ORGANS:
        return _ORGANS[name]
    inner = _without_organ(name, lexicon())
    organ = inner if inner != name and not lexicon().tags(inner).keys() & {"country", "city", "region"} else None
    if len(_ORGANS) >= 65_536:
        _ORGANS.clear()
    _ORGANS[name] = organ
    return organ


_ORGANS: dict[str, str | None] = {}  # an organisation's name → _organ_of, once per name per process


def _without_organ(name: str, lex: Lexicon) -> str:
    """'Board of Directors of TH Group' → 'TH Group', 'Members' Council of Vinaoil' → 'Vinaoil'."""
    body = re.sub(r"^the\s+", "", name)
    for split in reversed(list(re.finditer(r"\s+of\s+(?:the\s+)?", body))):  # the longest organ first
        if "organ_suffix" in lex.tags(body[: split.start()]) and split.end() < len(body):
            return body[split.end() :]
    return name


def person_of_org(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    """'Vitaly Gorsky of Polar Freight said': a person and the organisation they speak for."""
    name = _name_item(sentence, match)
    orgs = match.items("org")
    if name is None or not orgs or len(name_words(sentence, name.first, name.last)) < match.rule.param("min_words", 1):
        return
    org = sentence.items[orgs[0]]
    if _person(found, sentence, name.first, name.last, match.rule.id, lex, organization=org.text) is not None:
        _org(found, sentence, org.first, org.last, match.rule.id, weak="ORG" not in org.types)


def person(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    for index in match.items("name"):
        item = sentence.items[index]
        if match.rule.param("closed") and index + 1 < len(sentence.items):
            nxt = sentence.items[index + 1]
            if not (nxt.kind == "punct" or nxt.kind == "word" and nxt.low in ("who", "and")):
                continue
        words = name_words(sentence, item.first, item.last)
        if len(words) < match.rule.param("min_words", 1):
            continue
        if match.rule.param("weak") and index > 0 and sentence.items[index - 1].kind == "word" and sentence.items[index - 1].low in ("of", "for"):
            continue  # '… of Polar Freight said': the speaker's organisation, not the speaker
        if "ORG" in item.types and "NAME" not in item.types and match.rule.id != "honorific-name":
            continue
        titles = match.items("title")
        role = _span(sentence, titles) or None
        _person(found, sentence, item.first, item.last, match.rule.id, lex, weak=bool(match.rule.param("weak")), role=role,
                title=role)


def person_counterpart(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    name = _name_item(sentence, match)
    if name is None:
        return
    countries = match.items("country")
    country_item = sentence.items[countries[0]] if countries else None
    _person(found, sentence, name.first, name.last, match.rule.id, lex, counterpart=True, country=_country_of(country_item),
            role=country_item.text if country_item is not None else None)


def person_who(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    name = _name_item(sentence, match)
    if name is None:
        return
    items = sentence.items
    k = match.end
    if k >= len(items) or items[k].kind != "word" or "role_verb" not in items[k].tags:
        return
    end = k
    while end + 1 < len(items) and not (items[end + 1].kind == "punct" and items[end + 1].text in (",", ".", ";", "—", "–", ")")):
        end += 1
    role = sentence.text[items[k].start : items[end].end]
    organization = next((items[j].text for j in range(k, end + 1) if "ORG" in items[j].types), None)
    _person(found, sentence, name.first, name.last, match.rule.id, lex, role=role, organization=organization)


def apposition(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    """'N, VTB's head of transaction business in Asia,' → a person and a role; 'X, a subsidiary of Y,' → an org."""
    name = _name_item(sentence, match)
    if name is None:
        return
    items = sentence.items
    k = match.end
    if k >= len(items):
        return
    end = _apposition_end(items, k)
    body = list(range(k, end + 1))
    words = [items[j] for j in body]
    if not words:
        return
    start = k
    while start <= end and items[start].kind == "word" and items[start].low in ("the", "a", "an", "another", "one"):
        start += 1
    if start > end:
        return
    if items[start].kind == "word" and items[start].low in ("who", "which", "that", "whose", "whom", "where", "when", "while"):
        # ', who is also general secretary of …,' says what they are; ', who co-chair the commission' does not
        if items[start].low != "who" or start + 1 > end or items[start + 1].low not in ("is", "was"):
            return
        start += 2
        while start <= end and items[start].kind == "word" and items[start].low in ("also", "now", "currently", "the", "a", "an"):
            start += 1
        if start > end:
            return
    titles = [j for j in body if items[j].kind == "title"]
    role_words = [j for j in body if items[j].kind == "word" and items[j].tags.keys() & {"occupation", "role_noun"}]
    descriptors = [j for j in body if items[j].kind == "word" and (items[j].low in _ORG_APPOSITION or "descriptor" in items[j].tags)]
    if titles or role_words:
        first_role = min(titles + role_words)
        if descriptors and min(descriptors) < first_role and "NAME" not in name.types:
            pass
        else:
            role_start = start
            if items[start].kind == "word" and items[start].low.isdigit():
                return
            role = sentence.text[items[role_start].start : items[end].end].strip(" ,")
            organization = None
            for j in range(role_start, end + 1):
                item = items[j]
                if item.kind == "chunk" and item.types & {"ORG", "ACRONYM", "NAME"} and not item.types & {"COUNTRY", "PLACE", "DEMONYM"}:
                    if j < first_role and not item.possessive:
                        continue
                    organization = item.text
                    if item.possessive or j > first_role:
                        _org(found, sentence, item.first, item.last, "name-apposition")
                    if j > first_role:
                        break
            # 'General Manager, Aircraft Division, HAL': a bare title, then the units it belongs to
            tail = end + 1
            if not organization:
                while tail + 1 < len(items) and items[tail].text == "," and items[tail + 1].kind == "chunk" and items[tail + 1].types & {"ORG", "ACRONYM"}:
                    unit = items[tail + 1]
                    if organization:
                        role = sentence.text[items[role_start].start : items[tail - 1].end]
                    organization = unit.text
                    tail += 2
            if "ORG" in name.types and "NAME" not in name.types:
                return
            _person(found, sentence, name.first, name.last, match.rule.id, lex, role=role, organization=organization)
            return
    if descriptors and "NAME" in name.types | name.types & {"ORG"} and name.last - name.first <= 6:
        description = sentence.text[items[start].start : items[end].end].strip(" ,")
        _org(found, sentence, name.first, name.last, "org-apposition", description=description)


def _apposition_end(items: list[Item], k: int) -> int:
    end = k
    depth = 0
    while end + 1 < len(items):
        nxt = items[end + 1]
        if nxt.kind == "punct":
            if nxt.text == "(":
                depth += 1
            elif nxt.text == ")":
                depth = max(0, depth - 1)
            elif depth == 0 and nxt.text in (",", ".", ";", "—", "–", ":", "?", "!", "“", "”", '"'):
                break
        if nxt.kind == "word" and nxt.tags.keys() & {"speech_verb"} and nxt.low not in ("led", "held", "met"):
            break
        if nxt.kind == "word" and nxt.low in ("who", "which", "that", "said", "says", "told"):
            break
        end += 1
    return end


def org_acronym(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    name = _name_item(sentence, match)
    acronym_items = match.items("acronym")
    if name is None or not acronym_items:
        return
    acronym = sentence.items[acronym_items[0]]
    text = acronym.text
    if not _acronym_like(text, lex) or acronym.types & {"COUNTRY", "PLACE", "DEMONYM"}:
        return
    if name.types & {"NAME"} and "ORG" not in name.types and not _initials_fit(name.text, text):
        words = name_words(sentence, name.first, name.last)
        if valid_person(words, lex) and len(words) <= 3 and not _initials_fit(name.text, text):
            return  # 'Tran Van Binh (R)': a person and a caption's position mark
    first, last = name.first, name.last
    if "ORG" in name.types and "NAME" in name.types and not _initials_fit(name.text, text):
        org_range, _ = split_org_name(sentence, name, lex)
        if org_range:
            first, last = org_range
    k = match.start
    items = sentence.items
    if k >= 2 and items[k - 1].kind == "word" and items[k - 1].low == "and" and items[k - 2].kind == "chunk":
        # 'Northern Academy of National Economy and Public Administration (NANEPA)'
        combined = sentence.text[items[k - 2].start : name.end]
        if _subsequence(fold(text).replace(" ", ""), _initials(combined)) and not _subsequence(fold(text).replace(" ", ""), _initials(name.text)):
            first = items[k - 2].first
    _org(found, sentence, first, last, match.rule.id, acronym=text)
    _org(found, sentence, acronym.first, acronym.last, match.rule.id + ":acronym", aliases=[_org_text(sentence, first, last)])


def org_expansion(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    acronym = sentence.items[match.items("acronym")[0]]
    name = _name_item(sentence, match)
    if name is None or name.types & {"COUNTRY", "PLACE", "DEMONYM"}:
        return
    _org(found, sentence, acronym.first, acronym.last, match.rule.id, aliases=[name.text])


def _acronym_like(text: str, lex: Lexicon) -> bool:
    letters = [c for c in text if c.isalpha()]
    capitals = sum(1 for c in letters if c.isupper())
    upper = text.upper()
    return 2 <= len(letters) <= 12 and capitals >= 2 and not {text, upper, upper.removesuffix("S")} & lex.not_organizations


def _subsequence(letters: str, initials: str) -> bool:
    """'ranepa' in 'rpanepa': an acronym's letters are the name's initials in order, first and last kept."""
    if not letters or not initials or letters[0] != initials[0] or letters[-1] != initials[-1]:
        return False
    position = 0
    for letter in letters:
        position = initials.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True


def _initials(name: str) -> str:
    words = re.findall(r"[^\W\d_][\w'’-]*", name)
    return "".join(w[0] for w in words if w.lower() not in ("of", "and", "the", "for", "in")).lower()


def _initials_fit(name: str, acronym: str) -> bool:
    initials = "".join(w[0] for w in re.findall(r"[^\W\d_][\w'’-]*", name) if w[0].isupper()).lower()
    letters = "".join(c for c in acronym.lower() if c.isalpha())
    return bool(letters) and (letters in initials or initials.startswith(letters[:2]) and len(letters) >= 2)


def org_descriptor(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    name = _name_item(sentence, match)
    if name is None:
        return
    items = sentence.items
    start = match.start
    if items[start].low.endswith("ing") and not (start > 0 and items[start - 1].kind == "word"):
        return  # 'Russians holding Mir cards': a verb, not 'investment holding X'
    while start > 0 and items[start - 1].kind == "word" and items[start - 1].low not in _STOP_WORDS and not items[start - 1].tags.keys() & {"speech_verb", "function_word", "opener"}:
        start -= 1  # '…, while private carrier X': the description starts after the conjunction
    if start > 0 and (items[start - 1].possessive and items[start - 1].types & {"COUNTRY"} or items[start - 1].types & {"DEMONYM"}):
        start -= 1
    description = sentence.text[items[start].start : items[match.start].end]
    first, last = name.first, name.last
    if "ORG" in name.types and "NAME" in name.types:
        org_range, _ = split_org_name(sentence, name, lex)
        if org_range:
            first, last = org_range
    words = name_words(sentence, first, last)
    if len(words) > 1 and valid_person(words, lex) and "ORG" not in name.types and items[match.start].low in ("partner", "customer", "client"):
        return
    _org(found, sentence, first, last, match.rule.id, description=description)


_ELLIPSIS_VERBS = frozenset({"did", "does", "do", "was", "is", "were", "are", "has", "had", "have", "will", "would"})


def org(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    name = _name_item(sentence, match)
    items = sentence.items
    if match.rule.param("with_following") or match.rule.param("from_start"):
        lead = match.items("lead")
        following = match.items("following")
        start_item = items[lead[0]] if lead else name
        end_item = items[following[-1]] if following else name
        if start_item is None or end_item is None:
            return
        first = start_item.first
        text = sentence.text[start_item.start : end_item.end]
        found.orgs.append(OrgCandidate(name=text, start=start_item.start, end=end_item.end, rule=match.rule.id))
        return
    if name is None:
        return
    if match.rule.param("needs") and not match.items(match.rule.param("needs")):
        nxt = sentence.items[match.end] if match.end < len(sentence.items) else None
        if not (nxt is not None and nxt.kind == "word" and nxt.low in _ELLIPSIS_VERBS):
            return  # 'Chinh's speech' is a person's; 'Velora's did too' stands for what the sentence named
    words = name_words(sentence, name.first, name.last)
    if match.rule.param("camel") and not (name.types & {"ORG"} or _camel(words[0])):
        return
    if match.rule.param("single") and len(words) > 1 and "ORG" not in name.types:
        return
    if name.types & {"NAME"} and "ORG" not in name.types and len(words) > 1 and _person_like(words, lex):
        return
    _org(found, sentence, name.first, name.last, match.rule.id, weak=bool(match.rule.param("weak")))


def _camel(word: str) -> bool:
    """'YouTube', 'PetroFields', 'SkyJet': a capital inside a word is a brand's mark ('PMs', 'CEOs', 'SMEs'
    are plurals of abbreviations)."""
    if len(word) >= 3 and word.endswith("s") and word[:-1].isupper():
        return False
    return any(c.isupper() for c in word[1:]) and any(c.islower() for c in word) and not any(c in word for c in "-'’–")


def _person_like(words: tuple[str, ...], lex: Lexicon) -> bool:
    return any("family_name" in lex.tags(w) for w in words) or any(w.lower().endswith(lex.patronymic_endings) for w in words)


def org_possessive_country(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    name = _name_item(sentence, match)
    if name is None:
        return
    words = name_words(sentence, name.first, name.last)
    if "ORG" not in name.types and (len(words) > 1 and _person_like(words, lex) or len(words) > 2):
        return
    nxt = sentence.items[match.end] if match.end < len(sentence.items) else None
    if nxt is not None and nxt.kind == "word" and nxt.tags.keys() & {"place_head", "facility_head", "modifier_noun"}:
        return  # 'Indonesia's Tanjung Priok port', 'Russia's Mir cards', 'Russia's Sputnik V vaccine'
    country = sentence.items[match.start]
    candidate = _org(found, sentence, name.first, name.last, match.rule.id, weak="ORG" not in name.types)
    if candidate is not None:
        candidate.aliases.append(f"{country.text}'s {candidate.name}")


def org_coordinated(sentence: Sentence, match: Match, found: SentenceEntities, lex: Lexicon) -> None:
    left = sentence.items[match.items("left")[0]]
    right = sentence.items[match.items("right")[0]]
    for one, other in ((left, right), (right, left)):
        if "ORG" in one.types and "NAME" in other.types and "ORG" not in other.types:
            words = name_words(sentence, other.first, other.last)
            if len(words) <= 2 and not _person_like(words, lex):
                _org(found, sentence, other.first, other.last, match.rule.id, weak=True)
    if "NAME" in left.types and "NAME" in right.types and "ORG" not in left.types | right.types:
        nxt = sentence.items[match.end] if match.end < len(sentence.items) else None
        if nxt is not None and nxt.kind == "word" and ("org_verb" in nxt.tags or nxt.low in lex.modifier_nouns):
            for one in (left, right):
                words = name_words(sentence, one.first, one.last)
                if len(words) == 1:
                    partner = right if one is left else left
                    _org(found, sentence, one.first, one.last, match.rule.id, weak=True, partner=partner.text)


_ACTIONS = {
    "person_after_title": person_after_title,
    "person_title_of": person_title_of,
    "person": person,
    "person_of_org": person_of_org,
    "person_counterpart": person_counterpart,
    "person_who": person_who,
    "apposition": apposition,
    "org_acronym": org_acronym,
    "org_expansion": org_expansion,
    "org_descriptor": org_descriptor,
    "org": org,
    "org_possessive_country": org_possessive_country,
    "org_coordinated": org_coordinated,
}


# ---------------------------------------------------------------- chunks by their shape, credits, settling


def _typed_chunks(sentence: Sentence, found: SentenceEntities, lex: Lexicon) -> None:
    items = sentence.items
    for n, item in enumerate(items):
        if item.kind != "chunk":
            continue
        before = items[n - 1] if n else None
        if before is not None and before.kind == "honorific" and "ORG" in item.types and "NAME" not in item.types:
            # 'Dr. Reddy's Laboratories': a company named after a person keeps the honorific
            _org(found, sentence, before.first, item.last, "honorific-org")
            continue
        if item.types & {"PLACE", "FACILITY", "COUNTRY"}:
            found.places.append((item.start, item.end, next(iter(item.types & {"PLACE", "FACILITY", "COUNTRY"}))))
            continue
        if "NESTED" in item.types:
            outer_end = int(item.tags["outer_end"])
            inner_start = int(item.tags["inner_start"])
            _org(found, sentence, item.first, outer_end, "org-nested", description=None)
            _org(found, sentence, inner_start, item.last, "org-nested")
            continue
        if "ORG" in item.types:
            first, last = item.first, item.last
            if "NAME" in item.types:
                org_range, person_range = split_org_name(sentence, item, lex)
                if org_range:
                    first, last = org_range
            rule = "acronym" if "ACRONYM" in item.types else "org-head"
            if n >= 2 and before is not None and before.low == "of" and items[n - 2].kind == "title" and _portfolio_or_country(sentence, first, last, lex):
                found.fired.append(("portfolio-of-title", item.text))  # 'Minister of Energy of the Russian Federation'
                continue
            if rule == "org-head" and " " in item.text and taxonomy().is_term(item.text):
                found.fired.append(("sector-term", item.text))  # 'LNG (Liquefied Natural Gas)': a thing, not a body
                continue
            if _to_be_founded(sentence, first, lex):
                found.fired.append(("org-to-be-founded", item.text))  # 'an agreement to establish the X Centre'
                continue
            if _bodies_sharing_of(sentence, first, last):
                found.fired.append(("collective-bodies", sentence.text[sentence.tokens[first].start : item.end]))
                continue
            candidate = _org(found, sentence, first, last, rule, weak=rule == "acronym")
            if candidate is not None and before is not None and before.possessive and "COUNTRY" in before.types:
                candidate.aliases.append(f"{before.text}'s {candidate.name}")  # 'Vietnam's Ministry of Health'
            continue
        words = name_words(sentence, item.first, item.last)
        if item.types & {"NAME", "ORG"} and known_agency(item.text):
            _org(found, sentence, item.first, item.last, "news-agency")
            continue
        if "NAME" in item.types and len(words) <= 2 and any(_camel(w) for w in words):
            if _modifies_compound(sentence, item.last + 1):
                found.fired.append(("brand-shape-modifier", item.text))  # 'TruckMaster vehicle production': a model
                continue
            _org(found, sentence, item.first, item.last, "brand-shape", weak=True)


@cache
def _line_rules() -> tuple[tuple[str, frozenset[str], str, re.Pattern[str]], ...]:
    data = lexicon_files.load("patterns.json")
    return tuple((r["id"], frozenset(r["kinds"]), r.get("credit", ""), re.compile(r["regex"])) for r in data["line_rules"])


_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
_IN_PLACE = re.compile(r"\s+in\s+[A-Z][\w .'-]*$")


def _credits(text: str, kind: str, found: SentenceEntities) -> None:
    """Bylines and photo credits: 'By DARIA LEBEDEVA and TRAN MINH DUC', '(AP Photo/Thanh Nam)'."""
    lex = lexicon()
    for rule_id, kinds, credit, pattern in _line_rules():
        if kind not in kinds:
            continue
        for match in pattern.finditer(text):
            role = credit
            outlets = [g for g in ("outlet", "outlet2", "outlet3") if match.groupdict().get(g)]
            if "outlet" in match.groupdict():
                for group in outlets:
                    found.orgs.append(OrgCandidate(name=match.group(group).strip(), start=match.start(group), end=match.end(group), rule=rule_id))
                continue
            if credit == "from_label":
                label = match.group("label").lower()
                role = "photographer" if label.startswith("photo") else "editor" if label.startswith("editor") else "reporter"
            if "agency" in match.groupdict() and match.group("agency"):
                agency = match.group("agency").strip()
                if any(c.isalpha() for c in agency) and len(agency.split()) <= 4:
                    found.orgs.append(OrgCandidate(name=agency, start=match.start("agency"), end=match.end("agency"), rule=rule_id + ":agency"))
            names = match.group("names")
            offset = match.start("names")
            for piece in _NAME_SPLIT.finditer(names + ","):
                pass
            position = 0
            for part in _NAME_SPLIT.split(names):
                start = names.find(part, position)
                position = start + len(part)
                cleaned = _IN_PLACE.sub("", part).strip(" .()")
                words = tuple(w for w in cleaned.split() if w)
                if not words or len(words) > 5:
                    continue
                words = _title_case(words)
                if lex.tags(" ".join(words)).keys() & {"country", "city", "region"}:
                    continue
                if known_agency(cleaned) or lex.tags(words[-1]).keys() & {"org_head"}:
                    found.orgs.append(OrgCandidate(name=cleaned, start=offset + start, end=offset + start + len(cleaned), rule=rule_id + ":agency"))
                    continue
                if not valid_person(words, lex) or (len(words) == 1 and rule_id not in ("byline-label", "reported-from")):
                    if not (len(words) == 1 and rule_id == "byline-label"):
                        continue
                found.people.append(
                    PersonCandidate(words=words, start=offset + start, end=offset + start + len(cleaned), rule=rule_id, credit=role, role=role)
                )
                found.fired.append((rule_id, cleaned))


def _settle(found: SentenceEntities) -> None:
    """One candidate per span: people over weak organisations, strong rules over weak ones, places over both."""
    people: list[PersonCandidate] = []
    for candidate in found.people:
        same = next((p for p in people if p.start == candidate.start and p.end == candidate.end), None)
        if same is not None and (same.royal or candidate.royal) and same.role and candidate.role:
            if same.royal:
                people[people.index(same)] = candidate
            continue
        if same is not None and same.role and candidate.role and fold(same.role) != fold(candidate.role):
            people.append(candidate)  # two roles of one person ('Major General …, director of …'): both count
            continue
        if same is None:
            overlapping = next((p for p in people if p.start <= candidate.start < p.end or candidate.start <= p.start < candidate.end), None)
            if overlapping is not None:
                if candidate.weak or (overlapping.role and not candidate.role):
                    found.fired.append(("dropped-overlapping-person", candidate.name))
                    continue
                if overlapping.weak or (candidate.role and not overlapping.role):
                    people.remove(overlapping)
                    found.fired.append(("dropped-overlapping-person", overlapping.name))
                else:
                    found.fired.append(("dropped-overlapping-person", candidate.name))
                    continue
            people.append(candidate)
            continue
        for attribute in ("role", "organization", "country", "title", "credit"):
            if getattr(same, attribute) is None and getattr(candidate, attribute) is not None:
                setattr(same, attribute, getattr(candidate, attribute))
        same.weak = same.weak and candidate.weak
        same.counterpart = same.counterpart or candidate.counterpart
    found.people = people
    person_spans = [(p.start, p.end) for p in people]
    place_spans = [(s, e) for s, e, _ in found.places]
    orgs: list[OrgCandidate] = []
    for candidate in list(found.orgs):
        inner = [(s, e) for s, e in person_spans if candidate.start < s and e <= candidate.end]
        if inner and found.sentence is not None:
            cut = min(s for s, _ in inner)
            text = found.sentence.text[candidate.start : cut].rstrip()
            text = re.sub(r"(?:\s+(?:of|and|the|for))+$", "", text)
            if not text or not any(c.isupper() for c in text):
                continue
            candidate.name, candidate.end = text, candidate.start + len(text)
        organ = _organ_of(candidate.name)
        if organ:
            offset = candidate.name.rindex(organ)
            candidate.name, candidate.start = organ, candidate.start + offset
    for candidate in found.orgs:
        inside_person = any(s <= candidate.start and candidate.end <= e for s, e in person_spans)
        overlaps_person = any(s < candidate.end and candidate.start < e for s, e in person_spans)
        if inside_person or (overlaps_person and candidate.weak):
            found.fired.append(("dropped-inside-person", candidate.name))
            continue
        if any(s <= candidate.start and candidate.end <= e for s, e in place_spans):
            found.fired.append(("dropped-inside-place", candidate.name))
            continue
        if candidate.rule != "org-nested" and any(
            o.start <= candidate.start and candidate.end <= o.end and (o.end - o.start) > (candidate.end - candidate.start)
            for o in found.orgs if o.rule not in ("org-nested",) and not o.weak
        ):
            found.fired.append(("dropped-part-of-longer-name", candidate.name))
            continue  # a piece of a longer name found in the same place
        same = next((o for o in orgs if o.start == candidate.start and o.end == candidate.end), None)
        if same is not None:
            same.acronym = same.acronym or candidate.acronym
            same.description = same.description or candidate.description
            same.aliases.extend(a for a in candidate.aliases if a not in same.aliases)
            same.weak = same.weak and candidate.weak
            if same.rule in ("org-head", "acronym") and candidate.rule not in ("org-head", "acronym"):
                same.rule = candidate.rule
            continue
        orgs.append(candidate)
    found.orgs = orgs
