"""Request models and response shapes of the OpenAI-compatible API.

Requests are pydantic models so malformed bodies are rejected with a precise message before they
reach the engine. Fields OpenAI defines that Byline has no use for (temperature, max_tokens, tools...)
are accepted and ignored, so existing bots can point their client at Byline unchanged.
Responses are plain dicts in OpenAI's shape plus Byline's own ``citations`` and ``declined`` fields.
"""

from __future__ import annotations

import time
import uuid
from urllib.parse import urlencode
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.answering.citations import MARKER
from assistant.tokens import count_tokens
from assistant.types import Answer


class ChatMessage(BaseModel):
    """``system``/``developer`` messages are accepted and ignored: Byline answers from its own prompt."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant"]
    content: str

    @field_validator("content", mode="before")
    @classmethod
    def join_text_parts(cls, value: Any) -> Any:
        """OpenAI clients may send content as a list of parts; Byline reads text parts only."""
        if not isinstance(value, list):
            return value
        if not all(isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str)
                   for p in value):
            raise ValueError("only text content parts ({'type': 'text', 'text': ...}) are supported")
        return "".join(p["text"] for p in value)


class FiltersIn(BaseModel):
    """Which articles an answer may draw from (Byline's; OpenAI clients send it in ``extra_body``)."""

    model_config = ConfigDict(extra="forbid")

    publication: str | None = None
    published_from: str | None = None
    published_to: str | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")

    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    model: str | None = None
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    as_of: str | None = None  # Byline's: the date the question is asked (OpenAI clients send it in extra_body)
    filters: FiltersIn | None = None


class HistoryMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["user", "assistant"]
    content: str


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str
    history: list[HistoryMessage] = Field(default_factory=list)
    as_of: str | None = None
    filters: FiltersIn | None = None


def error_body(message: str, type_: str = "invalid_request_error", param: str | None = None,
               code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def model_card(model_id: str, created: int) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": created, "owned_by": "byline"}


def new_completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def usage(prompt_texts: list[str], answer_text: str) -> dict[str, int]:
    """OpenAI's ``usage``, counted with tiktoken: the question and history in, the answer out."""
    prompt = sum(count_tokens(t) for t in prompt_texts)
    completion = count_tokens(answer_text)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def annotations(answer: Answer, base: str) -> list[dict[str, Any]]:
    """Each ``[n]`` marker as an OpenAI URL citation over the marker's characters, so front ends that
    show OpenAI citations show these; the URL opens the cited article on this server's page with the
    passage highlighted."""
    by_number = {c.n: c for c in answer.citations}
    out = []
    for match in MARKER.finditer(answer.answer):
        c = by_number.get(int(match.group(1)))
        if c is None:
            continue
        url = f"{base}/?{urlencode({'article': c.source, 'start': c.start, 'end': c.end})}#byline-cited"
        out.append({"type": "url_citation", "url_citation": {
            "start_index": match.start(), "end_index": match.end(), "title": c.title or c.source, "url": url}})
    return out


def chat_completion(answer: Answer, model: str, counted: dict[str, int], base: str = "") -> dict[str, Any]:
    return {
        "id": new_completion_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": answer.answer, "annotations": annotations(answer, base)},
            "finish_reason": "stop",
            "logprobs": None,
        }],
        "usage": counted,
        **byline_fields(answer),
    }


def usage_chunk(completion_id: str, created: int, model: str, counted: dict[str, int]) -> dict[str, Any]:
    """The extra last chunk ``stream_options.include_usage`` asks for: no choices, the usage."""
    return {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [], "usage": counted}


def chat_chunk(completion_id: str, created: int, model: str, delta: dict[str, Any],
               finish_reason: str | None = None, answer: Answer | None = None) -> dict[str, Any]:
    """One ``chat.completion.chunk``; the last one (with ``answer``) also carries the citations."""
    chunk = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
    }
    if answer is not None:
        chunk.update(byline_fields(answer))
    return chunk


def byline_fields(answer: Answer) -> dict[str, Any]:
    return {"citations": [c.to_dict() for c in answer.citations], "declined": answer.declined,
            "short_answer": answer.short_answer.to_dict() if answer.short_answer else None,
            "as_of": answer.as_of}
