"""Agreements: documents signed, adopted, planned or under negotiation, found in one article's sentences.

Two generic shapes: a bullet list under a heading that says documents were signed ("Agreements signed:"),
where every bullet is one document; and a sentence naming one specific document (a singular document noun
with a subject: "an agreement on building a nuclear power plant") together with a word that tells its status.
A sentence that merely mentions cooperation, or documents in the plural, is not an agreement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.ingest import lexicon
from bot.models import Article, Sentence

_LEADING_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)
_QUOTES = re.compile(r"[“”\"«»]")
_GLYPH = re.compile(r"^(?:[-•·*▪►–]\s+|\d{1,2}[.)]\s+)")
_WHEN = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year|weekend|morning|evening)"
# a title ends at a clause boundary, a finite verb ("… Union are continuing") or a time ("… on Tuesday")
_CLAUSE_END = re.compile(
    r"\s*(?:[,;:]|\s[—–-]\s|\.\s|\.$"
    r"|\s(?:which|that|and sign|and to|while|as well as|who|after|when)\b"
    r"|\s(?:is|are|was|were|has|have|had|will|would|could|should|can|may|might)\b"
    rf"|\s(?:on|last|this|next|earlier|later)\s(?:\w+\s)?{_WHEN}\b)"
)


@dataclass(frozen=True)
class DocumentVocabulary:
    types: tuple[tuple[str, str], ...]  # (phrase, type), longest phrase first
    plurals: frozenset[str]
    complements: frozenset[str]
    status_cues: tuple[tuple[str, tuple[str, ...]], ...]
    heading_documents: frozenset[str]
    heading_signed: frozenset[str]


@cache
def _vocab() -> DocumentVocabulary:
    data = lexicon.load("documents.json")
    return DocumentVocabulary(
        types=tuple(sorted(data["types"].items(), key=lambda item: len(item[0]), reverse=True)),
        plurals=frozenset(data["plurals"]),
        complements=frozenset(data["complements"]),
        status_cues=tuple((status, tuple(cues)) for status, cues in data["status_cues"]),
        heading_documents=frozenset(data["list_heading"]["documents"]),
        heading_signed=frozenset(data["list_heading"]["signed"]),
    )


@dataclass
class DocumentCandidate:
    title: str
    type: str
    status: str
    sentence: Sentence
    span: tuple[int, int]  # of the title inside the sentence


def is_heading(sentence: Sentence) -> bool:
    return sentence.kind == "heading" and sentence.text.endswith(":")


def find_documents(article: Article) -> list[DocumentCandidate]:
    """Every document of one article, in order (pure)."""
    vocab = _vocab()
    found: list[DocumentCandidate] = []
    list_status: str | None = None
    for sentence in article.sentences:
        if sentence.kind not in ("paragraph", "standfirst", "bullet", "heading"):
            continue
        if is_heading(sentence):
            list_status = _list_heading_status(sentence.text, vocab)
            continue
        if list_status and _is_bullet(article, sentence):
            found.append(_bullet_document(sentence, list_status, vocab))
            continue
        if not _is_bullet(article, sentence):
            list_status = None
        found.extend(_sentence_documents(sentence, vocab))
    return found


def _is_bullet(article: Article, sentence: Sentence) -> bool:
    return sentence.kind == "bullet"


def _list_heading_status(heading: str, vocab: DocumentVocabulary) -> str | None:
    words = set(re.findall(r"[a-z]+", heading.lower()))
    if words & vocab.heading_documents and words & vocab.heading_signed:
        return "adopted" if "adopted" in words else "signed"
    return None


def _doc_type(text: str, vocab: DocumentVocabulary) -> tuple[str, int, int] | None:
    """The first singular document noun in text: (type, start, end)."""
    low = text.lower()
    best: tuple[str, int, int] | None = None
    for phrase, kind in vocab.types:
        for match in re.finditer(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", low):
            if best is None or match.start() < best[1]:
                best = (kind, match.start(), match.end())
            break
    return best


def _bullet_document(sentence: Sentence, status: str, vocab: DocumentVocabulary) -> DocumentCandidate:
    found = _doc_type(sentence.text, vocab)
    return DocumentCandidate(
        title=_clean_title(sentence.text),
        type=found[0] if found else "agreement",
        status=status,
        sentence=sentence,
        span=(0, len(sentence.text)),
    )


@cache
def _any_document() -> re.Pattern[str]:
    phrases = sorted((phrase for phrase, _ in _vocab().types), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(p) for p in phrases) + r")", re.I)


def _sentence_documents(sentence: Sentence, vocab: DocumentVocabulary) -> list[DocumentCandidate]:
    text = sentence.text
    if not _any_document().search(text):
        return []
    low = text.lower()
    status = _status(low, vocab)
    if status is None:
        return []
    documents: list[DocumentCandidate] = []
    for phrase, kind in vocab.types:
        for match in re.finditer(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", low):
            start, end = match.start(), match.end()
            if any(d.span[0] <= start < d.span[1] for d in documents):
                continue
            after = low[end:]
            if re.match(r"s\b|es\b", after) or any(low[start:].startswith(p) for p in vocab.plurals):
                continue  # plural: "several bilateral deals", "new agreements in nuclear energy"
            next_word = re.match(r"\W*([a-z]+)", after)
            modifier_start = _modifier_start(text, start)
            has_subject = bool(next_word and next_word.group(1) in vocab.complements) and len(after.split()) >= 2
            if not has_subject and modifier_start == start:
                continue  # "a concrete roadmap and …": no subject, not a specific document
            title_end = end + _clause_length(text[end:])
            title = _clean_title(text[modifier_start:title_end])
            if len(title.split()) < 2:
                continue
            documents.append(
                DocumentCandidate(title=title, type=kind, status=status, sentence=sentence, span=(modifier_start, title_end))
            )
    return documents


_ADVERB = re.compile(r"\b(?:also|soon|then|still|now|finally|formally|officially|jointly|\w+ly)\s+")


def _status(low: str, vocab: DocumentVocabulary) -> str | None:
    low = _ADVERB.sub("", low)  # "would also sign" reads as "would sign"
    for status, cues in vocab.status_cues:
        if any(cue in low for cue in cues):
            return status
    return None


_MODIFIER_STOP = re.compile(
    r"^(?:a|an|the|of|in|on|to|and|or|with|by|for|from|at|as|is|are|was|were|be|been|signed|sign|adopted|adoption|issued|"
    r"negotiate|negotiated|concluded|reached|also|two|new|several|bilateral|concrete|this|that|these|its|their|his|her|"
    r"promptly|inked)$",
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


def _clause_length(rest: str) -> int:
    match = _CLAUSE_END.search(rest)
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
