"""A scripted OpenAI-compatible chat-completions server on loopback, and an Assistant wired to it."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from assistant import Assistant


class ScriptedLLM:
    """A chat-completions endpoint whose replies come from ``reply(messages) -> str``."""

    def __init__(self, reply, status: int = 200) -> None:
        self.reply = reply
        self.status = status
        self.requests: list[dict] = []
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v1"

    def __enter__(self) -> "ScriptedLLM":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        script = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                script.requests.append(body)
                if script.status != 200:
                    return self._send(script.status, {"error": {"message": "scripted failure"}})
                text = script.reply(body["messages"])
                if not body.get("stream"):
                    return self._send(200, {
                        "id": "c1", "object": "chat.completion", "created": 0, "model": body["model"],
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": text}}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    })
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for i in range(0, len(text), 9):  # small pieces: sentences arrive split across chunks
                    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                             "choices": [{"index": 0, "delta": {"content": text[i:i + 9]}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

            def _send(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def offered_passages(messages: list[dict]) -> dict[int, str]:
    """The numbered passages in the answer prompt, as the model sees them."""
    return {int(n): text for n, text in re.findall(r"^\[(\d+)\] (.*)$", messages[-1]["content"], re.M)}


def with_llm(bot, url: str, **extra) -> Assistant:
    from assistant.answering.llm import llm_from_settings

    settings = bot.settings.replace(llm_base_url=url, llm_timeout_s=5.0, **extra)
    return Assistant(settings, bot.store, bot.embedder, llm_from_settings(settings))
