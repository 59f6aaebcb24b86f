"""The reply to one question: its text pieces as they are written, then its ``Answer``.

Modelled on simonw/llm's ``Response``: iterate a ``Reply`` for the text, then call ``answer()`` for
the ``Answer`` (which finishes the writing first when nobody iterated it). Answerers and the engine
produce one stream of text pieces followed by the ``Answer``; this class is the one place that tells
the two apart, so the chat, the page and the API only ever see text, then a result.
"""

from __future__ import annotations

import itertools
from typing import Iterator

from assistant.types import Answer


class IncompleteReply(RuntimeError):
    """The answerer stopped without giving its ``Answer`` (a bug, never the caller's fault)."""


class Reply:
    def __init__(self, pieces: Iterator[str | Answer]) -> None:
        self._source = pieces
        self._pieces: Iterator[str | Answer] = iter(pieces)
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        """The text pieces, in order; they add up to ``answer().answer``."""
        for piece in self._pieces:
            if isinstance(piece, Answer):
                self._answer = piece
            else:
                yield piece

    def answer(self) -> Answer:
        """The final ``Answer``, after any pieces not yet read (they are still written, and dropped)."""
        for _ in self:
            pass
        if self._answer is None:
            raise IncompleteReply("the reply ended without its Answer")
        return self._answer

    def started(self) -> "Reply":
        """Run up to the first piece now, so that a bad question or a broken store raises here, before
        a streamed HTTP response has begun and its status can no longer change."""
        first = next(self._pieces)
        self._pieces = itertools.chain([first], self._pieces)
        return self

    def close(self) -> None:
        """Stop the writing (Ctrl-C, Stop on the page): the answerer's generator is closed, so a
        model call in flight is abandoned."""
        close = getattr(self._source, "close", None)
        if close is not None:
            close()
