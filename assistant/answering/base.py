"""The answerer interface: what every answerer is given, and what it gives back.

An answerer (the extractive one, the LLM one) takes the ``Grounds`` of one question (the analysed
question, the scored sentences, the typed candidate answers and the support decision) and yields text
pieces as they are ready, then the final ``Answer`` (whose text they add up to); a decline is an
``Answer`` too. Whether the evidence supports an answer is decided before, by ``support.SupportCheck``:
the extractive answerer follows that decision, the LLM one may weigh it against the model's own.
The engine wires the parts together in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Protocol

from assistant.reply import Reply
from assistant.types import Answer

if TYPE_CHECKING:
    from assistant.answering.citations import Evidence
    from assistant.answering.extractive import Pick
    from assistant.answering.question import Question
    from assistant.answering.short_answer import Finding
    from assistant.answering.support import Support


@dataclass(frozen=True)
class Rewrite:
    """The retrieval query for a turn and the stemmed terms it borrowed from earlier turns (made by
    ``assistant.conversation``, read by the sentence picker)."""

    query: str
    carried: list[str] = field(default_factory=list)
    inherited_type: str | None = None
    condensed: bool = False  # the query is an LLM's standalone rewrite of the follow-up
    recalled: list[str] = field(default_factory=list)  # terms of the previous answer ("that" may mean it)
    shown: str = ""  # the previous answer's text: repeating it is rarely what a follow-up wants
    inherited_from: str | None = None  # the earlier question whose kind of answer this one wants


@dataclass(frozen=True)
class Grounds:
    """Everything known about one question when it is answered. ``query`` is the question as it was
    retrieved: a follow-up rewritten to stand alone; ``closest`` the passages a decline cites;
    ``as_of`` the date it is asked (YYYY-MM-DD)."""

    question: "Question"
    query: str
    pick: "Pick"
    finding: "Finding"
    support: "Support"
    closest: list["Evidence"]
    as_of: str


class Answerer(Protocol):
    def run(self, grounds: Grounds) -> Iterator[str | Answer]:
        """Text pieces, then the ``Answer``."""
        ...


def relay(reply: Iterator[str | Answer]):
    """Generator: yields a reply's text pieces and returns its final ``Answer``
    (``answer = yield from relay(answerer.run(grounds))``)."""
    pieces = Reply(reply)
    yield from pieces
    return pieces.answer()
