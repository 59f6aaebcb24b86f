"""The served store breaks underneath a running server: made read-only, deleted, truncated.

Callers get clear JSON errors (or, for a read-only store, still their answers) within the request
timeout, ``/health`` names the problem, and the server process stays up.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from tests.helpers.server import byline_server, check_completion, check_error

pytestmark = [pytest.mark.process, pytest.mark.server]

LODGED = "How many requests were lodged between August and October 2022?"
TIMEOUT = 60  # a hang fails the test instead of stalling it


def chat(server, stream: bool = False) -> httpx.Response:
    return httpx.post(f"{server.api}/chat/completions", timeout=TIMEOUT, json={
        "model": "byline", "stream": stream, "messages": [{"role": "user", "content": LODGED}]})


def health(server) -> httpx.Response:
    return httpx.get(f"{server.url}/health", timeout=TIMEOUT)


def set_read_only(store: Path, read_only: bool) -> None:
    for path in [store, *store.rglob("*")]:
        if path.is_dir():
            path.chmod(0o555 if read_only else 0o755)
        else:
            path.chmod(0o444 if read_only else 0o644)


def assert_store_unavailable(server) -> None:
    for response in (chat(server), chat(server, stream=True),
                     httpx.post(f"{server.api}/ask", json={"question": LODGED}, timeout=TIMEOUT)):
        error = check_error(response, 503)
        assert error["code"] == "store_unavailable"
        assert "store" in error["message"]
    report = health(server)
    assert report.status_code == 503
    assert report.json()["status"] == "unavailable" and report.json()["problem"]
    assert server.alive()


def test_read_only_store_keeps_answering_and_health_warns(store_copy, tmp_path):
    with byline_server(store_copy, tmp_path / "server.log", obey_file_permissions=True) as server:
        assert chat(server).status_code == 200
        set_read_only(store_copy, True)
        try:
            for stream in (False, True):
                response = chat(server, stream)
                assert response.status_code == 200, response.text
            check_completion(chat(server).json())
            assert "496" in chat(server).json()["choices"][0]["message"]["content"]
            report = health(server)
            assert report.status_code == 200
            assert any("read-only" in w for w in report.json()["warnings"])
        finally:
            set_read_only(store_copy, False)
        assert server.alive()


def test_deleted_store_gets_503_and_the_server_stays_up(store_copy, tmp_path):
    with byline_server(store_copy, tmp_path / "server.log") as server:
        assert chat(server).status_code == 200
        shutil.rmtree(store_copy)
        assert_store_unavailable(server)
        assert "missing" in health(server).json()["problem"]
        assert httpx.get(f"{server.api}/models", timeout=TIMEOUT).status_code == 200


def test_truncated_store_gets_503_and_the_server_stays_up(store_copy, tmp_path):
    with byline_server(store_copy, tmp_path / "server.log") as server:
        assert chat(server).status_code == 200
        for keep_bytes in (8192, 0):  # cut mid-file (the header survives), then emptied
            with open(store_copy / "chroma.sqlite3", "r+b") as db:
                db.truncate(keep_bytes)
            assert_store_unavailable(server)
            assert "Traceback" not in chat(server).text


def damage(store: Path) -> None:
    """Overwrite 4 KB in every 64 KB of the store's database past its first pages."""
    import os

    path = store / "chroma.sqlite3"
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        for offset in range(8192, size, 65536):
            fh.seek(offset)
            fh.write(os.urandom(4096))


def test_a_damaged_store_is_one_clear_line_on_the_command_line(store_copy):
    from tests.conftest import run_byline

    damage(store_copy)
    done = run_byline("ask", LODGED, "--store", str(store_copy))
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("byline: the store at") and "cannot be read" in last and "re-ingest" in last
    assert "Traceback" not in done.stderr


def test_a_store_damaged_while_serving_is_a_503_never_a_500(store_copy, tmp_path):
    with byline_server(store_copy, tmp_path / "server.log") as server:
        assert chat(server).status_code == 200
        damage(store_copy)
        for response in (chat(server), chat(server, stream=True),
                         httpx.post(f"{server.api}/ask", json={"question": "Who chairs the NCCT?"},
                                    timeout=TIMEOUT)):
            assert response.status_code in (200, 503), response.text[:300]
            if response.status_code == 503:
                assert check_error(response, 503)["code"] == "store_unavailable"
        assert server.alive()
