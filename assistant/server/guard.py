"""The gate in front of every path, the page's and unknown ones included: Host, API key, body size.

- **Host**: a request whose ``Host`` names a domain other than ``localhost`` or one in
  ``allowed_hosts`` is refused with 421. A web page on another domain that rebinds its name to
  127.0.0.1 (DNS rebinding) would otherwise read every answer and article through the visitor's
  browser. An IP address as the Host cannot be rebound, so any is accepted (the bound one, or the
  machine's own when serving on 0.0.0.0).
- **API key**: on ``/v1``; and on the page's routes too when keys are set but the page has no login
  of its own (``BYLINE_UI_USER``/``BYLINE_UI_PASSWORD``), since those routes (``/gradio_api/...``)
  answer questions just as ``/v1`` does. ``/health`` stays open for monitoring.
- **Body size**: ``max_request_bytes`` on every route, the page's too, except Gradio's upload route
  when the page's "Add articles" is on: ``upload_bytes`` there (a few articles' worth).

A plain ASGI middleware rather than a FastAPI dependency or route option: a dependency runs only on
matched routes and after the body has been parsed, and Starlette's own body limit answers an
oversized ``Content-Length`` with plain text. Here a refused caller is refused before anything else,
and every refusal is JSON in OpenAI's error format.

Keys are compared in constant time and never written anywhere, not even in an error message, so
neither a valid nor a guessed key can end up in a log.
"""

from __future__ import annotations

import hmac
import ipaddress
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


OPEN_PATHS = ("/health",)
UPLOAD_PATH = "/gradio_api/upload"


def is_open_path(path: str) -> bool:
    return posixpath.normpath("/" + path.lstrip("/")) in OPEN_PATHS


def host_allowed(host_header: bytes, allowed: frozenset[str]) -> bool:
    """``localhost``, an IP address, or a name in ``allowed`` (any port). A request without a Host
    (HTTP/1.0) names no domain, so there is nothing to rebind."""
    host = host_header.decode("latin-1").strip().lower()
    if not host:
        return True
    name = host[1:host.index("]")] if host.startswith("[") and "]" in host else host.rsplit(":", 1)[0]
    if name in ("localhost", "localhost.") or name in allowed:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class RequestGuard:
    def __init__(self, app, api_keys: tuple[str, ...], max_body_bytes: int,
                 allowed_hosts: tuple[str, ...] = (), page_login: bool = False, upload_bytes: int = 0) -> None:
        self.app = app
        self.keys = [key.encode() for key in api_keys]
        self.page_login = page_login
        self.max_body_bytes = max_body_bytes
        self.upload_bytes = upload_bytes
        self.allowed_hosts = frozenset(h.strip().lower() for h in allowed_hosts if h.strip())

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if not host_allowed(headers.get(b"host", b""), self.allowed_hosts):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await send_error(send, 421, error_body(
                "This server does not answer for that Host; add it to allowed_hosts (BYLINE_ALLOWED_HOSTS) "
                "if it is yours.", code="misdirected_request"))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = is_api_path(scope["path"])
        needs_key = self.keys and (api or (not self.page_login and not is_open_path(scope["path"])))
        problem = self.key_problem(headers.get(b"authorization", b"")) if needs_key else None
        if problem:
            await send_error(send, 401, error_body(problem, code="invalid_api_key"),
                             [(b"www-authenticate", b'Bearer realm="byline"')])
            return
        limit = self.upload_bytes if self.upload_bytes and scope["path"] == UPLOAD_PATH else self.max_body_bytes
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await send_error(send, 413, error_body(too_large_message(limit), code="request_too_large"))
            return
        await self.app(scope, self.counting(receive, limit), send)

    def counting(self, receive, limit: int):
        """For bodies without a Content-Length (chunked): stop reading once past the limit."""
        received = 0

        async def receive_with_limit():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(413, too_large_message(limit))
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
