"""People and organisations named in one sentence, found by generic patterns of English news prose.

Organisations: a capitalised name ending in a head noun ("… Harbour Board", "… Airlines"), a name introduced by a
descriptor ("oil company X", "private carrier Y"), the object of a role ("founder of X"), a parenthesised
acronym ("… Relations (IIR)") and bare upper-case acronyms. People: a name after a title ("Chairman of the X
Board N", "General Director N of Y", "President N") or before an apposition ("N, founder of Y").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from bot.ingest.lexicon import Vocabulary, taxonomy, vocabulary
from bot.ingest.names import fold
from bot.ingest.tokens import Token, adjacent, tokenize

_CONNECTORS_BACK = {"of", "for", "–", "-", "&", "de"}
_MAY_NAME = re.compile(r"\s[^\W\d_a-zß-ÿа-яё]|^[A-Z]{2}")
_NAME_PARTICLES = {"da", "de", "do", "dos", "das", "di", "du", "van", "von", "der", "den", "al", "bin", "ibn", "le", "la", "del"}
_STOP_DESCRIPTION = {
    "of", "with", "by", "the", "a", "an", "to", "from", "in", "on", "at", "as", "while", "that", "which", "said", "is",
    "are", "was", "were", "has", "have", "and", "its", "his", "her", "their", "receiving", "between", "for",
}


@dataclass
class OrgCandidate:
    name: str
    start: int  # offsets in the sentence
    end: int
    acronym: str | None = None
    description: str | None = None


@dataclass
class PersonCandidate:
    name_tokens: list[str]
    start: int
    end: int
    role: str | None = None
    organization: str | None = None  # the organisation's name as written
    country: str | None = None
    title: str | None = None
    preceding: str | None = None  # capitalised words right before the title: "Pertamina Chief Executive N"


@dataclass
class SentenceEntities:
    orgs: list[OrgCandidate] = field(default_factory=list)
    people: list[PersonCandidate] = field(default_factory=list)


def find_entities(text: str) -> SentenceEntities:
    """People and organisations of one sentence (pure)."""
    if not _MAY_NAME.search(text):
        return SentenceEntities()  # no capital after the first word and no acronym: nobody is named
    vocab = vocabulary()
    tokens = tokenize(text)
    orgs = _orgs(text, tokens, vocab)
    people = _people(text, tokens, vocab, orgs)
    return SentenceEntities(orgs=orgs, people=people)


# ---------------------------------------------------------------- organisations


def _is_title_word(token: Token, vocab: Vocabulary) -> bool:
    return token.low in vocab.role_nouns or token.bare in vocab.one_word_titles


def _walk_back(text: str, tokens: list[Token], i: int, vocab: Vocabulary) -> int:
    """Index of the first token of the capitalised name that ends at token i."""
    start = i
    j = i - 1
    while j >= 0:
        token = tokens[j]
        if not adjacent(text, token, tokens[j + 1]):
            break
        if token.is_cap and token.is_word and not token.is_possessive and token.bare not in ("The", "A", "An"):
            if _is_title_word(token, vocab) and j + 1 == start:
                break
            start = j
            j -= 1
            continue
        if token.text in _CONNECTORS_BACK and j >= 1:
            before = tokens[j - 1]
            if (
                before.is_cap
                and before.is_word
                and not before.is_possessive
                and adjacent(text, before, token)
                and not _is_title_word(before, vocab)
                and not (token.text == "and" and before.bare in vocab.heads)
            ):
                j -= 1
                continue
        break
    return start


def _country_at(tokens: list[Token], k: int, vocab: Vocabulary) -> int:
    """Number of tokens from k that spell a country (0 if none)."""
    for width in (3, 2, 1):
        if k + width <= len(tokens) and fold(" ".join(t.bare for t in tokens[k : k + width])) in vocab.country_names:
            return width
    return 0


def _title_at(tokens: list[Token], k: int, vocab: Vocabulary) -> int:
    """Number of tokens from k that spell a title (0 if none)."""
    first = tokens[k].text if tokens[k].text in ("Dr.", "Prof.") else tokens[k].bare
    for title in vocab.titles_by_first.get(first, ()):
        width = len(title)
        if k + width <= len(tokens) and all(tokens[k + n].bare == title[n] for n in range(1, width)):
            return width
    return 0


def _walk_forward_of(text: str, tokens: list[Token], i: int, vocab: Vocabulary) -> int:
    """After a head noun, take `of <Name>` ("Academy of Politics", "Party of Vietnam"); index of the last token."""
    end = i
    k = i + 1
    if k + 1 < len(tokens) and tokens[k].text == "of" and adjacent(text, tokens[i], tokens[k]):
        m = k + 1
        if not (tokens[m].is_cap and tokens[m].is_word and adjacent(text, tokens[k], tokens[m])):
            return end
        width = _country_at(tokens, m, vocab)
        if width:
            return m + width - 1
        last = None
        while m < len(tokens) and tokens[m].is_cap and tokens[m].is_word and adjacent(text, tokens[m - 1], tokens[m]):
            if _title_at(tokens, m, vocab):
                break
            last = m
            if tokens[m].is_possessive:
                break
            if m + 2 < len(tokens) and tokens[m + 1].text == "and" and tokens[m + 2].is_cap:
                rest = m + 2
                while rest < len(tokens) and tokens[rest].is_cap:
                    if tokens[rest].bare in vocab.heads:
                        break
                    rest += 1
                else:
                    m += 2
                    continue
                if rest < len(tokens) and tokens[rest].bare in vocab.heads:
                    break
                m += 2
                continue
            m += 1
        if last is not None:
            end = last
    return end


def _valid_org(words: list[Token], vocab: Vocabulary, at_sentence_start: bool, head: str | None) -> bool:
    names = [t for t in words if t.is_word and t.is_cap]
    if head is not None and len(names) < 2:
        return False
    meaningful = [t for t in names if not vocab.generic(t.bare) and fold(t.bare) not in vocab.countries]
    if not meaningful:
        # a country and a strong head make a name too: "Chile Airlines", "Russian Railways"
        places = [t for t in names if fold(t.bare) in vocab.countries]
        return bool(head and head not in vocab.weak_heads and places and len(names) == 2)
    if head is not None and head in vocab.weak_heads and at_sentence_start:
        return False
    return True


def _orgs(text: str, tokens: list[Token], vocab: Vocabulary) -> list[OrgCandidate]:
    found: list[OrgCandidate] = []

    def add(start_tok: int, end_tok: int, description: str | None = None) -> OrgCandidate | None:
        span = tokens[start_tok : end_tok + 1]
        candidate = OrgCandidate(name=text[span[0].start : span[-1].end].rstrip("."), start=span[0].start, end=span[-1].end)
        if span[-1].is_possessive:
            candidate.name = span[0].text if len(span) == 1 else text[span[0].start : span[-1].start] + span[-1].bare
        candidate.description = description
        # an acronym or short name in brackets right after: "(IIR)"
        nxt = end_tok + 1
        if nxt + 2 < len(tokens) and tokens[nxt].text == "(" and tokens[nxt + 2].text == ")":
            inner = tokens[nxt + 1]
            if inner.is_cap and any(c.isupper() for c in inner.text[1:]) and inner.text not in vocab.not_organizations:
                candidate.acronym = inner.text
        for other in found:
            if other.start <= candidate.start and candidate.end <= other.end:
                if candidate.acronym and not other.acronym and candidate.end == other.end:
                    other.acronym = candidate.acronym
                return None
        # a longer name replaces the names it contains ("… Industry" inside "… Industry – Energy Group")
        for other in [o for o in found if candidate.start <= o.start and o.end <= candidate.end]:
            candidate.description = candidate.description or other.description
            candidate.acronym = candidate.acronym or (other.acronym if other.end == candidate.end else None)
            found.remove(other)
        found.append(candidate)
        return candidate

    # 1. capitalised names ending in a head noun
    for i, token in enumerate(tokens):
        if not (token.is_cap and token.bare in vocab.heads) or token.is_possessive and token.bare not in vocab.heads:
            continue
        start = _walk_back(text, tokens, i, vocab)
        end = _walk_forward_of(text, tokens, i, vocab)
        words = tokens[start : end + 1]
        if _valid_org(words, vocab, start == 0, token.bare):
            add(start, end)
    # 2. a descriptor noun introduces a name: "oil and gas company X", "private carrier Y"
    for i, token in enumerate(tokens[:-1]):
        if token.low not in vocab.descriptors or token.is_cap:
            continue
        nxt = tokens[i + 1]
        if not (nxt.is_cap and nxt.is_word and adjacent(text, token, nxt)) or _title_at(tokens, i + 1, vocab):
            continue
        end = i + 1
        while (
            end + 1 < len(tokens)
            and tokens[end + 1].is_cap
            and tokens[end + 1].is_word
            and not tokens[end].is_possessive
            and adjacent(text, tokens[end], tokens[end + 1])
            and not _title_at(tokens, end + 1, vocab)
        ):
            end += 1
        if not _valid_org(tokens[i + 1 : end + 1], vocab, False, None):
            continue
        desc_start = i
        while desc_start > 0:
            before = tokens[desc_start - 1]
            if before.low in _STOP_DESCRIPTION or not before.is_word or not adjacent(text, before, tokens[desc_start]):
                if before.text == "and" and desc_start >= 2 and tokens[desc_start - 2].text.islower():
                    desc_start -= 1  # "oil and gas company"
                    continue
                break
            if before.is_cap and fold(before.bare) not in vocab.demonyms:
                break
            desc_start -= 1
        description = text[tokens[desc_start].start : token.end]
        _replace_or_add(found, add, i + 1, end, description, tokens)
    # 3. the object of a role: "founder of X", "Co-founder of Y"
    for i, token in enumerate(tokens[:-2]):
        if token.low not in vocab.role_nouns or tokens[i + 1].text != "of":
            continue
        if token.is_cap and not (i > 0 and tokens[i - 1].text == ","):
            continue  # "Minister of Mines and Energy N": a portfolio, handled with the person
        k = i + 2
        if tokens[k].text in ("the", "The") and k + 1 < len(tokens):
            k += 1
        if not (tokens[k].is_cap and tokens[k].is_word) or any(o.start == tokens[k].start for o in found):
            continue
        if _country_at(tokens, k, vocab):
            continue
        end = k
        while end + 1 < len(tokens) and tokens[end + 1].is_cap and tokens[end + 1].is_word and adjacent(text, tokens[end], tokens[end + 1]):
            if tokens[end].is_possessive:
                break
            end += 1
        if token.is_cap and end - k >= 2:
            end -= 2  # "General Director of X Pyotr Ivanov": the last two words are the person
        if _valid_org(tokens[k : end + 1], vocab, False, None):
            add(k, end)
    # 4. a name with its acronym in brackets, whatever its last word
    for i, token in enumerate(tokens[:-2]):
        if token.text != "(" or tokens[i + 2].text != ")" or i == 0:
            continue
        inner = tokens[i + 1]
        if not (inner.is_cap and any(c.isupper() for c in inner.text[1:])) or inner.text in vocab.not_organizations:
            continue
        if not adjacent(text, tokens[i - 1], token) and text[tokens[i - 1].end : token.start] != " ":
            continue
        start = _walk_back(text, tokens, i - 1, vocab)
        if start >= 2 and tokens[start - 1].text == "and":
            joined = next((o for o in found if o.end == tokens[start - 2].end), None)
            if joined:  # "Academy of Economy and Public Administration (AEPA)"
                start = next(n for n, t in enumerate(tokens) if t.start == joined.start)
        if any(o.end == tokens[i - 1].end and o.start <= tokens[start].start for o in found):
            continue
        if _valid_org(tokens[start:i], vocab, False, None) and i - start >= 2:
            added = add(start, i - 1)
            if added:
                added.acronym = inner.text
    # 5. bare acronyms: "NDF", "KDB"
    for i, token in enumerate(tokens):
        word = token.bare
        if not (2 <= len(word) <= 7 and word.isupper() and any(c.isalpha() for c in word)):
            continue
        if word in vocab.not_organizations or fold(word) in vocab.countries or _is_taxonomy_acronym(word):
            continue
        if _in_dateline(tokens, i):
            continue  # a dateline: "MOSCOW —", "RIO DE JANEIRO —", "BEIJING (Reuters) -"
        if any(o.start <= token.start and token.end <= o.end for o in found):
            continue
        if any(o.acronym == word for o in found):
            continue
        if i > 0 and tokens[i - 1].text == "(":
            continue
        if i + 1 < len(tokens) and tokens[i + 1].is_cap and tokens[i + 1].is_word and adjacent(text, token, tokens[i + 1]):
            continue  # part of a longer name: "ABC Holdings"
        add(i, i)
    found.sort(key=lambda o: o.start)
    return found


def _in_dateline(tokens: list[Token], i: int) -> bool:
    """Token i is one of the upper-case words that open an article before a dash."""
    k = 0
    while k < len(tokens) and tokens[k].bare.isupper() and tokens[k].is_word:
        k += 1
    return i < k and k < len(tokens) and tokens[k].text in ("—", "–", "-", ",", "(")


def _replace_or_add(found: list[OrgCandidate], add, start: int, end: int, description: str, tokens: list[Token]) -> None:
    """A descriptor gives a better description to an organisation already found at the same place."""
    for other in found:
        if other.start <= tokens[start].start < other.end:
            other.description = other.description or description
            return
    add(start, end, description)


@cache
def _taxonomy_acronyms() -> frozenset[str]:
    return frozenset(term for s in taxonomy().sectors.values() for term in s.terms if term.isupper())


def _is_taxonomy_acronym(word: str) -> bool:
    acronyms = _taxonomy_acronyms()
    return word in acronyms or word.removesuffix("s") in acronyms


# ---------------------------------------------------------------- people


def _name_run(text: str, tokens: list[Token], k: int, vocab: Vocabulary, limit: int = 4) -> int:
    """Number of tokens from k that make a person's name (0 if none)."""
    n = 0
    while k + n < len(tokens) and n < limit + 1:
        token = tokens[k + n]
        if (
            n
            and token.text in _NAME_PARTICLES
            and k + n + 1 < len(tokens)
            and tokens[k + n + 1].is_cap
            and adjacent(text, token, tokens[k + n + 1])
        ):
            n += 1  # "Lula da Silva", "van der Berg"
            continue
        if not (token.is_cap and token.is_word) or token.bare.isupper() and len(token.bare) > 1:
            break
        if n and not adjacent(text, tokens[k + n - 1], token):
            break
        if token.bare in vocab.heads or _title_at(tokens, k + n, vocab):
            break
        n += 1
        if token.is_possessive:
            break
    words = tokens[k : k + n]
    if not words or all(vocab.generic(t.bare) or fold(t.bare) in vocab.countries for t in words):
        return 0
    if any(fold(t.bare) in vocab.countries for t in words):
        return 0
    return n


def _org_starting(orgs: list[OrgCandidate], position: int) -> OrgCandidate | None:
    return next((o for o in orgs if o.start == position), None)


def _org_ending(orgs: list[OrgCandidate], text: str, position: int) -> OrgCandidate | None:
    return next((o for o in orgs if o.end <= position and text[o.end : position].strip() == ""), None)


def _inside_org(orgs: list[OrgCandidate], start: int, end: int) -> bool:
    return any(o.start <= start and end <= o.end for o in orgs)


def _clause_org(text: str, tokens: list[Token], k: int, orgs: list[OrgCandidate]) -> OrgCandidate | None:
    """The first organisation after token k, before the clause ends: `… of Russian oil and gas company X –`."""
    stop = len(text)
    for token in tokens[k:]:
        if token.text in (",", "–", "—", ";", "(") or token.text.endswith("."):
            stop = token.start
            break
    return next((o for o in orgs if tokens[k].start <= o.start < stop), None)


def _people(text: str, tokens: list[Token], vocab: Vocabulary, orgs: list[OrgCandidate]) -> list[PersonCandidate]:
    people: list[PersonCandidate] = []
    taken: set[int] = set()
    for i in range(len(tokens)):
        width = _title_at(tokens, i, vocab)
        if not width or _inside_org(orgs, tokens[i].start, tokens[i + width - 1].end):
            continue
        title = " ".join(t.text for t in tokens[i : i + width])
        e = i + width
        if e >= len(tokens):
            continue
        role_org: OrgCandidate | None = None
        name_at = None
        portfolio_end: int | None = None
        if tokens[e].text == "of":
            p = e + 1
            if p < len(tokens) and tokens[p].text == "the":
                p += 1
            if p < len(tokens):
                role_org = _org_starting(orgs, tokens[p].start)
                if role_org:
                    q = next((n for n, t in enumerate(tokens) if t.start >= role_org.end), len(tokens))
                    if q + 2 < len(tokens) and tokens[q].text == "(" and tokens[q + 2].text == ")":
                        q += 3
                    if q < len(tokens) and _name_run(text, tokens, q, vocab) and adjacent(text, tokens[q - 1], tokens[q]):
                        name_at = q
                else:
                    # "Minister of Mines and Energy Alexandre Silveira": the last two capitalised words are the name
                    run_end = p
                    while run_end < len(tokens) and (
                        (tokens[run_end].is_cap and tokens[run_end].is_word)
                        or (tokens[run_end].text in ("and", "of") and run_end + 1 < len(tokens) and tokens[run_end + 1].is_cap)
                    ):
                        if run_end > p and not adjacent(text, tokens[run_end - 1], tokens[run_end]):
                            break
                        run_end += 1
                    caps = [n for n in range(p, run_end) if tokens[n].is_cap]
                    inner_title = next((n for n in caps if n > p and _title_at(tokens, n, vocab)), None)
                    if inner_title is not None:
                        # "Minister of Energy Prince Abdulaziz bin Salman": the portfolio ends at the second title
                        after_title = inner_title + _title_at(tokens, inner_title, vocab)
                        if after_title < len(tokens) and _name_run(text, tokens, after_title, vocab):
                            name_at = after_title
                            portfolio_end = tokens[inner_title - 1].end
                    elif len(caps) >= 3 and caps[-2] == run_end - 2 and _name_run(text, tokens, caps[-2], vocab) == 2:
                        name_at = caps[-2]
        elif tokens[e].is_cap and adjacent(text, tokens[e - 1], tokens[e]):
            name_at = e
        if name_at is None or name_at in taken:
            continue
        n = _name_run(text, tokens, name_at, vocab)
        if not n:
            continue
        words = tokens[name_at : name_at + n]
        if _inside_org(orgs, words[0].start, words[-1].end):
            continue
        taken.add(name_at)
        person = PersonCandidate(name_tokens=[t.bare for t in words], start=words[0].start, end=words[-1].end, title=title)
        if role_org or tokens[e].text == "of":
            person.role = text[tokens[i].start : portfolio_end or words[0].start].strip()
            person.organization = role_org.name if role_org else None
        else:
            person.role = title
            after = name_at + n
            if after < len(tokens) and tokens[after].text == "of" and after + 1 < len(tokens):
                clause_org = _clause_org(text, tokens, after + 1, orgs)
                if clause_org:
                    person.organization = clause_org.name
            before_org = _org_ending(orgs, text, tokens[i].start)
            if before_org and not person.organization:
                person.organization = before_org.name
            if (
                i > 0
                and tokens[i - 1].is_cap
                and tokens[i - 1].is_word
                and adjacent(text, tokens[i - 1], tokens[i])
                and fold(tokens[i - 1].bare) not in vocab.countries
                and not vocab.generic(tokens[i - 1].bare)
            ):
                person.preceding = tokens[i - 1].bare  # resolved against the corpus's organisations later
            if i > 0 and fold(tokens[i - 1].bare) in vocab.demonyms and adjacent(text, tokens[i - 1], tokens[i]):
                person.country = vocab.countries[fold(tokens[i - 1].bare)]
                if not person.organization:
                    person.role = f"{title} of {person.country}"
        people.append(person)
    # appositions: "Maria Lopez, founder of Andes Power"
    for i, token in enumerate(tokens):
        if token.text != "," or i < 2:
            continue
        k = i + 1
        if k < len(tokens) and tokens[k].low in ("the", "a", "an"):
            k += 1
        role_width = 0
        for width in (3, 2, 1):
            words = tokens[k : k + width]
            if len(words) == width and " ".join(t.low for t in words) in vocab.role_nouns:
                role_width = width
                break
        if not role_width or k + role_width >= len(tokens) or tokens[k + role_width].text != "of":
            continue
        start = i
        while start > 0 and tokens[start - 1].is_cap and tokens[start - 1].is_word and i - start < 4:
            if start < i and not adjacent(text, tokens[start - 1], tokens[start]):
                break
            start -= 1
        if i - start < 2 or start in taken:
            continue
        n = _name_run(text, tokens, start, vocab)
        if n != i - start:
            continue
        words = tokens[start:i]
        if _inside_org(orgs, words[0].start, words[-1].end):
            continue
        org = _clause_org(text, tokens, k + role_width + 1, orgs)
        role = " ".join(t.text for t in tokens[k : k + role_width])
        taken.add(start)
        people.append(
            PersonCandidate(
                name_tokens=[t.bare for t in words],
                start=words[0].start,
                end=words[-1].end,
                role=role,
                organization=org.name if org else None,
            )
        )
    return people
