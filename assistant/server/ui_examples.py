"""Example questions for the chat page, made from real sentences of the ingested articles and kept only
if the engine answers them right.

A sentence whose subject is a person gives a "who" question, one whose subject or object is counted
("496 requests were lodged") a "how many", one with a date attached to its verb ("spoke on July 23") a
"when". spaCy's parse turns the sentence around ("How many requests were lodged countrywide?", "When
did Sar Kheng speak at the opening?"), the entities found at ingest say which words are the answer, and
each question is asked at start-up: it is shown only if the answer is not a decline and contains the
words the sentence gave. So the examples show what the engine does well on this corpus, whatever it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from assistant.sentences import split_spans
from assistant.types import Article

log = logging.getLogger(__name__)
KINDS = {"who": ("PERSON",), "how many": ("CARDINAL",), "when": ("DATE",)}
CANDIDATES_PER_KIND = 8  # sentences turned into questions per kind; each costs one answer at start-up
MIN_SENTENCE_WORDS = 8  # shorter ones are mostly captions and headings
MAX_SENTENCE_WORDS = 30
PARSED_PER_KIND = 60  # sentences parsed per kind at most (2 ms each)
MIN_QUESTION_WORDS = 5
MAX_QUESTION_WORDS = 16
DO_SUPPORT = {"VBD": "did", "VBZ": "does", "VBP": "do"}


@dataclass(frozen=True)
class Example:
    kind: str
    question: str
    expected: str  # the words of the sentence the answer must contain


def example_questions(bot, articles: list[Article], limit: int) -> list[str]:
    """Up to ``limit`` checked questions, one of each kind in turn (who, how many, when)."""
    if limit <= 0:
        return []
    by_kind: dict[str, list[Example]] = {kind: [] for kind in KINDS}
    for example in candidates(articles):
        by_kind[example.kind].append(example)
    chosen: list[str] = []
    for kind, examples in by_kind.items():
        for example in examples:
            if answered_well(bot, example):
                chosen.append(example.question)
                break
    return chosen[:limit]


def answered_well(bot, example: Example) -> bool:
    try:
        answer = bot.ask(example.question)
    except Exception:
        log.exception("could not try the example question %r", example.question)
        return False
    return not answer.declined and example.expected.lower() in answer.answer.lower()


def candidates(articles: list[Article]) -> list[Example]:
    """Questions from the shortest suitable sentences, at most ``CANDIDATES_PER_KIND`` per kind."""
    from assistant.nlp import parse

    pending: dict[str, list[tuple[str, tuple[int, int]]]] = {kind: [] for kind in KINDS}
    for article in articles:
        for span in split_spans(article.text):
            text = article.text[span.start:span.end]
            if not MIN_SENTENCE_WORDS <= len(text.split()) <= MAX_SENTENCE_WORDS or text.lstrip()[:1] in "“\"‘'":
                continue
            for kind, labels in KINDS.items():
                for start, end, label in article.entities:
                    if label in labels and span.start <= start and end <= span.end:
                        pending[kind].append((text, (start - span.start, end - span.start)))
                        break
    out: list[Example] = []
    for kind, found in pending.items():
        found.sort(key=lambda f: len(f[0]))
        made = 0
        for text, answer_span in found[:PARSED_PER_KIND]:
            example = MAKERS[kind](parse(text), answer_span)
            if example is not None and MIN_QUESTION_WORDS <= len(example.question.split()) <= MAX_QUESTION_WORDS:
                out.append(example)
                made += 1
                if made == CANDIDATES_PER_KIND:
                    break
    return out


def _who(doc, span: tuple[int, int]) -> Example | None:
    root = _root(doc)
    subject = _child(root, ("nsubj",))
    # Past tense only ("Who said", "Who won"): a present-tense verb would need its agreement changed.
    if root is None or subject is None or root.tag_ != "VBD" or not span[0] <= subject.idx < span[1]:
        return None
    rest = _words(_clause(t for t in doc if t.i >= root.i))
    return Example("who", f"Who {rest}?", _surname(doc, span))


def _how_many(doc, span: tuple[int, int]) -> Example | None:
    root = _root(doc)
    number = next((t for t in doc if t.idx == span[0] and t.dep_ == "nummod"), None)
    if root is None or number is None or number.head.dep_ not in ("nsubj", "nsubjpass", "dobj"):
        return None
    noun = number.head
    words = [t for t in noun.subtree if t.i != number.i]
    if noun.tag_ != "NNS" or any(t.pos_ not in ("ADJ", "NOUN", "PROPN") or t.is_stop for t in words):
        return None  # "How many requests", not "How many total of Cambodians"
    counted = _words(words)
    if noun.dep_ == "dobj":
        subject = _child(root, ("nsubj",))
        if subject is None or root.tag_ not in DO_SUPPORT or subject.pos_ == "PRON":
            return None
        after = _words(_clause(t for t in doc if t.i > root.i and t.i not in {u.i for u in noun.subtree}))
        question = f"How many {counted} {DO_SUPPORT[root.tag_]} {_phrase(subject)} {root.lemma_} {after}"
    else:
        after = _words(_clause(t for t in doc if t.i > noun.i and t.i not in {u.i for u in noun.subtree}
                               and t.head.i >= noun.i))
        question = f"How many {counted} {after}"
    return Example("how many", " ".join(question.split()) + "?", number.text)


def _when(doc, span: tuple[int, int]) -> Example | None:
    root = _root(doc)
    subject = _child(root, ("nsubj",))
    if root is None or subject is None or subject.pos_ == "PRON" or root.tag_ not in DO_SUPPORT:
        return None
    date = next((t for t in doc if t.idx == span[0]), None)
    holder = date.head if date is not None and date.dep_ == "pobj" else date
    if holder is None or holder.head.i != root.i or holder.dep_ not in ("prep", "npadvmod"):
        return None
    dropped = {t.i for t in holder.subtree} | {t.i for t in subject.subtree}
    rest = _words(_clause(t for t in doc if t.i > root.i and t.i not in dropped))
    question = f"When {DO_SUPPORT[root.tag_]} {_phrase(subject)} {root.lemma_} {rest}"
    return Example("when", " ".join(question.split()) + "?", doc.text[span[0]:span[1]].split(",")[0])


MAKERS = {"who": _who, "how many": _how_many, "when": _when}


def _root(doc):
    """The main verb of a sentence that starts like prose (a word, not a dash or a bullet)."""
    if not doc or not doc[0].text[:1].isalnum():
        return None
    return next((t for t in doc if t.dep_ == "ROOT" and t.pos_ == "VERB"), None)


def _child(token, deps: tuple[str, ...]):
    if token is None:
        return None
    return next((c for c in token.children if c.dep_ in deps), None)


def _within(span: tuple[int, int], token) -> bool:
    """The entity lies inside the token's phrase ("NCCT vice chairwoman Chou Bun Eng")."""
    tokens = list(token.subtree)
    return tokens[0].idx <= span[0] and span[1] <= tokens[-1].idx + len(tokens[-1].text)


def _clause(tokens):
    """Tokens up to the first comma, semicolon, dash or full stop: the rest is an aside."""
    for t in tokens:
        if t.is_punct and t.text in {",", ";", ":", "–", "—", ".", "!", "?"}:
            return
        if not t.is_punct or t.text in {"’", "'", "-"}:
            yield t


def _phrase(token) -> str:
    """The token's phrase as it reads inside a question: "the company", not "The company"."""
    tokens = list(token.subtree)
    text = _words(tokens)
    if tokens[0].pos_ == "DET":
        text = text[:1].lower() + text[1:]
    return text


def _words(tokens) -> str:
    """The tokens' text with the sentence's own spacing, and a space wherever tokens were left out."""
    out, previous = "", None
    for t in tokens:
        if previous is not None:
            out += previous.whitespace_ if t.i == previous.i + 1 else " "
        out += t.text
        previous = t
    return out.strip().rstrip(",;:")


def _surname(doc, span: tuple[int, int]) -> str:
    return doc.text[span[0]:span[1]].split()[-1]
