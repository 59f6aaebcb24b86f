"""Secrets never reach a log (issue 8): API keys, the chat page's password and the LLM's key stay out
of the server log and the CLI's stderr, even when the LLM server rejects the key and echoes it back."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.helpers.server import byline_server, check_completion
from tests.conftest import run_byline

pytestmark = [pytest.mark.process, pytest.mark.server]

API_KEYS = ("sk-byline-secret-api-1d7e", "sk-byline-secret-api-8c2b")
WRONG_API_KEY = "sk-byline-secret-wrong-4a90"
UI_USER, UI_PASSWORD, WRONG_PASSWORD = "desk", "ui-secret-pass-6b1f", "ui-secret-typo-0e55"
LLM_KEY = "sk-llm-secret-key-3f88"
SECRETS = (*API_KEYS, WRONG_API_KEY, UI_PASSWORD, WRONG_PASSWORD, LLM_KEY)
LODGED = "How many requests were lodged between August and October 2022?"


class KeyEchoingLLM:
    """An OpenAI-compatible endpoint that refuses every key and quotes it back, as some servers do."""

    def __init__(self) -> None:
        self.refused = 0
        llm = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                llm.refused += 1
                key = self.headers.get("Authorization", "").removeprefix("Bearer ")
                body = json.dumps({"error": {"message": f"Incorrect API key provided: {key}",
                                             "type": "invalid_request_error", "code": "invalid_api_key"}}).encode()
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v1"

    def __enter__(self) -> "KeyEchoingLLM":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def llm():
    with KeyEchoingLLM() as server:
        yield server


def secret_env(llm) -> dict:
    return {"BYLINE_API_KEYS": ",".join(API_KEYS), "BYLINE_UI_USER": UI_USER, "BYLINE_UI_PASSWORD": UI_PASSWORD,
            "BYLINE_LLM_BASE_URL": llm.url, "BYLINE_LLM_API_KEY": LLM_KEY}


def assert_no_secret_in(text: str) -> None:
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"{leaked} in:\n{text[-3000:]}"


def test_server_log_holds_no_key_or_password(sample_store, tmp_path, llm):
    with byline_server(sample_store, tmp_path / "server.log", env=secret_env(llm)) as server:
        assert httpx.get(f"{server.api}/models", timeout=30,
                         headers={"Authorization": f"Bearer {WRONG_API_KEY}"}).status_code == 401
        with httpx.Client(base_url=server.api, timeout=120,
                          headers={"Authorization": f"Bearer {API_KEYS[0]}"}) as api:
            first = api.post("/chat/completions", json={"model": "byline",
                                                        "messages": [{"role": "user", "content": LODGED}]})
            check_completion(first.json())
            follow_up = api.post("/ask", json={"question": "And how many were Vietnamese?", "history": [
                {"role": "user", "content": LODGED},
                {"role": "assistant", "content": first.json()["choices"][0]["message"]["content"]}]})
            assert follow_up.status_code == 200, follow_up.text
        for password in (WRONG_PASSWORD, UI_PASSWORD):
            login = httpx.post(f"{server.url}/login", data={"username": UI_USER, "password": password}, timeout=60)
            assert login.status_code == (200 if password == UI_PASSWORD else 400), login.text
        log = server.log()
    assert llm.refused >= 2, "the LLM was never called: the echoed-key path went untested"
    assert "LLM" in log, "the LLM failure was not logged: the log capture is not working"
    assert_no_secret_in(log)


def test_cli_stderr_holds_no_llm_key(sample_store, llm):
    done = run_byline("ask", LODGED, "--store", str(sample_store), env=secret_env(llm))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "496" in done.stdout
    assert "LLM" in done.stderr
    assert_no_secret_in(done.stdout + done.stderr)


def test_settings_never_print_their_secrets(llm, monkeypatch):
    from assistant.settings import Settings

    for name, value in secret_env(llm).items():
        monkeypatch.setenv(name, value)
    settings = Settings.load()
    assert settings.llm_api_key == LLM_KEY and settings.api_keys == API_KEYS
    assert_no_secret_in(repr(settings) + str(settings))


@pytest.mark.parametrize("env, named", [
    ({"BYLINE_UI_USER": "editor"}, "BYLINE_UI_PASSWORD"),
    ({"BYLINE_UI_PASSWORD": "s3cret-pass"}, "BYLINE_UI_USER"),
    ({"BYLINE_API_KEYS": " , "}, "BYLINE_API_KEYS"),
])
def test_half_a_login_or_no_usable_key_refuses_to_serve(sample_store, env, named):
    done = run_byline("serve", "--store", str(sample_store), "--port", "1", env=env, timeout=120)
    assert done.returncode == 2, done.stderr
    assert named in done.stderr and "Traceback" not in done.stderr
    assert "s3cret-pass" not in done.stderr


def test_a_misspelt_variable_is_named_with_the_closest_real_one(sample_store):
    done = run_byline("status", "--store", str(sample_store), env={"BYLINE_UI_PASSWROD": "x"})
    assert done.returncode == 0
    assert "BYLINE_UI_PASSWROD" in done.stderr and "BYLINE_UI_PASSWORD" in done.stderr
