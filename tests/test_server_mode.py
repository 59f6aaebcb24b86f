"""Byline against a real Chroma server (`chroma run`, shipped with chromadb) on loopback."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant import Assistant, StoreError
from tests.conftest import CORPUS, free_port, run_byline

pytestmark = [pytest.mark.process, pytest.mark.server]

QUESTION = "How many requests were lodged countrywide?"
CHROMA = Path(sys.executable).parent / "chroma"


class ChromaServer:
    """One `chroma run` process; can be stopped and started again on the same port and data."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("chroma run did not become ready in 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture(scope="module")
def chroma(tmp_path_factory):
    if not CHROMA.exists():
        pytest.fail(f"{CHROMA} is missing: chromadb ships it, so the install is broken")
    server = ChromaServer(tmp_path_factory.mktemp("chroma") / "data")
    server.start()
    done = run_byline("ingest", "--corpus", str(CORPUS), "--chroma-url", server.url, "--json")
    assert done.returncode == 0, done.stderr
    yield server
    server.stop()


def test_cli_ingests_and_answers_through_the_server(chroma):
    asked = run_byline("ask", QUESTION, "--json", env={"BYLINE_CHROMA_URL": chroma.url})
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert "496" in answer["answer"]
    assert answer["citations"][0]["source"] == "002_7f55eb3e11389810.txt"

    status = run_byline("status", "--json", "--chroma-url", chroma.url)
    assert status.returncode == 0, status.stderr
    shown = json.loads(status.stdout)
    assert (shown["store"], shown["articles"], shown["chunks"]) == (chroma.url, 5, 26)


def test_reingest_through_the_server_changes_nothing(chroma):
    done = run_byline("ingest", "--corpus", str(CORPUS), "--chroma-url", chroma.url, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["unchanged"], report["added"], report["chunks"]) == (5, 0, 26)


def test_the_same_assistant_fails_clearly_while_the_server_is_down_then_recovers(chroma):
    bot = Assistant.from_settings(chroma_url=chroma.url)
    assert "496" in bot.ask(QUESTION).answer
    chroma.stop()
    try:
        with pytest.raises(StoreError, match="unreachable"):
            bot.ask(QUESTION)
        with pytest.raises(StoreError, match="unreachable"):
            bot.articles()
    finally:
        chroma.start()
    answer = bot.ask(QUESTION)
    assert "496" in answer.answer and not answer.declined
    assert len(bot.articles()) == 5


def test_cli_reports_a_server_that_is_not_running_in_one_line():
    url = f"http://127.0.0.1:{free_port()}"
    done = run_byline("ask", QUESTION, "--chroma-url", url, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert f"Chroma server at {url} is unreachable" in done.stderr


def test_cli_gives_up_on_a_server_that_never_answers():
    """A port that accepts connections but never replies: the bounded timeout ends it, not a hang."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        done = run_byline("ask", QUESTION, "--chroma-url", url, env={"BYLINE_CHROMA_TIMEOUT_S": "1"}, timeout=60)
    assert done.returncode == 1
    assert "unreachable (timed out)" in done.stderr and "Traceback" not in done.stderr


def test_a_bad_chroma_url_is_reported():
    done = run_byline("status", "--chroma-url", "127.0.0.1:8000", timeout=60)
    assert done.returncode == 1
    assert "must look like http://host:port" in done.stderr


def test_another_apps_ingest_reaches_this_assistants_keyword_search(chroma, tmp_path):
    """Two app servers on one Chroma: the keyword index of the first follows the second's ingest.

    Dense ranking is switched off (weight 0) so only keyword search can rank the new article first:
    with a stale keyword index the old articles that mention Cambodia would come first instead."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = {"BYLINE_COLLECTION": "two_apps"}
    first = run_byline("ingest", "--corpus", str(corpus), "--chroma-url", chroma.url, env=env)
    assert first.returncode == 0, first.stderr
    bot = Assistant.from_settings(chroma_url=chroma.url, collection="two_apps", dense_weight=0.0,
                                  generation_check_s=0.0)
    question = "What did the Zorvathian delegation say about Cambodia?"
    assert all(p.source != "zorvath.txt" for p in bot.retrieve(question, k=5))

    (corpus / "zorvath.txt").write_text(
        "Zorvathian Delegation Visits Cambodia\n\n"
        "The Zorvathian delegation arrived in Phnom Penh on Monday. The Zorvathian envoy said Cambodia "
        "and Zorvath would share records on labour migration, and the Zorvathian team will return in May.\n",
        encoding="utf-8",
    )
    second = run_byline("ingest", "--corpus", str(corpus), "--chroma-url", chroma.url, "--json", env=env)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["added"] == 1

    passages = bot.retrieve(question, k=5)
    assert passages[0].source == "zorvath.txt"


def test_a_running_byline_serve_answers_503_while_chroma_is_away_and_recovers(chroma, tmp_path):
    from tests.helpers.server import byline_server

    def ask(server) -> httpx.Response:
        return httpx.post(f"{server.api}/ask", json={"question": QUESTION}, timeout=60)

    with byline_server(tmp_path / "unused", tmp_path / "serve.log", env={"BYLINE_CHROMA_URL": chroma.url}) as server:
        assert "496" in ask(server).json()["answer"]
        chroma.stop()
        try:
            away = ask(server)
            assert away.status_code == 503
            assert away.json()["error"]["code"] == "store_unavailable"
            assert "unreachable" in away.json()["error"]["message"]
        finally:
            chroma.start()
        back = ask(server)
        assert back.status_code == 200 and "496" in back.json()["answer"]
        assert server.alive()


def test_health_answers_in_time_while_the_chroma_server_hangs(chroma, tmp_path):
    """A stopped (SIGSTOP) Chroma server accepts connections and never answers: /health says so
    within chroma_timeout_s instead of waiting out the read timeout."""
    from tests.helpers.server import byline_server

    env = {"BYLINE_CHROMA_URL": chroma.url, "BYLINE_CHROMA_TIMEOUT_S": "2"}
    with byline_server(tmp_path / "unused", tmp_path / "serve.log", env=env) as server:
        assert httpx.get(f"{server.url}/health", timeout=30).status_code == 200
        chroma.process.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            hung = httpx.get(f"{server.url}/health", timeout=30)  # the read timeout would be 60 s
            waited = time.monotonic() - started
            again = httpx.get(f"{server.url}/health", timeout=30)
        finally:
            chroma.process.send_signal(signal.SIGCONT)
        assert hung.status_code == 503 and "did not answer" in hung.json()["problem"]
        assert waited < 30 and again.status_code == 503
        deadline = time.monotonic() + 30
        while httpx.get(f"{server.url}/health", timeout=30).status_code != 200:
            assert time.monotonic() < deadline, "health did not recover after SIGCONT"
            time.sleep(0.5)
