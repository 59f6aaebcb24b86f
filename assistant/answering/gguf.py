"""A local GGUF model in-process, through ``xllamacpp`` (a prebuilt CPU wheel of llama.cpp), as a llama-index LLM.

llama-cpp-python builds llama.cpp from source at install (6 to over 45 minutes on two cores);
xllamacpp ships it compiled. Its ``Server`` runs llama.cpp's own server loop in-process: the model's
chat template is applied by llama.cpp, requests from several threads are decoded in parallel slots
(``n_parallel``), and a call blocks while it streams chunks to a callback, so ``stream_chat`` runs it on
a worker thread and hands the pieces over through a queue. The server also listens on a loopback port;
a random API key that never leaves this object keeps other local programs off it.
"""

from __future__ import annotations

import queue
import secrets
import threading
import time
from pathlib import Path
from typing import Any, Sequence

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.custom import CustomLLM
from pydantic import Field, PrivateAttr

from assistant.errors import LLMError

PARALLEL_SLOTS = 2  # two questions at once decode together instead of queueing
_DONE = object()


class XLlamaCpp(CustomLLM):
    """A GGUF file served by llama.cpp in this process. ``timeout_s`` bounds the whole answer."""

    model_path: str = Field(description="the GGUF file")
    threads: int = Field(default=2, ge=1)
    context_tokens: int = Field(default=4096, ge=256)
    max_tokens: int = Field(default=400, ge=1)
    timeout_s: float = Field(default=60.0, gt=0)
    temperature: float = Field(default=0.0, ge=0)
    _server: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)
        if not Path(self.model_path).is_file():
            raise LLMError(f"GGUF model not found: {self.model_path}")

    @classmethod
    def class_name(cls) -> str:
        return "XLlamaCpp"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self.context_tokens, num_output=self.max_tokens,
                           is_chat_model=True, model_name=Path(self.model_path).name)

    def _started(self):
        """The llama.cpp server, loaded on first use (loading a 1.5B model takes about a second)."""
        with self._lock:
            if self._server is None:
                try:
                    import xllamacpp
                except ImportError as exc:
                    raise LLMError("llm_gguf_path needs the optional extra: pip install 'byline[gguf]'") from exc
                params = xllamacpp.CommonParams()
                params.model.path = self.model_path
                params.n_parallel = PARALLEL_SLOTS
                params.n_ctx = self.context_tokens * PARALLEL_SLOTS  # llama.cpp splits it between the slots
                params.n_predict = self.max_tokens
                params.cpuparams.n_threads = self.threads
                params.cpuparams_batch.n_threads = self.threads
                params.warmup = False
                params.verbosity = -1
                params.api_keys = [secrets.token_hex(16)]
                try:
                    self._server = xllamacpp.Server(params)
                except Exception as exc:
                    raise LLMError(f"cannot load the GGUF model {self.model_path}: {exc}") from exc
            return self._server

    def _request(self, messages: Sequence[ChatMessage], stream: bool, **kwargs: Any) -> dict:
        """The llama.cpp request; ``grammar`` (GBNF) constrains what the model can write."""
        request = {
            "messages": [{"role": _role(m.role), "content": m.content or ""} for m in messages],
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": kwargs.get("temperature", self.temperature),
            "stream": stream,
        }
        if kwargs.get("grammar"):
            request["grammar"] = kwargs["grammar"]
        return request

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        text = "".join(self._pieces(messages, **kwargs))
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text))

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        def gen() -> ChatResponseGen:
            text = ""
            for delta in self._pieces(messages, **kwargs):
                text += delta
                yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=delta)

        return gen()

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text=self.chat([ChatMessage(role=MessageRole.USER, content=prompt)], **kwargs).message.content)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        def gen() -> CompletionResponseGen:
            text = ""
            for delta in self._pieces([ChatMessage(role=MessageRole.USER, content=prompt)], **kwargs):
                text += delta
                yield CompletionResponse(text=text, delta=delta)

        return gen()

    def _pieces(self, messages: Sequence[ChatMessage], **kwargs: Any):
        """Text deltas as llama.cpp produces them. Closing the generator early (or a timeout) tells
        llama.cpp to stop decoding: the callback's True return ends the request."""
        server = self._started()
        pieces: queue.Queue = queue.Queue()
        stop = threading.Event()

        def on_chunk(chunk: dict) -> bool:
            if "error" in chunk:
                pieces.put(LLMError(f"llama.cpp: {chunk['error'].get('message', chunk['error'])}"))
            else:
                for choice in chunk.get("choices", []):
                    delta = (choice.get("delta") or {}).get("content")
                    if delta:
                        pieces.put(delta)
            return stop.is_set()

        def work() -> None:
            try:
                server.handle_chat_completions(self._request(messages, True, **kwargs), on_chunk)
            except Exception as exc:
                pieces.put(LLMError(f"llama.cpp: {exc}"))
            finally:
                pieces.put(_DONE)

        worker = threading.Thread(target=work, name="xllamacpp", daemon=True)
        worker.start()
        deadline = time.monotonic() + self.timeout_s
        try:
            while True:
                try:
                    item = pieces.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise LLMError(f"the model gave no answer within {self.timeout_s:g} s") from None
                if item is _DONE:
                    return
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            stop.set()


def _role(role: MessageRole | str) -> str:
    value = role.value if isinstance(role, MessageRole) else str(role)
    return value if value in ("system", "user", "assistant") else "user"
