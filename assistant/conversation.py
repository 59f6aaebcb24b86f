"""Conversations: turning a follow-up into a query that stands alone.

"And how many were Vietnamese?" retrieves nothing useful by itself. Offline, the follow-up borrows the
topic of the turn it leans on: the previous question's words (and, for "he"/"she", the people named in
the previous answer). The follow-up's own words keep full weight; borrowed ones count for less, so the
new question still decides what the answer must contain. With an LLM configured, the condense prompt
asks it for the standalone question instead, and this offline rewrite is the fallback.
"""

from __future__ import annotations

import re

from assistant.answering import features
from assistant.answering.base import Rewrite
from assistant.answering.citations import strip_markers
from assistant.answering.decline import DECLINE_PREFIX
from assistant.answering.question import WHAT, analyse
from assistant.retrieval.terms import query_terms

_ANAPHORA = re.compile(
    r"\b(?:he|she|it|they|them|him|his|her|hers|its|their|theirs|this|that|these|those|there|then|such|"
    r"the same|the other|the rest|else|also|too|either|former|latter)\b",
    re.IGNORECASE,
)
_CONTINUATION = re.compile(r"^\s*(?:and|but|also|so|then|what about|how about|and what about|what else|or)\b",
                           re.IGNORECASE)
_ABOUT = re.compile(r"\b(?:what|how) about\b", re.IGNORECASE)
_OWN_WH = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)
def needs_context(question: str, few_terms: int) -> bool:
    """A follow-up that points back ("it", "she", "And ...?") or has ``few_terms`` words of its own or
    fewer."""
    return bool(_CONTINUATION.search(question) or _ANAPHORA.search(question)
                or len(query_terms(question)) <= few_terms)


def rewrite(question: str, history: list[dict], few_terms: int, lookback_turns: int) -> Rewrite:
    """Offline rewrite: carry the topic of the previous turns (back to the last of ``lookback_turns``
    that stood on its own) into a follow-up that needs it: the previous questions' words, and at a
    lower weight the previous answer's."""
    users = [m["content"] for m in history if m["role"] == "user" and m["content"].strip()]
    if not users or not needs_context(question, few_terms):
        return Rewrite(question)
    borrowed: list[str] = []
    for previous in reversed(users[-lookback_turns:]):
        borrowed.insert(0, previous)
        if not needs_context(previous, few_terms):
            break
    people = _people_in_last_answer(history) if re.search(r"\b(?:he|she|him|her|his|hers)\b", question, re.I) else []
    carried_text = " ".join(borrowed + people)
    own = set(query_terms(question))
    carried = [t for t in dict.fromkeys(query_terms(carried_text)) if t not in own]
    last = _last_answer(history)
    recalled = [t for t in dict.fromkeys(query_terms(last)) if t not in own and t not in carried]
    inherited = inherited_from = None
    if analyse(question).qtype == WHAT and _CONTINUATION.search(question) and not _OWN_WH.search(
            _ABOUT.sub(" ", question)):
        inherited_from = borrowed[-1]  # "And in 2019?" asks what the last question asked
        inherited = analyse(inherited_from).qtype
    return Rewrite(f"{question} {carried_text}".strip(), carried, inherited, recalled=recalled, shown=last,
                   inherited_from=inherited_from)


def _last_answer(history: list[dict]) -> str:
    """The previous answer's text without markers; nothing if it was a decline."""
    for message in reversed(history):
        if message["role"] == "assistant":
            text = strip_markers(message["content"])
            return "" if text.startswith(DECLINE_PREFIX) else text
    return ""


def _people_in_last_answer(history: list[dict]) -> list[str]:
    for message in reversed(history):
        if message["role"] == "assistant":
            text = re.sub(r"\[\d+\]", " ", message["content"])
            return [n for n in features.names(text) if len(n.split()) >= 2][:2]
    return []
