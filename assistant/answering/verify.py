"""The answer check: an LLM-written sentence reaches the user only if the passage it cites supports it.

A sentence passes when it carries at least one ``[n]`` marker naming a passage that was offered, every
number, name and date in it occurs in the cited passages, and enough of its content words do too
(``llm_min_overlap``). Sentences in a passage that address an assistant ("ignore previous
instructions...") are not evidence for anything: they are removed before checking, so a sentence an
article "ordered" finds no support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering import features
from assistant.answering.citations import MARKER, strip_markers
from assistant.retrieval.terms import index_terms, normalise, term_present, years_covered
from assistant.sentences import split

INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|guidelines)\b"
    r"|\byou are (?:now )?(?:an? |the )?(?:ai|assistant|chatbot|language model)\b"
    r"|\bsystem prompt\b"
    r"|\b(?:answer|respond|reply)(?: only)? with\b"
    r"|\b(?:answer|respond|reply|say)\s+[\"'“‘][^\"'”’]{1,40}[\"'”’]",
    re.IGNORECASE,
)
_SMALL_NUMBERS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Verdict:
    ok: bool
    cited: list[int]
    text: str
    reason: str = ""


def is_instruction(sentence: str) -> bool:
    return bool(INSTRUCTION.search(sentence))


def evidence_text(passage: str) -> str:
    """A passage without the sentences that give orders to an assistant."""
    return " ".join(s for s in split(passage) if not is_instruction(s))


def answer_sentences(text: str) -> list[str]:
    """An answer split into sentences, each keeping the markers written right after its full stop."""
    out: list[str] = []
    for sentence in split(text):
        lead = re.match(r"^(?:\[\d{1,3}\]\s*)+", sentence)
        if lead and out:
            out[-1] = f"{out[-1]} {lead.group().strip()}"
            sentence = sentence[lead.end():].strip()
        if sentence:
            out.append(sentence)
    return out


def check(sentence: str, passages: dict[int, str], min_overlap: float) -> Verdict:
    cited = list(dict.fromkeys(int(n) for n in MARKER.findall(sentence)))
    body = strip_markers(sentence)
    if not cited:
        return Verdict(False, [], body, "no citation")
    unknown = [n for n in cited if n not in passages]
    if unknown:
        return Verdict(False, cited, body, f"cites passage {unknown[0]}, which was not given")
    support = " ".join(evidence_text(passages[n]) for n in cited)
    problem = unsupported_fact(body, support) or _overlap_problem(body, support, min_overlap)
    return Verdict(not problem, cited, body, problem)


def unsupported_fact(body: str, support: str) -> str:
    """The first number, date or name in ``body`` that ``support`` does not contain, described."""
    have_numbers = _numbers(support)
    for number in _numbers(body) - have_numbers:
        return f"number {number} is not in the cited passage"
    for year in years_covered(body) - years_covered(support):
        return f"year {year} is not in the cited passage"
    vocabulary = frozenset(index_terms(support))
    for month in features.MONTHS[:12]:
        if re.search(rf"\b{month}\b", body, re.IGNORECASE) and not re.search(rf"\b{month}\b", support, re.IGNORECASE):
            return f"{month.capitalize()} is not in the cited passage"
    for name in features.names(body):
        missing = [w for w in index_terms(name) if not term_present(w, vocabulary)]
        if missing:
            return f"{name} is not in the cited passage"
    return ""


def _overlap_problem(body: str, support: str, min_overlap: float) -> str:
    content = set(index_terms(body))
    if not content:
        return "says nothing"
    vocabulary = frozenset(index_terms(support))
    share = sum(1 for t in content if term_present(t, vocabulary)) / len(content)
    return "" if share >= min_overlap else f"only {share:.0%} of its words are in the cited passage"


def _numbers(text: str) -> set[str]:
    text = normalise(text).lower()
    found = set(_DIGITS.findall(text)) - set(years_covered(text))
    found |= {_SMALL_NUMBERS[w] for w in re.findall(r"[a-z]+", text) if w in _SMALL_NUMBERS}
    return found
