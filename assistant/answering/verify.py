"""The answer check: an LLM-written sentence reaches the user only if the passage it cites supports it.

A sentence passes when it carries at least one ``[n]`` marker naming a passage that was offered, every
number, name and date in it occurs in the cited passages, each number is bound to the same name there
("Vietnamese formed the bulk, with 430" fails on "Chinese nationals formed the bulk, with 430, then 398
Vietnamese"), and enough of its content words occur too (``llm_min_overlap``). Sentences in a passage that address an assistant ("ignore previous
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
from assistant.wordlists import MONTH_NAMES, MONTHS, SMALL_NUMBERS

INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|guidelines)\b"
    r"|\byou are (?:now )?(?:an? |the )?(?:ai|assistant|chatbot|language model)\b"
    r"|\bsystem prompt\b"
    r"|\b(?:answer|respond|reply)(?: only)? with\b"
    r"|\b(?:answer|respond|reply|say)\s+[\"'“‘][^\"'”’]{1,40}[\"'”’]",
    re.IGNORECASE,
)
_SMALL_NUMBERS = {w: str(i) for i, w in enumerate(SMALL_NUMBERS)}
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_MARKER_LIST = re.compile(r"\]\s*[,;]\s*\[")  # "[1], [3]" as "[1][3]"
_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?(?<!,)|[^\W\d_][\w’'-]*")
BIND_REACH = 5
YEAR_NUMBER = re.compile(r"1[89]\d\d|20\d\d")


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
    for sentence in split(_MARKER_LIST.sub("][", text)):
        lead = re.match(r"^(?:\[\d{1,3}\]\s*)+", sentence)
        if lead and out:
            out[-1] = f"{out[-1]} {lead.group().strip()}"
            sentence = sentence[lead.end():].strip()
        if sentence:
            out.append(sentence)
    return out


def check(sentence: str, passages: dict[int, str], min_overlap: float, given: str = "") -> Verdict:
    """``given``: the question. Its own words restated ("The committee is chaired by ...") are the
    user's premise, not a claim from the articles, so they count as supported; bindings do not."""
    cited = list(dict.fromkeys(int(n) for n in MARKER.findall(sentence)))
    body = strip_markers(sentence)
    if not cited:
        return Verdict(False, [], body, "no citation")
    unknown = [n for n in cited if n not in passages]
    if unknown:
        return Verdict(False, cited, body, f"cites passage {unknown[0]}, which was not given")
    texts = [evidence_text(passages[n]) for n in cited]
    support = " ".join([*texts, given])
    problem = (unsupported_fact(body, support) or _missing_first_name(body, support, passages.values())
               or misbound_number(body, texts) or _overlap_problem(body, " ".join(texts), min_overlap, given))
    return Verdict(not problem, cited, body, problem)


def unsupported_fact(body: str, support: str) -> str:
    """The first number, date or name in ``body`` that ``support`` does not contain, described."""
    have_numbers = _numbers(support)
    for number in _numbers(body) - have_numbers:
        return f"number {number} is not in the cited passage"
    for year in years_covered(body) - years_covered(support):
        return f"year {year} is not in the cited passage"
    vocabulary = frozenset(index_terms(support))
    for month in MONTH_NAMES:
        if re.search(rf"\b{month}\b", body, re.IGNORECASE) and not re.search(rf"\b{month}\b", support, re.IGNORECASE):
            return f"{month.capitalize()} is not in the cited passage"
    for name in features.names(body):
        missing = [w for w in index_terms(name) if not term_present(w, vocabulary)]
        if missing:
            return f"{name} is not in the cited passage"
    return ""


def _missing_first_name(body: str, support: str, offered) -> str:
    """A sentence's first word escapes the name test (any sentence starts with a capital), but when
    the offered passages write it capitalised mid-sentence ("398 Vietnamese") it is a name, and it
    must be in the cited passage like any other."""
    first = re.match(r"[^\W\d_][\w’'-]*", body)
    if not first:
        return ""
    word = first.group()
    if not _name_like(word):
        return ""
    spelt_as_name = any(re.search(rf"(?<![.!?]\s)(?<=\s){re.escape(word)}\b", p) for p in offered)
    if spelt_as_name and not term_present(word.lower(), frozenset(index_terms(support))):
        return f"{word} is not in the cited passage"
    return ""


def misbound_number(body: str, passages: list[str]) -> str:
    """The first number that ``body`` puts next to a name while every cited passage that has both
    puts another number nearest that name. A number is bound to the closest name-like word (a
    capitalised word that is not a stop word or a month: "October 19" is a date) at most
    ``BIND_REACH`` words away in ``body``; a passage without that name, or without
    numbers of the same kind (years apart from counts), cannot contradict it."""
    tokens = _tokens(body)
    names = [i for i, t in enumerate(tokens) if _name_like(t)]
    for i, token in enumerate(tokens):
        number = _number(token)
        near = [j for j in names if abs(j - i) <= BIND_REACH]
        if number is None or not near:
            continue
        name = tokens[min(near, key=lambda j: abs(j - i))].lower()
        verdicts = [_nearest_to(name, _tokens(p), _is_year(number)) for p in passages]
        found = [v for v in verdicts if v is not None]
        if found and not any(number in v for v in found):
            return f"the cited passage gives {min(found[0])} for {tokens[min(near, key=lambda j: abs(j - i))]}, not {number}"
    return ""


def _nearest_to(name: str, tokens: list[str], years: bool) -> set[str] | None:
    """The numbers of the same kind closest to an occurrence of ``name`` (ties kept: "398 Vietnamese,
    123 Indonesians"), or None."""
    numbers = [(i, n) for i, n in ((i, _number(t)) for i, t in enumerate(tokens)) if n is not None and _is_year(n) == years]
    places = [i for i, t in enumerate(tokens) if t.lower() == name]
    if not numbers or not places:
        return None
    distances = [(abs(i - p), n) for p in places for i, n in numbers]
    closest = min(d for d, _ in distances)
    return {n for d, n in distances if d == closest}


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def _number(token: str) -> str | None:
    return token.replace(",", "") if token[0].isdigit() else None


def _is_year(number: str) -> bool:
    return bool(YEAR_NUMBER.fullmatch(number))


def _name_like(token: str) -> bool:
    from assistant.nlp import pipeline

    lowered = token.lower()
    return token[0].isupper() and lowered not in pipeline().Defaults.stop_words and lowered not in MONTHS


def _overlap_problem(body: str, support: str, min_overlap: float, given: str = "") -> str:
    """Enough of what the sentence adds to the question must be in the cited passages; a sentence
    that only restates the question says nothing."""
    asked = frozenset(index_terms(given))
    content = {t for t in index_terms(body) if not term_present(t, asked)}
    if not content:
        return "says nothing the question does not" if asked else "says nothing"
    vocabulary = frozenset(index_terms(support))
    share = sum(1 for t in content if term_present(t, vocabulary)) / len(content)
    return "" if share >= min_overlap else f"only {share:.0%} of its words are in the cited passage"


def _numbers(text: str) -> set[str]:
    text = normalise(text).lower()
    found = set(_DIGITS.findall(text)) - set(years_covered(text))
    found |= {_SMALL_NUMBERS[w] for w in re.findall(r"[a-z]+", text) if w in _SMALL_NUMBERS}
    return found
