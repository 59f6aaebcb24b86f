"""The command line as a new user meets it: version, help with defaults, errors naming their cause,
the log level and the API's access log."""

from __future__ import annotations

import pytest

import re
import socket

import httpx

from tests.helpers.server import byline_server
from tests.conftest import free_port, run_byline

pytestmark = [pytest.mark.process, pytest.mark.server]


def test_version_and_help_that_names_every_default():
    version = run_byline("--version")
    assert version.returncode == 0 and re.fullmatch(r"byline \d+\.\d+\.\d+\n", version.stdout)
    serve = run_byline("serve", "--help").stdout
    assert "default .byline/store" in serve and "default 127.0.0.1" in serve and "default 7860" in serve
    ask = run_byline("ask", "--help").stdout
    for option in ("--since", "--until", "--publication", "--as-of", "--json", "--log-level"):
        assert re.search(rf"{option}\b[^\n]*\n?\s+\S", ask), option


def test_a_bad_environment_value_is_exit_2_naming_the_variable_and_type(sample_store):
    done = run_byline("status", "--store", str(sample_store), env={"BYLINE_RETRIEVE_K": "abc"})
    assert done.returncode == 2
    assert done.stderr.strip() == "byline: BYLINE_RETRIEVE_K: 'abc' is not a whole number"


def test_a_filter_that_matches_no_article_says_so(sample_store):
    done = run_byline("ask", "How many requests were lodged countrywide?", "--publication", "Reuters",
                      "--store", str(sample_store))
    assert done.returncode == 0
    assert "no article matches the filters (publication contains 'Reuters')" in done.stdout


def test_a_port_in_use_is_one_line_and_exit_1(sample_store):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        done = run_byline("serve", "--store", str(sample_store), "--port", str(port), timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"byline: cannot listen on 127.0.0.1:{port}: Address already "
                                                "in use (another server there? choose one with --port)"]
    assert "serving on" not in done.stdout


def test_info_logs_one_line_per_request_without_the_question_or_key(sample_store, tmp_path):
    env = {"BYLINE_LOG_LEVEL": "info", "BYLINE_API_KEYS": "sekrit-key-123"}
    question = "How many requests were lodged countrywide?"
    with byline_server(sample_store, tmp_path / "server.log", env=env) as server:
        headers = {"Authorization": "Bearer sekrit-key-123"}
        assert httpx.post(f"{server.api}/ask", json={"question": question}, headers=headers,
                          timeout=120).status_code == 200
        assert httpx.get(f"{server.api}/models?key=sekrit-key-123", timeout=30).status_code == 401
        log = server.log()
    assert re.search(r"byline\.access INFO: POST /v1/ask 200 \d+\.\d ms", log)
    assert re.search(r"byline\.access INFO: GET /v1/models 401 \d+\.\d ms", log)
    assert question not in log and "sekrit" not in log
