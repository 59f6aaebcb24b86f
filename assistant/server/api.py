"""The HTTP API: OpenAI-compatible ``/v1/models`` and ``/v1/chat/completions``, a native ``/v1/ask``,
and ``/health``.

Every error a caller can cause is a 4xx in OpenAI's error format (``{"error": {"message", "type",
"param", "code"}}``), so OpenAI client libraries raise their usual typed exceptions; a broken store
is a 503 and the server keeps running. Endpoints are plain ``def`` functions: FastAPI runs them in its
thread pool, so requests are answered concurrently by the one shared ``Assistant``.
"""

from __future__ import annotations

import json
import logging
import time
from contextlib import contextmanager
from typing import Any, Iterator

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.checks import FieldError, check_message_count, check_message_text
from assistant.errors import InputError, LLMError, StoreError, StoreMissingError
from assistant.server.guard import RequestGuard, too_large_message
from assistant.server.health import StoreProbe, health_report, store_problem
from assistant.retrieval.filters import Filters
from assistant.server.openai_models import (
    AskRequest, ChatCompletionRequest, ChatMessage, FiltersIn, annotations, chat_chunk, chat_completion,
    error_body, model_card, new_completion_id, usage, usage_chunk,
)
from assistant.settings import Settings
from assistant.reply import IncompleteReply, Reply

log = logging.getLogger("byline.server")

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, type_: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = error_body(message, type_, param, code)


def build_api(app: FastAPI, bot, settings: Settings) -> None:
    model_ids = [settings.collection]
    created = int(time.time())
    router = APIRouter(prefix="/v1")

    from assistant.server.ui_upload import UPLOAD_FILES, uploads_enabled

    app.add_middleware(RequestGuard, api_keys=settings.api_keys, max_body_bytes=settings.max_request_bytes,
                       allowed_hosts=settings.allowed_hosts, page_login=bool(settings.ui_user and settings.ui_password),
                       upload_bytes=UPLOAD_FILES * settings.max_file_bytes if uploads_enabled(settings) else 0)
    app.add_exception_handler(ApiError, _api_error_response)
    app.add_exception_handler(RequestValidationError, _validation_error_response)
    app.add_exception_handler(StarletteHTTPException, _http_error_response(settings))

    probe = StoreProbe(bot, settings.chroma_timeout_s)

    @app.get("/health")
    def health() -> JSONResponse:
        status, body = health_report(probe, settings, model_ids)
        return JSONResponse(body, status_code=status)

    @router.get("/models")
    def list_models() -> dict:
        return {"object": "list", "data": [model_card(m, created) for m in model_ids]}

    @router.get("/models/{model_id}")
    def get_model(model_id: str) -> dict:
        return model_card(check_model(model_id, model_ids), created)

    @router.post("/chat/completions", response_model=None)
    def chat_completions(request: ChatCompletionRequest, http: Request) -> dict | StreamingResponse:
        model = check_model(request.model, model_ids)
        question, history = conversation(request.messages, settings)
        filters = filters_of(request.filters)
        check_store(settings)
        said = [m.content for m in request.messages]
        base = str(http.base_url).rstrip("/")
        if not request.stream:
            answer = call_engine(bot.ask, settings, question, history, filters, request.as_of)
            return chat_completion(answer, model, usage(said, answer.answer), base)
        reply = call_engine(start_reply, settings, bot, question, history, filters, request.as_of)
        counted = said if request.stream_options and request.stream_options.include_usage else None
        return StreamingResponse(sse_events(reply, model, settings, counted, base), media_type="text/event-stream",
                                 headers=SSE_HEADERS)

    @router.post("/ask")
    def ask(request: AskRequest) -> dict:
        check_messages(len(request.history) + 1, settings, "history")
        check_text(request.question, "question")
        for i, turn in enumerate(request.history):
            check_text(turn.content, f"history[{i}].content")
        filters = filters_of(request.filters)
        check_store(settings)
        history = [{"role": t.role, "content": t.content} for t in request.history]
        return call_engine(bot.ask, settings, request.question, history, filters, request.as_of).to_dict()

    @router.get("/articles")
    def list_articles() -> dict:
        check_store(settings)
        articles = call_engine(bot.articles, settings)
        return {"object": "list", "data": [article_card(a) for a in articles]}

    @router.get("/articles/{source:path}")
    def get_article(source: str) -> dict:
        check_store(settings)
        article = call_engine(bot.article, settings, source)
        if article is None:
            raise ApiError(404, f"No article {source[:200]!r} in the store; GET /v1/articles lists them",
                           param="source", code="article_not_found")
        return {**article_card(article), "text": article.text}

    routes = {route.path: route.methods for route in router.routes}

    @router.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                      include_in_schema=False)
    def unknown_route(request: Request) -> None:
        allowed = routes.get(request.url.path)
        if allowed:
            raise ApiError(405, f"{request.method} is not allowed on {request.url.path}; use "
                                f"{', '.join(sorted(allowed))}", code="method_not_allowed")
        raise ApiError(404, f"Unknown API route {request.url.path}. Routes: GET /v1/models, "
                            "POST /v1/chat/completions, POST /v1/ask, GET /v1/articles, "
                            "GET /v1/articles/{source}.", code="unknown_url")

    app.include_router(router)


def filters_of(given: FiltersIn | None) -> Filters | None:
    """The request's filters; a malformed date is a 400 naming the field."""
    if given is None:
        return None
    try:
        return Filters(given.publication, given.published_from, given.published_to)
    except InputError as exc:
        raise ApiError(400, f"filters.{exc}", param="filters", code="invalid_filter") from exc


def article_card(article) -> dict:
    return {"object": "article", "source": article.source, "title": article.title,
            "publication": article.publication, "published": article.published, "chunks": article.chunks}


def check_model(requested: str | None, model_ids: list[str]) -> str:
    if requested is None or requested in model_ids:
        return requested or model_ids[0]
    raise ApiError(404, f"The model {requested[:100]!r} does not exist; this server has: "
                        f"{', '.join(model_ids)}", param="model", code="model_not_found")


def conversation(messages: list[ChatMessage], settings: Settings) -> tuple[str, list[dict]]:
    """Split OpenAI ``messages`` into the question (the last user message) and the history before it."""
    check_messages(len(messages), settings, "messages")
    for i, message in enumerate(messages):
        check_text(message.content, f"messages[{i}].content")
    if messages[-1].role != "user":
        raise ApiError(400, "the last message must be the user's question (role 'user'), not a "
                            f"{messages[-1].role!r} message", param="messages")
    turns = [{"role": m.role, "content": m.content} for m in messages if m.role in ("user", "assistant")]
    return turns[-1]["content"], turns[:-1]


def check_text(text: str, param: str) -> None:
    with field_errors():
        check_message_text(text, param)


def check_messages(count: int, settings: Settings, param: str) -> None:
    with field_errors():
        check_message_count(count, settings.max_messages, param)


@contextmanager
def field_errors() -> Iterator[None]:
    """A failed input check as the 400 that names its field."""
    try:
        yield
    except FieldError as exc:
        raise ApiError(400, str(exc), param=exc.param, code=exc.code) from exc


def check_store(settings: Settings) -> None:
    problem = store_problem(settings)
    if problem:
        log.warning("refusing request: %s (store %s)", problem, settings.store_label)
        raise ApiError(503, f"The store is unavailable: {problem}.", type_="server_error",
                       code="store_unavailable")


def call_engine(fn, settings: Settings, *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception as exc:
        raise engine_error(exc, settings) from exc


def engine_error(exc: Exception, settings: Settings) -> ApiError:
    """Map an engine exception to the HTTP error a caller should see."""
    if isinstance(exc, (StoreError, StoreMissingError)):
        log.warning("store error: %s", exc)
        return ApiError(503, f"The store is unavailable: {exc}", type_="server_error",
                        code="store_unavailable")
    if isinstance(exc, InputError):
        return ApiError(400, str(exc), code="invalid_input")
    if isinstance(exc, LLMError):
        log.warning("LLM error: %s", exc)
        return ApiError(502, f"The language model failed: {exc}", type_="server_error", code="llm_unavailable")
    problem = store_problem(settings)
    if problem:
        log.warning("request failed on a broken store (%s): %s: %s", problem, type(exc).__name__, exc)
        return ApiError(503, f"The store is unavailable: {problem}.", type_="server_error",
                        code="store_unavailable")
    log.error("internal error answering a request", exc_info=exc)
    return ApiError(500, f"Internal error ({type(exc).__name__}); details are in the server log.",
                    type_="server_error", code="internal_error")


def start_reply(bot, question: str, history: list[dict], filters: Filters | None = None,
                as_of: str | None = None) -> Reply:
    """Run to the first piece before the response starts, so input and store errors still get a status code."""
    return bot.reply(question, history, filters, as_of).started()


def sse_events(reply: Reply, model: str, settings: Settings,
               counted: list[str] | None = None, base: str = "") -> Iterator[str]:
    """OpenAI's chunk stream; the last chunk before ``[DONE]`` carries ``citations`` and ``declined``,
    then, when ``counted`` (the messages) is given, a chunk with the ``usage``."""
    completion_id, created = new_completion_id(), int(time.time())
    yield sse(chat_chunk(completion_id, created, model, {"role": "assistant", "content": ""}))
    try:
        for piece in reply:
            yield sse(chat_chunk(completion_id, created, model, {"content": piece}))
        answer = reply.answer()
        yield sse(chat_chunk(completion_id, created, model, {"annotations": annotations(answer, base)},
                             "stop", answer))
        if counted is not None:
            yield sse(usage_chunk(completion_id, created, model, usage(counted, answer.answer)))
    except IncompleteReply:
        log.error("the engine's stream ended without its final Answer")
        yield sse(error_body("The answer ended without its citations.", "server_error", code="internal_error"))
    except Exception as exc:
        yield sse(engine_error(exc, settings).body)
    yield "data: [DONE]\n\n"


def sse(payload: dict) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


async def _api_error_response(request: Request, exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body, status_code=exc.status)


async def _validation_error_response(request: Request, exc: RequestValidationError) -> JSONResponse:
    message, param = describe_validation_error(exc.errors())
    return JSONResponse(error_body(message, param=param, code="invalid_request"), status_code=400)


def _http_error_response(settings: Settings):
    async def handler(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 413:
            message = too_large_message(settings.max_request_bytes)
            code = "request_too_large"
        elif exc.status_code == 400:  # FastAPI could not decode the body at all
            message = "Request body could not be parsed as JSON: send UTF-8 JSON with Content-Type: application/json."
            code = "invalid_request"
        else:
            message, code = str(exc.detail), None
        type_ = "server_error" if exc.status_code >= 500 else "invalid_request_error"
        return JSONResponse(error_body(message, type_, code=code), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))
    return handler


def describe_validation_error(errors: list[dict]) -> tuple[str, str | None]:
    """One readable sentence for the first problem pydantic found, and the parameter it concerns."""
    if not errors:
        return "Invalid request.", None
    first = errors[0]
    path = [p for p in first.get("loc", ()) if p != "body"]
    if first["type"] == "json_invalid":
        return f"Request body is not valid JSON: {first.get('ctx', {}).get('error', 'decode error')}.", None
    if not path and first["type"] == "missing":
        return "Request body is missing: send a JSON object with Content-Type: application/json.", None
    if not path:
        return "Request body must be a JSON object sent with Content-Type: application/json.", None
    param = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    message = first["msg"].removeprefix("Value error, ")
    given = first.get("input")
    if first["type"] not in ("missing", "extra_forbidden") and isinstance(given, (str, int, float)) \
            and len(str(given)) <= 40:
        message += f" (got {given!r})"
    return f"{param}: {message}", param
