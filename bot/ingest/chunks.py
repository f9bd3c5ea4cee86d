"""Tokens → items: the proper-noun chunks of a sentence, its titles and honorifics, and its other words.

A chunk is a run of capitalised words joined by connectors from how names are written ('of', 'and' inside a
portfolio, 'bin', 'de', a dash between two names, the dot of an initial), cut where a title or an honorific
starts and after a possessive. Each chunk is typed by the lexicon: COUNTRY, DEMONYM, PLACE, FACILITY, ORG
(a head noun, an opening 'Ministry of', an acronym) and NAME (what may be a person or a brand: the grammar
decides from context). Titles are composed from data: modifiers ('First Deputy') and a base ('Director
General'), or a portfolio and a base ('Energy and Natural Resources Minister').
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.ingest.lexicon import Lexicon, Tags, lexicon
from bot.ingest.tokens import Token, tokenize

_JOINERS = {"of", "for"}
_PARTICLES_LOWER = {"bin", "binti", "bint", "ibn", "al", "el", "de", "da", "do", "dos", "das", "du", "der", "den", "van", "von",
                    "la", "le", "y", "di", "del", "della", "ter", "zu", "ben", "abu", "ould"}
HYPHENED_PARTICLE = re.compile(  # 'el-Sisi', 'al-Sharaa'
    r"(?:al|el|ad|ud|ul|an|ar|as|ash|at|az|bin|ibn|abu|ben|d)[-‘'’][A-Z]")
_ABBREVIATION = {"St", "Dr", "Mt", "Ft", "No", "Jr", "Sr", "Co", "Corp", "Inc", "Ltd", "Prof", "Gen", "Lt", "Col", "Mr", "Mrs", "Ms",
                 "Hon", "Rev", "Sen", "Gov", "Smt", "Maj", "Adm", "Capt", "Sgt"}
_PERSON_BASES = {"minister", "secretary", "spokesman", "spokesperson", "spokeswoman", "chief", "adviser", "advisor", "envoy",
                 "commissioner", "ambassador", "director", "head"}
_MODEL = re.compile(r"[A-Za-z]+-\d|\d[A-Za-z]+\d|\d{3,}[A-Za-z]?$")  # VVER-1200, Su-30MK2, 737-8: models, not names


@dataclass(slots=True)
class Item:
    """A unit the grammar matches: a chunk, a title, an honorific, a word or a punctuation mark."""

    kind: str  # chunk | title | honorific | word | punct
    first: int  # token indexes [first, last]
    last: int
    start: int  # character offsets in the sentence
    end: int
    text: str
    types: set[str] = field(default_factory=set)  # chunk types, or TITLE/RANK/HONORIFIC
    possessive: bool = False
    low: str = ""
    tags: Tags = field(default_factory=dict)
    country: str | None = None  # for COUNTRY and DEMONYM chunks

    def __repr__(self) -> str:
        label = "/".join(sorted(self.types)) or self.kind
        return f"<{label} {self.text!r}>"


@dataclass
class Sentence:
    """A sentence as the grammar sees it."""

    text: str
    tokens: list[Token]
    folds: list[str]
    items: list[Item]
    matches: list[list[tuple[int, Tags]]]  # per token, the lexicon phrases starting there
    titles: dict[tuple[int, bool], int] = field(default_factory=dict)  # title_at, computed once per token
    may_title: list[bool] = field(default_factory=list)  # per token: a title word could start here
    singles: list[Tags] = field(default_factory=list)  # per token: the tags of its one-word phrase ({} if none)

    def phrase_tags(self, i: int) -> Tags:
        """Tags of the one-word phrase at token i."""
        if self.singles:
            return self.singles[i]
        for n, tags in self.matches[i]:
            if n == 1:
                return tags
        return {}


def analyse(text: str, lex: Lexicon | None = None) -> Sentence:
    """Tokens, lexicon matches and items of one sentence."""
    lex = lex or lexicon()
    tokens = tokenize(text)
    folds = [t.fold for t in tokens]
    matches, may_title, singles = lex.gazetteer.scan(folds, _TITLE_TAGS)
    sentence = Sentence(text=text, tokens=tokens, folds=folds, items=[], matches=matches, may_title=may_title,
                        singles=singles)
    sentence.items = _items(sentence, lex)
    return sentence


# ---------------------------------------------------------------- titles and honorifics


_TITLE_TAGS = frozenset({"title", "title_mod", "rank", "role_noun", "portfolio"})


def _has(sentence: Sentence, i: int, n: int, tag: str) -> bool:
    return any(length == n and tag in tags for length, tags in sentence.matches[i])


def _longest(sentence: Sentence, i: int, *tags: str) -> int:
    for length, found in sentence.matches[i]:
        for tag in tags:
            if tag in found:
                if length == 1 or _adjacent_run(sentence, i, length):
                    return length
                break
    return 0


def _adjacent_run(sentence: Sentence, i: int, n: int) -> bool:
    """Tokens i..i+n-1 sit next to each other with spaces only (commas allowed if the phrase holds them)."""
    tokens = sentence.tokens
    for k in range(i, i + n - 1):
        gap = sentence.text[tokens[k].end : tokens[k + 1].start]
        if gap.strip():
            return False
    return True


def title_at(sentence: Sentence, i: int, capitalised: bool) -> int:
    """Number of tokens of a title starting at token i (0 if none): modifiers + base, or portfolio + base.

    With `capitalised`, every word of the title must be capitalised (a title inside a run of names)."""
    if i >= len(sentence.may_title) or not sentence.may_title[i]:
        return 0
    key = (i, capitalised)
    known = sentence.titles.get(key)
    if known is None:
        known = sentence.titles[key] = _title_at(sentence, i, capitalised)
    return known


def _title_at(sentence: Sentence, i: int, capitalised: bool) -> int:
    tokens = sentence.tokens
    n = len(tokens)
    if i >= n or not tokens[i].is_word:
        return 0
    if capitalised and not tokens[i].is_cap:
        return 0
    if not sentence.matches[i]:
        return 0
    width = 0
    if _has(sentence, i, 1, "title_mod") and i + 1 < n and sentence.text[tokens[i].end : tokens[i + 1].start] in (" ", ""):
        rest = title_at(sentence, i + 1, capitalised)
        if rest:
            width = 1 + rest
    base = _longest(sentence, i, "title", "rank", "role_noun")
    if base and base > width and _caps_ok(tokens, i, i + base, capitalised):
        width = base
    portfolio = _longest(sentence, i, "portfolio")
    if portfolio and i + portfolio < n and tokens[i + portfolio].low in _PERSON_BASES:
        after = _longest(sentence, i + portfolio, "title")
        if after and portfolio + after > width and _caps_ok(tokens, i, i + portfolio + after, capitalised):
            width = portfolio + after  # 'Energy and Natural Resources Minister', 'Foreign Minister'
    if width and tokens[i + width - 1].text.endswith("-"):
        return 0
    return width


def _caps_ok(tokens: list[Token], start: int, end: int, capitalised: bool) -> bool:
    if not capitalised:
        return True
    return all(tokens[k].is_cap or tokens[k].low in ("of", "and", "the", "-", "&", ",") for k in range(start, end))


def honorific_at(sentence: Sentence, i: int) -> int:
    """Number of tokens of an honorific at token i ('Dr.', 'His Highness Sheikh', 'Shri'), its full stop included."""
    tokens = sentence.tokens
    total = 0
    while i + total < len(tokens):
        k = i + total
        length = _longest(sentence, k, "honorific")
        if not length or not tokens[k].is_cap:
            break
        total += length
        if i + total < len(tokens) and tokens[i + total].text == "." and tokens[i + total - 1].end == tokens[i + total].start:
            total += 1
    return total


# ---------------------------------------------------------------- items


def _items(sentence: Sentence, lex: Lexicon) -> list[Item]:
    tokens = sentence.tokens
    items: list[Item] = []
    i = 0
    n = len(tokens)
    matches = sentence.matches
    may_title = sentence.may_title
    singles = sentence.singles
    while i < n:
        token = tokens[i]
        shape = token.shape
        if shape == "x" or shape == "d" or shape == "p":
            if not matches[i]:
                # a plain word or mark: no title, honorific or name starts here
                items.append(Item("punct" if shape == "p" else "word", i, i, token.start, token.end, token.text, _NO_TYPES,
                                  False, token.low, _NO_TAGS))
                i += 1
                continue
            if not may_title[i]:
                # a word the lexicon knows, but not as a title: a word with its tags (what the last branch makes)
                text = token.text
                if token.possessive:
                    text = text[:-2] if text.endswith(("'s", "’s")) else text.rstrip("'’")
                items.append(Item("punct" if shape == "p" else "word", i, i, token.start, token.end, text, _NO_TYPES,
                                  token.possessive, token.low, singles[i]))
                i += 1
                continue
        honorific = honorific_at(sentence, i) if token.is_cap else 0
        width = title_at(sentence, i, capitalised=token.is_cap)
        if width and width >= honorific and not (token.is_cap and _org_word_follows(sentence, i, width, opening=True)):
            kind_types = {"TITLE"} | ({"RANK"} if _longest(sentence, i, "rank") == width else set())
            if honorific == width:
                kind_types.add("HONORIFIC")  # 'Prince', 'Crown Prince': a title that also stands before a name as an honorific
            items.append(_make(sentence, "title", i, i + width - 1, kind_types))
            i += width
            continue
        if honorific and i + honorific < n and tokens[i + honorific].is_cap:
            items.append(_make(sentence, "honorific", i, i + honorific - 1, {"HONORIFIC"}))
            i += honorific
            continue
        if token.is_cap and not _never_starts(sentence, i, lex):
            end = _chunk_end(sentence, i, lex)
            item = _make(sentence, "chunk", i, end, set())
            _type(sentence, item, lex)
            items.append(item)
            i = end + 1
            continue
        kind = "punct" if token.shape == "p" else "word"
        item = _make(sentence, kind, i, i, _NO_TYPES)
        item.low = token.low
        item.tags = sentence.phrase_tags(i)
        items.append(item)
        i += 1
    _split_nested(sentence, items, lex)
    return items


def _make(sentence: Sentence, kind: str, first: int, last: int, types: set[str]) -> Item:
    tokens = sentence.tokens
    start, end = tokens[first].start, tokens[last].end
    text = sentence.text[start:end]
    possessive = tokens[last].possessive
    if possessive and text.endswith(("'s", "’s")):
        text = text[:-2]
    elif possessive:
        text = text.rstrip("'’")
    return Item(kind, first, last, start, end, text, types, possessive, "", _NO_TAGS)


_NO_TYPES: frozenset[str] = frozenset()  # a word's or a mark's types: none, and never added to (only chunks are typed)
_NO_TAGS: Tags = {}  # shared like the lexicon's own tags: read, never written


def _org_word_follows(sentence: Sentence, i: int, width: int, opening: bool = False) -> bool:
    """'Presidential Palace', 'Secretariat': a capitalised title word that is the start of an organisation's name
    ('General Department of Customs' is not a title)."""
    tokens = sentence.tokens
    k = i + width
    if k < len(tokens) and tokens[k].is_cap and _adjacent_run(sentence, i + width - 1, 2):
        tags = sentence.phrase_tags(k)
        # opening a name, a head that takes 'of' counts too ('General Department of Customs'); inside one it
        # does not ('… of Việt Nam Central Committee' is the party's organ)
        if title_at(sentence, k, True):
            return False  # 'Defense Minister Army General N': another title, not an organisation's name
        return "org_head" in tags and "title" not in tags and (opening or "of_head" not in tags)
    return False


def _never_starts(sentence: Sentence, i: int, lex: Lexicon) -> bool:
    """A capitalised function word ('The', 'In', 'According') does not open a name unless a name follows it
    at the start of a sentence ('To Hai said' — a family name that is also an English word)."""
    token = sentence.tokens[i]
    tags = sentence.phrase_tags(i)
    if "family_name" in tags and i + 1 < len(sentence.tokens) and sentence.tokens[i + 1].shape == "X":
        nxt = sentence.phrase_tags(i + 1)
        if not (nxt.keys() & {"not_name", "org_head", "title", "country", "demonym", "month", "weekday"}):
            return False
    if token.bare == "A" and i + 1 < len(sentence.tokens) and sentence.tokens[i + 1].text == "." and sentence.tokens[i + 1].start == token.end:
        return False  # 'A. P. Mukherjee': an initial, not the article
    if token.bare in ("The", "A", "An") or token.low.endswith(("-based", "-owned", "-run", "-led", "-backed", "-made", "-born", "-style")):
        return True
    if i == 0 and token.low.endswith("ing") and not tags.keys() & {"org_head", "country", "city", "region", "family_name"}:
        return True  # 'Receiving the delegation, …', 'Speaking at the meeting, …'
    if i == 0 and "possessed_by_people" in tags and not tags.keys() & {"org_head", "country", "city", "region", "family_name", "title"}:
        nxt = sentence.tokens[1] if len(sentence.tokens) > 1 else None
        if nxt is not None and nxt.shape == "x":
            return True  # 'Talks between …', 'Visits by …': a common noun that opens the sentence
    return ("opener" in tags or "function_word" in tags) and not ("org_head" in tags or "country" in tags or "demonym" in tags)


_DETERMINERS = ("The", "This", "These", "Those")  # never inside a name (a joined 'of the' is lower-case)


def _chunk_end(sentence: Sentence, i: int, lex: Lexicon) -> int:
    """The index of the last token of the chunk that starts at token i."""
    tokens = sentence.tokens
    text = sentence.text
    n = len(tokens)
    end = i
    joined_of = False
    # a phrase of the lexicon that starts here (a country, a place, a portfolio) is one piece
    own = _longest(sentence, i, "country", "city", "region", "portfolio")
    if own > 1 and all(tokens[k].is_cap or tokens[k].low in ("of", "and", "the", "-", ",") for k in range(i, i + own)):
        end = i + own - 1
    while end + 1 < n:
        token = tokens[end]
        if token.possessive:
            if not _possessive_joins(sentence, end):
                break
            end += 1
            continue
        nxt = tokens[end + 1]
        gap = text[token.end : nxt.start]
        if gap == " " and nxt.shape == "x" and HYPHENED_PARTICLE.match(nxt.text):
            end += 1  # 'Abdel Fattah el-Sisi', 'Ahmed al-Sharaa': a particle joined to the family name
            continue
        if nxt.is_cap and gap == " ":
            if nxt.bare in _DETERMINERS:
                break  # 'met Ana Lind The two sides signed …': a summary run together; 'The' opens what follows
            if title_at(sentence, end + 1, capitalised=True) and not _org_word_follows(sentence, end + 1, title_at(sentence, end + 1, True)):
                break
            width = honorific_at(sentence, end + 1)
            if width and end + 1 + width < n and tokens[end + 1 + width].is_cap:
                break
            end += 1
            continue
        if nxt.text == "." and gap == "" and (len(token.bare) == 1 and token.shape == "X" or token.bare in _ABBREVIATION):
            # 'A. P. Mukherjee', 'St. Petersburg', 'No.1'
            if end + 2 < n and (tokens[end + 2].is_cap or tokens[end + 2].shape == "d" and token.bare == "No"):
                end += 2
                continue
            break
        if nxt.shape == "d" and gap in (" ", "") and ("org_head" in sentence.phrase_tags(end) or token.bare == "No"):
            end += 1  # 'Military Hospital 175', 'Power Engineering Consulting JSC 1', 'No.1'
            continue
        if nxt.shape == "d" and gap == " " and end + 2 < n and tokens[end + 2].is_cap and "org_head" in sentence.phrase_tags(end + 2):
            end += 1  # 'Lilama 10 JSC'
            continue
        if nxt.text == "," and gap == "" and joined_of and _comma_list(sentence, end + 1):
            end += 2  # 'Ministry of Economy, Trade and Industry'
            continue
        if gap != " " or end + 2 >= n:
            break
        after = tokens[end + 2]
        after_gap = text[nxt.end : after.start]
        if after_gap != " ":
            break
        low = nxt.low
        if low in _JOINERS and (after.is_cap or (after.low == "the" and end + 3 < n and tokens[end + 3].is_cap)):
            if title_at(sentence, end + 2, capitalised=True) or honorific_at(sentence, end + 2):
                break
            if not joined_of and (_bare_name(sentence, i, end) or _after_title(sentence, i) and not any(
                    "org_head" in sentence.phrase_tags(k) for k in range(i, end + 1))):
                break  # 'Vitaly Gorsky of Polar Freight said', 'Director Do Van Ha of Polar Freight': a person of an organisation
            if "demonym" in sentence.phrase_tags(end + 2) and (end + 3 >= n or not tokens[end + 3].is_cap):
                break  # '… Ivanovich of Russian oil and gas company …': an adjective, not a name
            if after.possessive:
                break  # 'Central Committee of Vietnam's Communist Party': the possessive opens a new name
            if after.low == "the":
                end += 3
            else:
                end += 2
            joined_of = True
            continue
        if low in ("and", "&") and after.is_cap and _and_joins(sentence, i, end, joined_of, low):
            end += 2
            continue
        if low in _PARTICLES_LOWER and nxt.shape == "x" and after.is_cap:
            end += 2  # 'Khaled bin Mohamed', 'Lula da Silva'
            continue
        if nxt.text in ("-", "–") and after.is_cap and not _starts_new_name(sentence, end + 2) and _dash_joins(sentence, end):
            end += 2  # 'Vietnam – Russia Intergovernmental Committee', 'Industry - Energy Group'
            continue
        if low == "in" and "in_head" in sentence.phrase_tags(end) and after.is_cap and sentence.phrase_tags(end + 2).keys() & {"city", "country", "region"}:
            end += 2  # 'U.S. Embassy in Hanoi', 'Russian House in Hanoi'
            continue
        break
    return end


def _bare_name(sentence: Sentence, start: int, end: int) -> bool:
    """Two or more capitalised words that the lexicon knows only as names, if at all: no head noun, place or
    title among them ('Bank of …', 'Moscow State Institute of …' are heads that 'of' continues)."""
    words = [k for k in range(start, end + 1) if sentence.tokens[k].is_word]
    return len(words) >= 2 and all(
        sentence.tokens[k].is_cap and not sentence.phrase_tags(k).keys() - _PROPER_TAGS - {"possessed_by_people"}
        for k in words)


def _possessive_joins(sentence: Sentence, k: int) -> bool:
    """'Members' Council', 'Dr. Reddy's Laboratories', 'Presidency's Communications Directorate': a possessive
    inside an organisation's name (but 'Russia's Pacific Fleet' is the fleet of a country)."""
    tokens = sentence.tokens
    if k + 1 >= len(tokens) or not tokens[k + 1].is_cap or sentence.text[tokens[k].end : tokens[k + 1].start] != " ":
        return False
    if sentence.phrase_tags(k).keys() & {"country", "city", "region", "demonym", "title"}:
        return False
    for j in range(k + 1, min(k + 5, len(tokens))):
        if not tokens[j].is_cap:
            return False
        tags = sentence.phrase_tags(j)
        if "org_head" in tags and "weak_head" not in tags:
            return True
        if tokens[j].possessive:
            return False
    return False


def _dash_joins(sentence: Sentence, end: int) -> bool:
    """A dash inside a name joins two countries or leads to a head noun; 'Putin - Sputnik International' does not."""
    tokens = sentence.tokens
    if sentence.phrase_tags(end).keys() & {"country", "city"}:
        return True
    for j in range(end + 2, min(end + 6, len(tokens))):
        if not tokens[j].is_cap:
            return False
        if "org_head" in sentence.phrase_tags(j):
            return True
    return False


def _after_title(sentence: Sentence, start: int) -> bool:
    """The chunk starting at token `start` follows a title or an honorific: it is a person's name."""
    if start == 0:
        return False
    tags = sentence.phrase_tags(start - 1)
    return bool(tags.keys() & {"title", "rank", "role_noun", "honorific"})


def _and_joins(sentence: Sentence, start: int, end: int, joined_of: bool, low: str) -> bool:
    """Whether 'and' continues the name: a portfolio ('Ministry of Industry and Trade'), a name of words
    before its head ('Tropical Research and Technological Centre'), an ampersand ('Johnson & Johnson'); not two
    names ('Tran Van Binh and Russian Deputy …', 'Atomgrad Technical Academy and NATOM')."""
    tokens = sentence.tokens
    k = end + 2
    if _starts_new_name(sentence, k) or tokens[k].shape == "XX" or "country" in sentence.phrase_tags(k) or tokens[k].possessive:
        return False
    right = []
    while k < len(tokens) and tokens[k].is_cap and len(right) < 6:
        right.append(k)
        if tokens[k].possessive:
            break
        k += 1
    right_head = any("org_head" in sentence.phrase_tags(j) for j in right)
    left_head = any("org_head" in sentence.phrase_tags(j) for j in range(start, end + 1) if tokens[j].is_cap)
    if low == "&":
        return True
    if joined_of:
        of = max((j for j in range(start, end + 1) if tokens[j].low in ("of", "for")), default=None)
        if of is not None and right:
            phrase = tuple(t.fold for t in tokens[of + 1 : right[-1] + 1] if t.low != "the")
            if "portfolio" in lexicon().gazetteer.get(phrase) or "portfolio" in lexicon().gazetteer.get(tuple(tokens[j].fold for j in [end] + [end + 1] + right)):
                return True  # 'University of Science and Technology', 'Ministry of Industry and Trade'
        return not right_head and len(right) <= 3
    if _portfolio_before(sentence, start, end):
        return True
    if right_head and len(right) >= 3 and end - start >= 1 and not sentence.phrase_tags(right[0]).keys() - _PROPER_TAGS:
        return False  # 'Polar Freight and Varna Energy Group': a name of its own on the right, with a head
    return right_head and not left_head and not _after_title(sentence, start)


_PROPER_TAGS = frozenset({"city", "region", "family_name", "given_name"})  # words that are names, not generic words


def _portfolio_before(sentence: Sentence, start: int, end: int) -> bool:
    return _longest(sentence, start, "portfolio") > 0


def _starts_new_name(sentence: Sentence, i: int) -> bool:
    """A title, an honorific or a demonym opens a new name: '… Nguyen Van An and Russian Deputy Minister …'."""
    tags = sentence.phrase_tags(i)
    return bool(title_at(sentence, i, True) or honorific_at(sentence, i) or "demonym" in tags)


def _comma_list(sentence: Sentence, comma: int) -> bool:
    """', Sports and Tourism' after 'Ministry of Culture': capitalised words up to an 'and' and a last capital."""
    tokens = sentence.tokens
    k = comma + 1
    saw_and = False
    while k < len(tokens) and k < comma + 12:
        token = tokens[k]
        if token.is_cap:
            k += 1
            continue
        if token.low == "and" and k + 1 < len(tokens) and tokens[k + 1].is_cap:
            saw_and = True
            k += 1
            continue
        if token.text == ",":
            k += 1
            continue
        break
    return saw_and


# ---------------------------------------------------------------- typing chunks


def _type(sentence: Sentence, item: Item, lex: Lexicon) -> None:
    tokens = sentence.tokens[item.first : item.last + 1]
    words = [t for t in tokens if t.is_word]
    folds = tuple(t.fold for t in tokens)
    whole = lex.gazetteer.get(folds) if folds else {}
    types = item.types
    if "country" in whole:
        types.add("COUNTRY")
        item.country = whole["country"]
        return
    if "demonym" in whole:
        types.add("DEMONYM")
        item.country = whole["demonym"]
        return
    if whole.keys() & {"city", "region"}:
        types.add("PLACE")
        return
    if "doc_type" in whole:
        types.add("DOC")
        return
    if "organ_suffix" in whole:
        return  # 'Central Committee' alone is an organ of a body named elsewhere
    if "portfolio" in whole:
        types.add("PORTFOLIO")
        return
    lead = _longest(sentence, item.first, "portfolio")
    if lead and item.first + lead <= item.last and sentence.tokens[item.first + lead].low in ("of", "for"):
        rest = [t for t in sentence.tokens[item.first + lead + 1 : item.last + 1] if t.low != "the"]
        if rest and lex.gazetteer.get(tuple(t.fold for t in rest)).keys() & {"country"}:
            types.add("PORTFOLIO")  # 'Energy of the Russian Federation'
            return
    last = words[-1] if words else tokens[-1]
    last_i = item.first + tokens.index(last)
    last_tags = sentence.phrase_tags(last_i)
    if last.shape == "d" and len(words) > 1:
        last_tags = sentence.phrase_tags(last_i - 1)
    # a lower-case head after the chunk: 'Tran Phu street', 'Nghe An province', 'the El-Dabaa nuclear power plant'
    after = item.last + 1
    if after < len(sentence.tokens) and sentence.tokens[after].shape == "x":
        following = _longest(sentence, after, "place_head", "facility_head")
        if following:
            is_place = any("place_head" in tags for length, tags in sentence.matches[after] if length == following)
            types.add("PLACE" if is_place else "FACILITY")
    if len(words) > 1 and "place_head" in last_tags and last.is_cap:
        types.add("PLACE")
    if len(words) > 1 and "facility_head" in last_tags and last.is_cap and "org_head" not in last_tags:
        types.add("FACILITY")
    if types & {"PLACE", "FACILITY"}:
        return
    if _org_shaped(sentence, item, tokens, words, lex):
        types.add("ORG")
    if len(words) == 1 and words[0].shape == "XX":
        bare = words[0].bare
        upper = bare.upper()
        if not {bare, upper, upper.removesuffix("S")} & lex.not_organizations and not _MODEL.search(words[0].text):
            types.add("ORG")
            types.add("ACRONYM")
        return
    if "ORG" not in types and _name_shaped(sentence, item, tokens, words, lex):
        types.add("NAME")
    if "ORG" in types and _name_shaped(sentence, item, tokens, words, lex) and _mixed_run(sentence, item, words):
        types.add("NAME")  # 'Vinaoil Le Van Tam': an organisation and a name; the grammar splits it


def _org_shaped(sentence: Sentence, item: Item, tokens: list[Token], words: list[Token], lex: Lexicon) -> bool:
    """A head noun ends the name (before 'of …' or a number), an 'of'-head opens it, or a corporate suffix."""
    meaningful = [t for t in words if t.low not in ("of", "and", "the", "for", "&")]
    for k, token in enumerate(tokens):
        if not token.is_cap:
            continue
        tags = sentence.phrase_tags(item.first + k)
        rest = tokens[k + 1 :]
        if "of_head" in tags and rest and rest[0].low in ("of", "for"):
            return True
        if ("org_head" in tags or "corporate_suffix" in tags) and not _in_country(sentence, item.first + k):
            ends_here = not rest or all(t.shape == "d" or t.text == "." for t in rest) or rest[0].low in ("of", "for")
            ends_here = ends_here or (len(rest) == 1 and _acronym_token(rest[0]))  # 'University MEPhI', 'Corporation PJSC'
            ends_here = ends_here or (rest[0].low == "in" and "in_head" in tags if rest else False)  # 'Embassy in Hanoi'
            if any("place_head" in sentence.phrase_tags(item.first + j) and j + 1 < len(tokens) and tokens[j + 1].low == "of" for j in range(k)):
                return False  # 'Nenets Autonomous Okrug of the Russian Federation': a place
            if not ends_here:
                continue
            others = [t for t in meaningful if t is not token]
            if not others:
                return False  # a head noun alone ('Board', 'Bank') is not a name
            if "weak_head" in tags:
                distinctive = [t for t in others if not (sentence.phrase_tags(item.first + tokens.index(t)).keys() & {"country", "demonym", "not_name", "portfolio"})]
                heads_only = all("org_head" in sentence.phrase_tags(item.first + tokens.index(t)) for t in others)
                if not distinctive and len(others) < 2 and not heads_only:
                    return False
            return True
    return False


def _in_country(sentence: Sentence, k: int) -> bool:
    """Token k is inside a country's name ('Russian Federation', 'United Arab Emirates')."""
    for j in range(max(0, k - 4), k + 1):
        for length, tags in sentence.matches[j]:
            if "country" in tags and j + length > k and length > 1:
                return True
    return False


def _acronym_token(token: Token) -> bool:
    letters = [c for c in token.bare if c.isalpha()]
    return len(letters) >= 2 and sum(1 for c in letters if c.isupper()) >= 2 and not _MODEL.search(token.text)


def _name_shaped(sentence: Sentence, item: Item, tokens: list[Token], words: list[Token], lex: Lexicon) -> bool:
    """Could be a person's name or a brand: 1–6 words, none a month, a title, a country or a generic word."""
    if not words or len(words) > 7:
        return False
    caps = [t for t in words if t.is_cap]
    if not caps:
        return False
    for k, token in enumerate(tokens):
        if not token.is_word:
            continue
        if _MODEL.search(token.text):
            return False
        tags = sentence.phrase_tags(item.first + k)
        if token.is_cap and tags.keys() & {"month", "weekday"}:
            return False
        if token.is_cap and "not_name" in tags and not tags.keys() & {"family_name", "particle"} and len(caps) == 1:
            return False
    if all(sentence.phrase_tags(item.first + tokens.index(t)).keys() & {"not_name", "country", "demonym", "title", "org_head", "portfolio", "descriptor"} for t in caps):
        return False
    return True


def _mixed_run(sentence: Sentence, item: Item, words: list[Token]) -> bool:
    """An organisation's name followed by a person's: a head noun or an acronym, then capitalised words."""
    for k, token in enumerate(words[:-1]):
        tags = sentence.phrase_tags(sentence.tokens.index(token))
        if ("org_head" in tags or token.shape == "XX") and len(words) - k - 1 >= 1:
            rest = words[k + 1 :]
            if len(rest) >= 2 and rest[0].low not in ("of", "for", "and") and all(t.is_cap for t in rest) and not all(_acronym_token(t) for t in rest):
                return True
    return False


def _split_nested(sentence: Sentence, items: list[Item], lex: Lexicon) -> None:
    """'Burdenko Main Military Clinical Hospital of the Russian Ministry of Defence': two organisations (a head
    that takes 'of' — 'Academy of Sciences' — splits only when what follows has a head of its own)."""
    for item in items:
        if item.kind != "chunk" or "ORG" not in item.types:
            continue
        tokens = sentence.tokens[item.first : item.last + 1]
        for k, token in enumerate(tokens):
            if token.low != "of" or k == 0:
                continue
            left = tokens[:k]
            right = [t for t in tokens[k + 1 :] if t.low != "the"]
            left_tags = sentence.phrase_tags(item.first + k - 1)
            if not right or not ("org_head" in left_tags) or len(left) < 2:
                continue
            right_first = tokens.index(right[0])
            right_item = _make(sentence, "chunk", item.first + right_first, item.last, set())
            _type(sentence, right_item, lex)
            right_head = any("org_head" in (tags := sentence.phrase_tags(j)) and "weak_head" not in tags
                             for j in range(right_item.first, right_item.last + 1))
            tail = tuple(t.fold for t in sentence.tokens[max(right_item.first, right_item.last - 1) : right_item.last + 1])
            if right_head and "organ_suffix" in lex.gazetteer.get(tail):
                right_head = False  # '… Party of Việt Nam Central Committee': the organ of the whole, not a second body
            if "ORG" in right_item.types and ("of_head" not in left_tags or right_head):
                item.types.add("NESTED")
                item.tags = {"inner_start": str(right_item.first), "outer_end": str(item.first + k - 1)}
            break
