"""MiniLM on onnxruntime as a llama-index ``BaseEmbedding`` (see ``assistant.embedding`` for why)."""

from __future__ import annotations

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.onnx_encoder import OnnxEncoder


class OnnxEmbedding(BaseEmbedding):
    """llama-index's embedding interface over an ``OnnxEncoder``."""

    _encoder: OnnxEncoder = PrivateAttr()

    def __init__(self, encoder: OnnxEncoder, batch_size: int = 32, model_name: str = "all-MiniLM-L6-v2") -> None:
        super().__init__(model_name=model_name, embed_batch_size=batch_size)
        self._encoder = encoder

    @classmethod
    def class_name(cls) -> str:
        return "OnnxMiniLMEmbedding"

    @property
    def encoder(self) -> OnnxEncoder:
        return self._encoder

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encoder.get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encoder.get_text_embedding(text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encoder.get_text_embedding_batch(texts)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)
