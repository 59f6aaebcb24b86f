"""The reply object: text pieces first, then the Answer they add up to."""

from __future__ import annotations

import pytest

from assistant.reply import IncompleteReply, Reply
from assistant.types import Answer

ANSWER = Answer("496 requests were lodged. [1]", declined=False)


def written(pieces, answer=ANSWER, log=None):
    for piece in pieces:
        if log is not None:
            log.append(piece)
        yield piece
    if answer is not None:
        yield answer


def test_iterating_gives_the_text_then_answer_gives_the_result():
    reply = Reply(written(["496 requests ", "were lodged. [1]"]))
    assert "".join(reply) == ANSWER.answer
    assert reply.answer() is ANSWER


def test_answer_without_iterating_still_writes_every_piece():
    log = []
    reply = Reply(written(["a ", "b"], log=log))
    assert reply.answer() is ANSWER
    assert log == ["a ", "b"]


def test_started_raises_a_bad_question_before_any_text_is_read():
    def failing():
        raise ValueError("question is blank")
        yield  # pragma: no cover

    reply = Reply(failing())
    with pytest.raises(ValueError, match="blank"):
        reply.started()


def test_started_keeps_the_first_piece():
    reply = Reply(written(["first ", "second"])).started()
    assert list(reply) == ["first ", "second"]


def test_a_reply_that_ends_without_its_answer_is_an_error():
    with pytest.raises(IncompleteReply):
        Reply(written(["text"], answer=None)).answer()


def test_close_stops_the_writer():
    log = []
    reply = Reply(written(["a", "b", "c"], log=log))
    pieces = iter(reply)
    assert next(pieces) == "a"
    reply.close()
    assert list(pieces) == []
    assert log == ["a"]
