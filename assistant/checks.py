"""Input checks: what a question, a chat history, an API message and an article's file name must be.

Every way in (the Python API, the CLI, the chat page, ``/v1``, ingest) runs its input through these,
so a limit or a rule is stated once. A failed check is an ``InputError`` (exit code 2, HTTP 400);
``FieldError`` also names the request field and an OpenAI-style error code for the API.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.errors import InputError

ROLES = frozenset({"user", "assistant", "system"})
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A Python str may hold surrogates (undecodable file names, JSON escapes); real text, UTF-8 and
# every tokenizer cannot.
SURROGATES = re.compile(r"[\ud800-\udfff]")


class FieldError(InputError):
    """A request field that fails a check: ``param`` names it, ``code`` says what is wrong."""

    def __init__(self, message: str, param: str, code: str) -> None:
        super().__init__(message)
        self.param = param
        self.code = code


def is_text(value: str) -> bool:
    """Encodable as UTF-8: no unpaired surrogates."""
    return not SURROGATES.search(value)


def check_question(question: Any, max_chars: int) -> str:
    """The question, stripped; blank, invalid or over ``max_chars`` is an ``InputError``."""
    if not isinstance(question, str) or not question.strip():
        raise InputError("question is blank")
    if not is_text(question):
        raise InputError("question is not valid text (it contains an unpaired surrogate)")
    if len(question) > max_chars:
        raise InputError(f"question is {len(question)} characters; the limit is {max_chars}")
    return question.strip()


def check_history(history: Any, max_messages: int, max_chars: int) -> list[dict]:
    """A chat history (``[{"role", "content"}]``) as plain dicts; anything else is an ``InputError``."""
    if history is None:
        return []
    if not isinstance(history, (list, tuple)):
        raise InputError("history must be a list of {role, content} messages")
    if len(history) > max_messages:
        raise InputError(f"history has {len(history)} messages; the limit is {max_messages}")
    out = []
    for i, message in enumerate(history):
        if not isinstance(message, dict):
            raise InputError(f"history[{i}] must be an object with role and content")
        role, content = message.get("role"), message.get("content")
        if role not in ROLES:
            raise InputError(f"history[{i}].role must be one of user, assistant, system")
        if not isinstance(content, str) or not is_text(content):
            raise InputError(f"history[{i}].content must be a string of valid text")
        if len(content) > max_chars:
            raise InputError(f"history[{i}].content is {len(content)} characters; the limit is {max_chars}")
        out.append({"role": role, "content": content})
    return out


def check_message_text(text: str, param: str) -> None:
    """An API message's text: not empty, no control characters, valid Unicode."""
    if not text.strip():
        raise FieldError(f"{param} is empty", param, "empty_content")
    if CONTROL_CHARS.search(text):
        raise FieldError(f"{param} contains control characters", param, "invalid_characters")
    if not is_text(text):
        raise FieldError(f"{param} is not valid Unicode (unpaired surrogate)", param, "invalid_characters")


def check_message_count(count: int, max_messages: int, param: str) -> None:
    """The messages one API request carries, its question included, against ``max_messages``."""
    if count > max_messages:
        raise FieldError(f"{count} messages; the limit is {max_messages}", param, "too_many_messages")
