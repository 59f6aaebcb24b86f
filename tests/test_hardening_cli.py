"""Hostile input and a read-only store through the command line (issue 8): the user gets one clear line
on stderr and exit 2 (bad input) or 1 (unusable store), or a well-formed answer or decline; never a
traceback, and nothing from the question that could drive the terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers.server import CITATION_KEYS, drop_root_file_override
from tests.conftest import CORPUS, ROOT, free_port, run_byline
from tests.test_store_faults_serving import set_read_only

pytestmark = [pytest.mark.process, pytest.mark.server]

TERMINAL_CONTROLS = ("\x1b", "\x07", "\x9b")


def assert_one_line_error(done: subprocess.CompletedProcess, code: int) -> str:
    assert done.returncode == code, (done.returncode, done.stdout[-500:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("byline: "), done.stderr[-2000:]
    return lines[0]


@pytest.mark.parametrize("question,says", [
    ("", "blank"),
    (" \t\n ", "blank"),
    ("a" * 2001, "2001 characters; the limit is 2000"),
    ("How many? " * 10_000, "100000 characters; the limit is 2000"),  # 100 KB, just under Linux's argument cap
])
def test_blank_or_oversized_question_exits_2_with_one_line(sample_store, question, says):
    done = run_byline("ask", question, "--store", str(sample_store))
    assert says in assert_one_line_error(done, 2)
    assert done.stdout == ""


def test_question_that_is_not_valid_utf8_exits_2(sample_store):
    done = subprocess.run([sys.executable, "-m", "assistant", "ask", b"How many \xff\xfe requests?",
                           "--store", str(sample_store)], capture_output=True, timeout=300, cwd=ROOT)
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr and done.stderr.decode().count("\n") == 1
    assert b"not valid text" in done.stderr


@pytest.mark.parametrize("question", [
    "?!?!...",
    "¿¡«»—…",
    "How many\x1b[2J requests\x07 were lodged?",
    "What did Zorblax\x1b]0;pwned\x07 say about Qwertyzz\x1b[31m?",
    "tab\tand\rcarriage\x7f return\x9b",
    "តើមានសំណើប៉ុន្មាន?",
    "Combien de demandes ont été déposées entre août et octobre 2022 ?",
    "'; DROP TABLE embeddings; --",
    "\" OR 1=1; DELETE FROM collections WHERE '1'='1",
    "<script>alert('byline')</script>",
    "<img src=x onerror=alert(1)> How many requests were lodged?",
    "{{7*7}} ${jndi:ldap://127.0.0.1/a} %s%s%n",
])
def test_odd_questions_get_an_answer_or_a_decline_and_never_drive_the_terminal(sample_store, question):
    shown = run_byline("ask", question, "--store", str(sample_store))
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr[-2000:]
    assert not any(c in shown.stdout for c in TERMINAL_CONTROLS), repr(shown.stdout[:300])

    done = run_byline("ask", question, "--store", str(sample_store), "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout)
    assert answer["declined"] == answer["answer"].startswith("The articles don't say")
    assert answer["citations"] and all(set(c) == CITATION_KEYS for c in answer["citations"])
    assert shown.stdout.startswith(answer["answer"])


def test_sql_payload_leaves_the_store_as_it_was(store_copy):
    before = run_byline("status", "--store", str(store_copy), "--json")
    run_byline("ask", "'; DROP TABLE embeddings; DELETE FROM collections; --", "--store", str(store_copy))
    assert run_byline("status", "--store", str(store_copy), "--json").stdout == before.stdout
    assert '"articles": 5' in before.stdout


# --- a store that is read-only before Byline starts -------------------------------------------

def run_without_root_override(*args: str) -> subprocess.CompletedProcess:
    """Root ignores file modes; drop that privilege so the store is as read-only as for any user."""
    preexec = drop_root_file_override if os.geteuid() == 0 else None
    env = {k: v for k, v in os.environ.items() if not k.startswith("BYLINE_")}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env=env, preexec_fn=preexec)


@pytest.fixture
def read_only_store(store_copy):
    set_read_only(store_copy, True)
    yield store_copy
    set_read_only(store_copy, False)


@pytest.mark.parametrize("command", [
    ("ask", "How many requests were lodged countrywide?"),
    ("status",),
    ("serve",),
    ("ingest", "--corpus", str(CORPUS)),
])
def test_store_read_only_at_start_is_named_in_one_line(read_only_store, command):
    if command == ("serve",):
        command = ("serve", "--port", str(free_port()))
    done = run_without_root_override(*command, "--store", str(read_only_store))
    message = assert_one_line_error(done, 1)
    assert "read-only" in message and str(read_only_store) in message
    assert "sqlite" not in message.lower() and "Errno" not in message
