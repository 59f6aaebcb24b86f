"""``byline chat`` in a real process with its stdin piped, as a user (or a script) would drive it."""

from __future__ import annotations

import pytest

from tests.conftest import run_byline

pytestmark = pytest.mark.process


def test_chat_keeps_history_shows_citations_and_obeys_new_and_quit(sample_store):
    lines = [
        "Where did Sar Kheng speak on July 23, 2022?",
        "",
        "Which province is that in?",
        "x" * 2001,
        "/new",
        "Which province is that in?",
        "/quit",
        "How many requests were lodged countrywide?",
    ]
    done = run_byline("chat", "--store", str(sample_store), input="\n".join(lines) + "\n", timeout=240)
    assert done.returncode == 0, done.stderr
    blocks = done.stdout.split("(new conversation)")
    assert len(blocks) == 2
    before, after = blocks
    answers = [line for line in before.splitlines() if line and not line.startswith("  [")]
    citations = [line for line in before.splitlines() if line.startswith("  [1] ")]
    assert len(answers) == 2 and all("Kandal" in a for a in answers)
    assert len(citations) == 2 and all("Kandal province" in c for c in citations)
    assert "2001 characters" in done.stderr  # the oversized line is refused, the chat goes on
    assert after.strip().splitlines()[0].startswith("The articles don't say")  # no history after /new
    assert "496" not in done.stdout  # nothing is answered after /quit


def test_chat_ends_at_end_of_input(sample_store):
    done = run_byline("chat", "--store", str(sample_store), input="How many requests were lodged countrywide?\n",
                      timeout=240)
    assert done.returncode == 0, done.stderr
    assert "496" in done.stdout and "  [1] " in done.stdout


def test_chat_on_a_missing_store_says_so_and_exits_2(tmp_path):
    done = run_byline("chat", "--store", str(tmp_path / "nowhere"), input="/quit\n", timeout=240)
    assert done.returncode == 2
    assert "no articles ingested" in done.stderr


def test_ask_filters_by_date_and_rejects_a_bad_date(sample_store):
    import json

    done = run_byline("ask", "Who chaired the National Committee for Counter Trafficking?", "--until", "2019",
                      "--store", str(sample_store), "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert {c["source"] for c in answer["citations"]} == {"003_4d63d15f2f6ef595.txt"}

    for bad_date in ("last year", "2022-13"):
        bad = run_byline("ask", "Who chaired it?", "--since", bad_date, "--store", str(sample_store))
        assert bad.returncode == 2 and "argument --since" in bad.stderr and repr(bad_date) in bad.stderr
