"""Every route refuses foreign Host names (DNS rebinding) and oversized bodies, on a real server."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.server import byline_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(sample_store, tmp_path_factory):
    log = tmp_path_factory.mktemp("guard") / "server.log"
    with byline_server(sample_store, log, env={"BYLINE_ALLOWED_HOSTS": "byline.internal"}) as srv:
        yield srv


def base(server) -> str:
    return server.api.rsplit("/v1", 1)[0]


ROUTES = [("GET", "/health"), ("GET", "/v1/models"), ("GET", "/"), ("GET", "/gradio_api/info"),
          ("POST", "/v1/chat/completions"), ("POST", "/v1/ask")]


@pytest.mark.parametrize("method, path", ROUTES)
def test_a_rebound_domain_is_refused_on_every_route_family(server, method, path):
    body = {"model": "byline", "messages": [{"role": "user", "content": "hi"}], "question": "hi"}
    response = httpx.request(method, base(server) + path, headers={"Host": "attacker.example"},
                             json=body if method == "POST" else None, timeout=60)
    assert response.status_code == 421
    assert "allowed_hosts" in response.json()["error"]["message"]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "byline.internal", "BYLINE.internal"])
def test_loopback_addresses_and_allowed_names_are_served(server, host):
    port = base(server).rsplit(":", 1)[1]
    response = httpx.get(base(server) + "/health", headers={"Host": f"{host}:{port}"}, timeout=60)
    assert response.status_code == 200


def test_the_page_routes_cap_the_body_too(server):
    response = httpx.post(base(server) + "/gradio_api/queue/join", content=b"x" * 300_000,
                          headers={"Content-Type": "application/json"}, timeout=60)
    assert response.status_code == 413


def test_sigterm_stops_the_server_while_a_stream_is_open(sample_store, tmp_path):
    """A browser tab keeps a Gradio event stream open; an SSE answer may be mid-way. Neither may hold
    the server past a few seconds of SIGTERM."""
    import signal
    import threading

    with byline_server(sample_store, tmp_path / "server.log") as srv:
        opened = threading.Event()

        def hold_stream():
            try:
                with httpx.stream("GET", base(srv) + "/gradio_api/heartbeat/held-open",
                                  timeout=60) as response:
                    opened.set()
                    for _ in response.iter_bytes():
                        pass
            except httpx.HTTPError:
                pass

        holder = threading.Thread(target=hold_stream, daemon=True)
        holder.start()
        assert opened.wait(30)
        srv.proc.send_signal(signal.SIGTERM)
        srv.proc.wait(timeout=20)  # before the fix it waited for the stream: for ever
        assert srv.proc.returncode is not None
