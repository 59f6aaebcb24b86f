"""A real ``byline serve`` process on a free loopback port, and checks shared by the API tests."""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

from tests.conftest import ROOT, free_port

CITATION_KEYS = {"n", "source", "title", "publication", "published", "passage", "start", "end",
                 "title_derived", "published_estimated", "publication_inferred"}
MARKER = re.compile(r"\[(\d+)\]")
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


class ServerProcess:
    def __init__(self, proc: subprocess.Popen, port: int, log_path: Path) -> None:
        self.proc = proc
        self.port = port
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{port}"
        self.api = f"{self.url}/v1"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS line")


def drop_root_file_override() -> None:
    """Make root obey file permissions, as every other user does, so a read-only store is read-only."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@contextmanager
def byline_server(store: Path, log_path: Path, env: dict | None = None, args: tuple = (),
                  obey_file_permissions: bool = False) -> Iterator[ServerProcess]:
    """Start ``byline serve`` on ``store``; yields once ``/health`` answers; stops it afterwards."""
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BYLINE_")}
    full_env.update(env or {})
    preexec = drop_root_file_override if obey_file_permissions and os.geteuid() == 0 else None
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--store", str(store), "--port", str(port), *args],
            stdout=log, stderr=subprocess.STDOUT, env=full_env, cwd=ROOT, preexec_fn=preexec,
        )
    server = ServerProcess(proc, port, log_path)
    try:
        wait_until_up(server)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_until_up(server: ServerProcess, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"byline serve exited with {server.proc.returncode}:\n{server.log()}")
        try:
            httpx.get(f"{server.url}/health", timeout=2)
            # The API answers first; the page is built on a thread meanwhile (lazy_page), and a request
            # for it returns once it is: up means both, as before the page was built lazily.
            httpx.get(f"{server.url}/", timeout=max(1.0, deadline - time.monotonic()))
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise RuntimeError(f"byline serve did not come up in {timeout} s:\n{server.log()}")


def check_answer_fields(text: str, declined: bool, citations: list[dict]) -> None:
    """The contract's Answer rules, as a caller relies on them."""
    assert isinstance(text, str) and text.strip()
    assert isinstance(declined, bool)
    assert isinstance(citations, list)
    for i, citation in enumerate(citations, start=1):
        assert set(citation) == CITATION_KEYS, citation
        assert citation["n"] == i
        assert citation["passage"] and citation["source"]
        assert 0 <= citation["start"] < citation["end"]
        assert len(citation["passage"]) == citation["end"] - citation["start"], citation  # one version's slice
    markers = {int(n) for n in MARKER.findall(text)}
    assert markers <= {c["n"] for c in citations}, f"markers {markers} without citations: {text!r}"
    if declined:
        assert text.startswith("The articles don't say"), text
    else:
        assert markers == {c["n"] for c in citations}, f"unreferenced citations in {text!r}"
        assert citations, "an answer without citations"


def check_completion(body: dict) -> None:
    """A non-streamed chat completion: OpenAI's shape plus Byline's ``citations`` and ``declined``."""
    assert body["object"] == "chat.completion"
    message = body["choices"][0]["message"]
    assert message["role"] == "assistant"
    check_answer_fields(message["content"], body["declined"], body["citations"])


def check_error(response: httpx.Response, status: int) -> dict:
    """An error in OpenAI's format with a message a person can act on."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert isinstance(error["message"], str) and len(error["message"]) > 5
    return error
