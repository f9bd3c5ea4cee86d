"""Agreements: documents signed, initialled, adopted, planned, under negotiation or not concluded, found in one
article's sentences, each with the status of its own clause.

Three shapes. A list of documents under a sentence that says they were signed ('The following documents were
signed:', 'Among them are:' after 'the leaders witnessed the exchange of 45 documents'): every item is one. A
sentence naming one specific document — a singular document noun with a subject ('an agreement on …', 'a
memorandum between A and B', 'Tourism cooperation memorandum', 'a joint statement') — and a status word in its
clause. A plural is a document only with its own subject ('documents on energy transition'), never a count
('24 documents'). Near misses are not documents: 'reached agreement on the need to …', a partnership, a
cultural week programme with no status. A definite back-reference ('the deal', 'The agreement was signed
by …') cites the document it refers to instead of making a second one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.ingest import lexicon
from bot.models import Article, Sentence
from bot.text import alternation

_LEADING_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)
_QUOTES = re.compile(r"[“”\"«»]")
_GLYPH = re.compile(r"^(?:[-•·*▪►–]\s+|\d{1,2}[.)]\s+|[a-z][.)]\s+)")
_WHEN = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year|weekend|morning|evening)"
# a title ends at a clause boundary, a finite verb ("… Union are continuing") or a time ("… on Tuesday")
_CLAUSE_END = re.compile(
    r"\s*(?:[,;:]|\s[—–-]\s|\.\s|\.$"
    r"|\s(?:which|that|and sign|and to|while|as well as|who|after|when|under which)\b|\sas\s(?=[A-Z])"
    r"|\sand\s(?:a|an|the|its|their)\s|\sand\s(?:[a-z]+ed|said|hoped|hopes|will|would|is|are|was|were)\b"
    r"|\s(?:is|are|was|were|has|have|had|will|would|could|should|can|may|might)\b"
    r"|\s(?:signed|inked|sealed|initialled|initialed|concluded|adopted)\s(?:in|on|at|by|last|earlier|during|with|between)\b"
    rf"|\s(?:on|last|this|next|earlier|later)\s(?:\w+\s)?{_WHEN}\b"
    r"|\s(?:in|on)\s(?:January|February|March|April|May|June|July|August|September|October|November|December)\b)"
)
_CLAUSE_SPLIT = re.compile(r"[;:]|,\s+(?=(?:which|that|while|but|and|as|after|before|when|where)\b)|\s[—–]\s"
                           r"|\s(?=and\s(?:said|added|noted|announced|stressed|stated)\b)")
_CONTINUES_LIST = re.compile(r"^(?:Among them|They include|They included|These include|These included|Among the documents|Among these|They are|These are|Those include"
                             r"|The others? (?:agreements?|documents?|deals?) (?:were|was|included|include)|Other (?:agreements|documents|deals) (?:were|included|include))\b", re.I)
_NEAR_MISS = re.compile(r"\b(?:reach(?:ed|es)?|in|by mutual)\s+agreement\b(?!\s+(?:was|were|is|has))", re.I)
_COUNT_BEFORE = re.compile(r"(?:\b\d[\d,]*|\b(?:two|three|four|five|six|seven|eight|nine|ten|dozens|several|many|a series of|a number of|a package of|other))\s+(?:[\w-]+\s+){0,3}$", re.I)
_ADJECTIVES = frozenset("new longer shorter broader wider further final formal concrete detailed separate possible future "
                        "previous earlier existing current first second third bilateral multilateral major key important "
                        "historic landmark landmark preliminary initial other related relevant respective same such this that".split())


@dataclass(frozen=True)
class DocumentVocabulary:
    types: tuple[tuple[str, str], ...]  # (phrase, type), longest phrase first
    plurals: dict[str, str]  # plural phrase → type
    genres: frozenset[str]  # types specific by themselves ('joint statement')
    specific: frozenset[str]  # phrases specific by themselves ('purchase agreement')
    complements: frozenset[str]
    status_cues: tuple[tuple[str, tuple[str, ...]], ...]
    heading_documents: frozenset[str]
    heading_signed: frozenset[str]
    statement_verbs: frozenset[str]  # a list item holding one states a fact ('Trade grew by 14%'), it names no document


@cache
def vocab() -> DocumentVocabulary:
    data = lexicon.load("documents.json")
    return DocumentVocabulary(
        types=tuple(sorted(data["types"].items(), key=lambda item: len(item[0]), reverse=True)),
        plurals=dict(sorted(data["plurals"].items(), key=lambda item: len(item[0]), reverse=True)),
        genres=frozenset(data["genres"]),
        specific=frozenset(data["specific_phrases"]),
        complements=frozenset(data["complements"]),
        status_cues=tuple((status, tuple(cues)) for status, cues in data["status_cues"]),
        heading_documents=frozenset(data["list_heading"]["documents"]),
        heading_signed=frozenset(data["list_heading"]["signed"]),
        statement_verbs=frozenset(data["list_heading"]["statement_verbs"]),
    )


@dataclass
class DocumentCandidate:
    title: str
    type: str
    status: str
    sentence: Sentence
    span: tuple[int, int]  # of the title inside the sentence
    rule: str = "document"
    subject: str = ""  # what it is about: the words after 'on', 'for', 'to' …, without its parties
    definite: bool = False  # 'the agreement', 'the deal': refers to a document named elsewhere
    opener: Sentence | None = None  # the sentence that says a listed document's status, cited with it
    sectors: list[str] | None = None  # sector keys of its title (or its sentence), tagged with the article


def is_heading(sentence: Sentence) -> bool:
    return sentence.kind == "heading" and sentence.text.endswith(":")


def find_documents(article: Article, rejected: list[tuple[int, str, str]] | None = None) -> list[DocumentCandidate]:
    """Every document of one article, in order, back-references folded into what they refer to (pure).
    `rejected`, when given, collects (sentence index, reason, document noun) for nouns not taken (`citebot explain`)."""
    words = vocab()
    found: list[DocumentCandidate] = []
    sentences = article.sentences
    list_status: dict[int, str | None] = {}
    previous_status: str | None = None  # a sentence saying documents were signed, for 'They included …'
    previous: Sentence | None = None
    for sentence in sentences:
        if sentence.kind not in ("paragraph", "standfirst", "bullet", "heading"):
            continue
        if sentence.kind == "bullet" and sentence.heading is not None:
            if sentence.heading not in list_status:
                heading = sentences[sentence.heading]
                status = _list_status(heading.text, words)
                if status is None and sentence.heading > 0 and _CONTINUES_LIST.match(heading.text):
                    status = _list_status(sentences[sentence.heading - 1].text, words)
                list_status[sentence.heading] = status
            status = list_status[sentence.heading]
            if status:
                if _doc_type(sentence.text, words) or not _states_a_fact(sentence.text, words):
                    found.append(_bullet_document(sentence, status, words))
                continue
        if sentence.text.rstrip().endswith(":"):
            continue  # a list's opening line: its items are the documents
        inherited = previous_status if _CONTINUES_LIST.match(sentence.text) else None
        documents = _sentence_documents(sentence, words, inherited, rejected)
        if inherited and documents and previous is not None:
            for document in documents:
                document.opener = previous  # 'Officials inked 17 memorandums …' is where their status comes from
        if not documents and _BACK_REFERENCE.match(sentence.text) and found:
            documents = [_back_reference(sentence, found)]
        found.extend(documents)
        # a list that runs over several sentences ('These included …', 'The other agreements were …') keeps its status
        previous_status = _list_status(sentence.text, words) or inherited
        previous = sentence if not inherited else previous
    return _fold_back_references(found)


def _list_status(text: str, words: DocumentVocabulary) -> str | None:
    """'Agreements signed:', 'The following documents were signed and exchanged', 'witnessed the exchange of
    45 cooperation documents': the status of the documents a list or a later sentence names."""
    lowered = text.lower()
    if not _whole_word_of(words.heading_documents).search(lowered):
        return None  # no document noun among its words: the set of its words is not needed
    low = set(re.findall(r"[a-z]+", lowered))
    if low & words.heading_documents and low & words.heading_signed:
        if low & {"initialled", "initialed"}:
            return "initialled"
        if low & {"signed", "exchanged", "exchange", "inked", "concluded"}:
            return "signed"  # 'issued a joint statement and witnessed the exchange of 11 documents': the documents were signed
        return "adopted"
    return None


def _bullet_document(sentence: Sentence, status: str, words: DocumentVocabulary) -> DocumentCandidate:
    found = _doc_type(sentence.text, words)
    title = _clean_title(sentence.text)
    return DocumentCandidate(
        title=title,
        type=found[0] if found else "agreement",
        status=status,
        sentence=sentence,
        span=(0, len(sentence.text)),
        rule="document-list",
        subject=_subject(title),
    )


@cache
def _whole_word_of(words: frozenset[str]) -> re.Pattern[str]:
    """Finds one of the words as a whole run of a-z letters: whether `re.findall("[a-z]+", text)` holds one."""
    return re.compile(r"(?<![a-z])(?:" + alternation(sorted(w for w in words if re.fullmatch("[a-z]+", w))) + r")(?![a-z])")


def _states_a_fact(text: str, words: DocumentVocabulary) -> bool:
    return not words.statement_verbs.isdisjoint(re.findall(r"[a-z]+", text.lower()))


def _doc_type(text: str, words: DocumentVocabulary) -> tuple[str, int, int] | None:
    """The first singular document noun in text: (type, start, end); at one place, the longest phrase."""
    table = _type_table(words.types)
    match = table[0].search(text.lower())
    return (table[1][match.group()], match.start(), match.end()) if match else None


@cache
def _type_table(types: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    kinds: dict[str, str] = {}
    for phrase, kind in types:
        kinds.setdefault(phrase, kind)
    return re.compile(rf"(?<![\w-])(?:{alternation(list(kinds))})(?![\w-])"), kinds


@cache
def _any_document() -> re.Pattern[str]:
    phrases = [*(phrase for phrase, _ in vocab().types), *vocab().plurals]
    if any(phrase != phrase.lower() for phrase in phrases):  # the tree's branches must differ ignoring case
        phrases.sort(key=len, reverse=True)
        return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![\w-])", re.I)
    return re.compile(r"(?<![\w-])(?:" + alternation(phrases) + r")(?![\w-])", re.I)


def status_of(clause: str, words: DocumentVocabulary | None = None) -> str | None:
    """The status a clause gives: the first cue in the vocabulary's order (negation and plans before signing)."""
    words = words or vocab()
    low = _ADVERB.sub("", clause.lower())  # "would also sign" reads as "would sign"
    for status, cues in words.status_cues:
        if any(cue in low for cue in cues):
            return status
    return None


_ADVERB = re.compile(r"\b(?:also|soon|then|still|now|finally|formally|officially|jointly|promptly|already|\w+ly)\s+")


_PARTICIPLE = re.compile(r"^\s+(signed|initialled|initialed|inked|sealed|concluded|adopted|issued)\s+(?:by|in|on|at|last|with|between|earlier)\b", re.I)
_CUE_WORD = re.compile(r"\b(?:signed|signing|inked|sealed|initialled|initialed|exchanged|adopted|issued|concluded|awarded|struck)\b", re.I)
_MODAL_BEFORE = re.compile(r"\b(?:will|would|could|may|might|should|to be|expected to|plan to|plans to|aim to|aims to|due to|set to|not|never|failed to|ready to)\s+(?:\w+\s+)?$", re.I)


_PREDICATE_AFTER = re.compile(
    r"\s+(?:(?:is|are|was|were|has been|have been|had been)\s+(?:\w+ly\s+)?(?:expected|set|due|planned|scheduled)\s+to\s+be\s+\w+"
    r"|(?:will|would|could|may|might|should|can|is to|are to)\s+(?:\w+ly\s+|also\s+)?be\s+\w+"
    r"|(?:is|are|was|were|has been|have been|had been)\s+(?:\w+ly\s+|also\s+)?\w+ed\b)", re.I)


def _clause_status(text: str, start: int, end: int, words: DocumentVocabulary) -> str | None:
    """The status of the clause holding text[start:end]: a participle right after the document ('the contract
    signed by …'), else the relative clause right after it ('…, which the two ministries are expected to sign
    next year'), else the nearest verb before it in its clause ('X signed a letter of intent on Monday under
    which …'), else the clause as a whole, else the sentence."""
    participle = _PARTICIPLE.match(text[end:])
    if participle:
        return status_of(participle.group(1), words)
    predicate = _PREDICATE_AFTER.match(text, end)
    if predicate:  # 'a treaty on … would be signed next year', 'An agreement … was signed between …'
        status = status_of(predicate.group(), words)
        if status:
            return status
    bounds = [0] + [m.end() for m in _CLAUSE_SPLIT.finditer(text)] + [len(text)]
    clause_start = max(b for b in bounds if b <= start)
    clause_end = min((b for b in bounds if b >= end), default=len(text))
    following = re.match(r"\s*,?\s*(?:which|that)\b[^,;.]*", text[end:])
    if following:
        status = status_of(following.group(), words)
        if status:
            return status
    before = text[clause_start:start]
    cues = list(_CUE_WORD.finditer(before))
    if cues:
        last = cues[-1]
        modal = _MODAL_BEFORE.search(before[: last.start()])
        if modal is None:
            status = status_of(last.group(), words)
            if status:
                return status
        return status_of(before[modal.start() if modal else last.start() :], words) or status_of(text[clause_start:clause_end], words)
    status = status_of(text[clause_start:clause_end], words)
    if status:
        return status
    # the verb of a clause before: 'X and Y signed A, B and C', 'X signed on Monday an amendment to …'
    before = text[:start]
    last = before.rfind(".")
    return status_of(before[last + 1 :], words) or status_of(text, words)


def _sentence_documents(sentence: Sentence, words: DocumentVocabulary, inherited: str | None,
                        rejected: list[tuple[int, str, str]] | None = None) -> list[DocumentCandidate]:
    text = sentence.text
    if not _any_document().search(text):
        return []
    low = text.lower()
    documents: list[DocumentCandidate] = []
    spans: list[tuple[int, int]] = []
    for match in _any_document().finditer(low):
        start, end = match.start(), match.end()
        phrase = match.group()
        if any(s <= start < e for s, e in spans):
            continue
        plural = phrase in words.plurals or bool(re.match(r"(?:s|es)\b", low[end:]))
        kind = words.plurals.get(phrase) or dict(words.types).get(phrase, "agreement")
        if plural and phrase not in words.plurals:
            end += 1 if low[end : end + 1] == "s" else 2
        if _NEAR_MISS.search(low[max(0, start - 25) : end]) and phrase == "agreement":
            if rejected is not None:
                rejected.append((sentence.index, "near-miss", text[start:end]))
            continue  # 'reached agreement on the need to …': an outcome of talks, not a document
        if low[max(0, start - 1) : start] == "(" or (phrase == "order" and (low[max(0, start - 3) : start] == "in " or not low[end:].startswith(" for"))):
            if rejected is not None:
                rejected.append((sentence.index, "repeat-or-idiom", text[start:end]))
            continue  # '(MoU)' repeats the document before it; 'in order to' is no order
        after = re.sub(r"^\s*\([^()]{1,12}\)", "", low[end:])  # 'a memorandum of understanding (MoU) to …'
        next_word = re.match(r"\W*([a-z]+)", after)
        has_subject = bool(next_word and next_word.group(1) in words.complements) and len(after.split()) >= 2
        if plural:
            # a plural is a document only with its own subject: 'documents on energy transition', not '24 documents'
            if not (next_word and next_word.group(1) in ("on", "for", "to", "regarding")) or _COUNT_BEFORE.search(low[:start]):
                if rejected is not None:
                    rejected.append((sentence.index, "plural-without-subject", text[start:end]))
                continue
        modifier_start = _modifier_start(text, start)
        specific = has_subject or kind in words.genres or phrase in words.specific or _subject_modifier(text[modifier_start:start])
        late = None if specific or plural else _late_subject(text, end)
        if not specific and late is None:
            if rejected is not None:
                rejected.append((sentence.index, "no-subject", text[start:end]))
            continue  # "a concrete roadmap and …": no subject, not a specific document
        title_end = end + _clause_length(text[end:])
        title = _clean_title(text[modifier_start:title_end])
        if late is not None:  # 'An agreement was also signed with X for the supply of …': its subject after the verb
            title = _clean_title(text[modifier_start:end] + " " + text[late : late + _clause_length(text[late:])])
        if len(title.split()) < 2 and kind not in words.genres:
            if rejected is not None:
                rejected.append((sentence.index, "title-too-short", text[start:end]))
            continue
        status = _clause_status(text, modifier_start, title_end, words) or inherited
        if status is None:
            if rejected is not None:
                rejected.append((sentence.index, "no-status", text[start:end]))
            continue
        determiner = re.search(r"(?:^|\s)(?:the|this|that)\s+((?:[\w-]+\s+){0,3})$", low[:modifier_start])
        # 'the signed agreement', 'this landmark deal'; not 'The parliament adopted a declaration'
        definite = bool(determiner) and not re.search(r"\b(?:a|an)\s", determiner.group(1))
        spans.append((modifier_start, title_end))
        documents.append(
            DocumentCandidate(
                title=title,
                type=kind,
                status=status,
                sentence=sentence,
                span=(modifier_start, title_end),
                rule="document-list-continued" if inherited and not status_of(text) else "document",
                subject=_subject(title),
                definite=definite,
            )
        )
    return documents


_MODIFIER_STOP = re.compile(
    r"^(?:a|an|the|of|in|on|to|and|or|with|by|for|from|at|as|is|are|was|were|be|been|signed|sign|adopted|adoption|issued|"
    r"negotiate|negotiated|concluded|reached|also|two|several|concrete|this|that|these|its|their|his|her|"
    r"promptly|inked|sealed|initialled|initialed|exchanged|under|about|into|over|talks|text)$",
    re.I,
)


def _modifier_start(text: str, start: int) -> int:
    """Noun modifiers before a document noun belong to its title: "Tourism cooperation memorandum", "joint declaration"."""
    words = list(re.finditer(r"[$€£¥]?\d[\d.,]*|[\w“”\"’'-]+", text[:start]))
    begin = start
    for word in reversed(words):
        if text[word.end() : begin].strip() not in ("", "“", "”", "\""):
            break
        if _MODIFIER_STOP.match(word.group().strip("“”\"")):
            break
        begin = word.start()
    return begin


def _subject_modifier(modifiers: str) -> bool:
    """'purchase', 'licence', 'one-year term', 'Tourism cooperation': modifiers that say what a document is
    about; 'longer', 'new', 'detailed' do not."""
    words = [w.lower() for w in re.findall(r"[\w-]+", modifiers)]
    return any(w not in _ADJECTIVES and not w.endswith("er") and not w.isdigit() for w in words)


_LATE_SUBJECT = re.compile(r"\s+(?:with|between|by)\s+[^,;.]{1,80}?\s(?=(?:on|for|to)\s+(?:the\s+)?[a-z])|\s+(?=(?:on|for)\s)")


def _late_subject(text: str, end: int) -> int | None:
    """Where the subject of a document starts when a predicate comes between: 'An agreement was signed with X
    for the supply of 200 locomotives' → 'for the supply …'."""
    predicate = _PREDICATE_AFTER.match(text, end)
    if predicate is None:
        return None
    late = _LATE_SUBJECT.match(text, predicate.end())
    return late.end() if late else None


def _clause_length(rest: str) -> int:
    match = _CLAUSE_END.search(rest)
    while match and re.match(r"\s+and\s+(?:a|an|the|its|their)\s", rest[match.start() :]) and re.search(r"\bbetween\b", rest[: match.start()]) and " and " not in rest[rest.index("between") : match.start()]:
        match = _CLAUSE_END.search(rest, match.end())  # 'between the Reserve Bank of India and the Bank of Russia'
    length = match.start() if match else len(rest)
    words = rest[:length].split()
    if len(words) > 22:  # keep titles short: cut at a word boundary
        length = len(" ".join(rest[:length].split()[:22])) + (len(rest) - len(rest.lstrip()))
    return length


def _clean_title(text: str) -> str:
    """A faithful short title: the document's own words, leading article and quote marks removed."""
    title = _QUOTES.sub("", _GLYPH.sub("", text.strip())).strip(" .,;:")
    title = _LEADING_ARTICLE.sub("", title)
    return title[:1].upper() + title[1:]


_SUBJECT = re.compile(r"\b(?:on|for|regarding|concerning|to|in)\s+(.*?)(?:\s+\b(?:between|with|by|among)\b|$)", re.I)
_PARTIES = re.compile(r"\b(?:between|with|by|among)\b.*$", re.I)


def _subject(title: str) -> str:
    """What a document is about, without who signed it: 'memorandum on coal mining with the Ministry of X' →
    'coal mining'."""
    match = _SUBJECT.search(title)
    if match and match.group(1).strip():
        return match.group(1).strip()
    return _PARTIES.sub("", title).strip()


_BACK_REFERENCE = re.compile(
    r"^(?:Under\s+)?(?:The|This|That|Under the)\s+(?:signing|signing ceremony|document|documents|agreement|deal|memorandum|MoU|"
    r"protocol|programme|program|contract|treaty|roadmap|declaration|letter of intent|amendment|accord|pact)\b"
    r"(?:\s+(?:was|were|is|has|had|will|also|still|provides|covers|took|includes|calls|opens|marks|sets|aims|is expected))",
    re.I,
)


def _back_reference(sentence: Sentence, found: list[DocumentCandidate]) -> DocumentCandidate:
    """'The document was signed by …', 'The signing took place in the presence of …': another citation of
    the document the article named last."""
    referent = found[-1]
    return DocumentCandidate(
        title=referent.title,
        type=referent.type,
        status=referent.status,
        sentence=sentence,
        span=(0, 0),
        rule="back-reference",
        subject=referent.subject,
        definite=False,
    )


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2 and w not in ("the", "and", "for", "between", "with", "cooperation")}


def _fold_back_references(found: list[DocumentCandidate]) -> list[DocumentCandidate]:
    """'the deal', 'The agreement was signed by …': a definite document of a type the article already names
    (or names later) is that document, so it is kept only as another citation of it."""
    kept: list[DocumentCandidate] = []
    for candidate in found:
        if candidate.definite:
            same_type = [d for d in found if d is not candidate and d.type == candidate.type and not d.definite and d.rule != "back-reference"]
            own = _content_words(candidate.subject) - _content_words(candidate.type)
            if len(same_type) == 1 and (not own or own <= _content_words(same_type[0].title)):
                candidate.title = same_type[0].title
                candidate.subject = same_type[0].subject
                candidate.status = same_type[0].status
                candidate.rule = "back-reference"
        kept.append(candidate)
    return kept
