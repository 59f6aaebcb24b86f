"""The saved-conversation list the chat page keeps in the browser."""

from __future__ import annotations

from assistant.server import ui_conversations as c
from assistant.settings import Settings


def turn(question: str) -> dict:
    return {"question": question, "answer": {"answer": "x", "declined": False, "citations": []}, "error": None}


def test_a_new_conversation_is_titled_by_its_first_question_and_updated_in_place():
    saved, first = c.remember(c.EMPTY, None, [turn("How many requests were lodged countrywide in 2022?")])
    saved, same = c.remember(saved, first, [turn("How many requests were lodged countrywide in 2022?"),
                                            turn("And of them?")])
    assert same == first and len(c.opened(saved, first)) == 2
    assert c.listed(saved) == [("How many requests were lodged countrywide in 2022?", first)]
    assert c.remember(saved, None, [])[0] == saved


def test_the_most_recent_come_first_and_only_so_many_are_kept():
    saved, ids = c.EMPTY, []
    for i in range(c.MAX_SAVED + 2):
        saved, new = c.remember(saved, None, [turn(f"Question {i}")])
        ids.append(new)
    listed = c.listed(saved)
    assert len(listed) == c.MAX_SAVED and listed[0] == ("Question 31", ids[-1])
    assert ids[0] not in dict((k, t) for t, k in listed)


def test_rename_and_delete():
    saved, cid = c.remember(c.EMPTY, None, [turn("Who chairs the NCCT?")])
    assert c.listed(c.renamed(saved, cid, "  NCCT chair  ")) == [("NCCT chair", cid)]
    assert c.listed(c.renamed(saved, cid, "   ")) == [("Who chairs the NCCT?", cid)]
    assert c.listed(c.deleted(saved, cid)) == [] and c.opened(c.deleted(saved, cid), cid) == []


def test_the_secret_is_kept_so_a_restarted_server_can_read_what_it_saved(tmp_path):
    settings = Settings.load(cache_dir=tmp_path)
    first = c.ui_secret(settings)
    assert c.ui_secret(settings) == first and len(first) == 64
    assert oct((tmp_path / "ui_secret").stat().st_mode & 0o777) == "0o600"
