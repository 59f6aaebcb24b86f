"""The "obvious implementation" every eval report is compared with.

A plain llama-index ``VectorStoreIndex`` over the store's chunks collection, with the same embedding
model and default retriever settings except ``similarity_top_k=5`` (so hit@5 is defined). It sees only
the scored question, as a plain retriever would: it has no notion of conversation history.
"""

from __future__ import annotations

import contextlib
import io
import time

from assistant.embedding import load_embedder
from assistant.settings import Settings
from assistant.store import Store

NAME = "llama-index VectorStoreIndex (dense top-5, default settings)"
TOP_K = 5


class VectorBaseline:
    name = NAME

    def __init__(self, settings: Settings) -> None:
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import VectorStoreIndex
        from llama_index.vector_stores.chroma import ChromaVectorStore

        # llama-index falls back to OpenAI when no LLM is set; retrieval needs none. Setting None
        # prints a notice on stdout, which would end up in the eval table.
        with contextlib.redirect_stdout(io.StringIO()):
            LlamaSettings.llm = None
        vector_store = ChromaVectorStore(chroma_collection=Store.open(settings).chunks())
        index = VectorStoreIndex.from_vector_store(vector_store, embed_model=load_embedder(settings))
        self._retriever = index.as_retriever(similarity_top_k=TOP_K)

    def sources(self, question: str) -> tuple[list[str], float]:
        """Source file of each retrieved chunk, best first, and the milliseconds it took."""
        started = time.perf_counter()
        nodes = self._retriever.retrieve(question)
        elapsed = (time.perf_counter() - started) * 1000
        return [n.node.metadata.get("source", "") for n in nodes], elapsed
