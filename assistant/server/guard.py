"""The gate in front of every ``/v1`` path, unknown ones included: API key, then body size.

A plain ASGI middleware rather than a FastAPI dependency or route option: a dependency runs only on
matched routes and after the body has been parsed, and Starlette's own body limit answers an
oversized ``Content-Length`` with plain text. Here an unauthenticated caller is refused before
anything else, and every refusal is JSON in OpenAI's error format.

Keys are compared in constant time and never written anywhere, not even in an error message, so
neither a valid nor a guessed key can end up in a log.
"""

from __future__ import annotations

import hmac
import json
import posixpath

from starlette.exceptions import HTTPException

from assistant.server.openai_models import error_body

API_PREFIX = "/v1"


def is_api_path(path: str) -> bool:
    clean = posixpath.normpath("/" + path.lstrip("/"))
    return clean == API_PREFIX or clean.startswith(API_PREFIX + "/")


def too_large_message(limit: int) -> str:
    return f"Request body is larger than the limit of {limit} bytes."


class ApiGuard:
    def __init__(self, app, api_keys: tuple[str, ...], max_body_bytes: int) -> None:
        self.app = app
        self.keys = [key.encode() for key in api_keys]
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        problem = self.key_problem(headers.get(b"authorization", b"")) if self.keys else None
        if problem:
            await send_error(send, 401, error_body(problem, code="invalid_api_key"),
                             [(b"www-authenticate", b'Bearer realm="byline"')])
            return
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await send_error(send, 413, error_body(too_large_message(self.max_body_bytes),
                                                   code="request_too_large"))
            return
        await self.app(scope, self.counting(receive), send)

    def counting(self, receive):
        """For bodies without a Content-Length (chunked): stop reading once past the limit."""
        received = 0

        async def receive_with_limit():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise HTTPException(413, too_large_message(self.max_body_bytes))
            return message

        return receive_with_limit

    def key_problem(self, header: bytes) -> str | None:
        if not header:
            return "Missing API key: send it as 'Authorization: Bearer <key>'."
        scheme, _, token = header.strip().partition(b" ")
        token = token.strip()
        if scheme.lower() != b"bearer" or not token:
            return "Malformed Authorization header: expected 'Bearer <key>'."
        matched = False
        for key in self.keys:
            matched |= hmac.compare_digest(token, key)
        return None if matched else "Invalid API key."


async def send_error(send, status: int, body: dict, headers: list | None = None) -> None:
    payload = json.dumps(body).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()), *(headers or [])],
    })
    await send({"type": "http.response.body", "body": payload})
