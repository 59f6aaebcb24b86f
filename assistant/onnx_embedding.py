"""MiniLM on onnxruntime as a llama-index ``BaseEmbedding`` (see ``assistant.embedding`` for why)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.embedding import EMBED_DIM, MAX_WORD_PIECES, model_dir


class OnnxEmbedding(BaseEmbedding):
    """MiniLM on onnxruntime: the bundled tokenizer (256 pieces, like sentence-transformers) feeding an
    exported graph that already pools and normalises.

    Texts run in small length-sorted micro-batches: on this CPU, batches of one or a few chunks are
    faster per chunk than large padded ones (the activations of 32 x 256 pieces fall out of cache).
    """

    _session: Any = PrivateAttr()
    _tokenizer: Any = PrivateAttr()
    _micro_batch: int = PrivateAttr()

    def __init__(self, path: Path, threads: int = 1, batch_size: int = 32, micro_batch: int = 1,
                 model_name: str = "all-MiniLM-L6-v2") -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        super().__init__(model_name=model_name, embed_batch_size=batch_size)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=MAX_WORD_PIECES)
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]"), pad_token="[PAD]")
        self._tokenizer = tokenizer
        self._micro_batch = max(1, micro_batch)

    @classmethod
    def class_name(cls) -> str:
        return "OnnxMiniLMEmbedding"

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for ``texts`` (rows in input order): the raw model, without llama-index around it."""
        out = np.empty((len(texts), EMBED_DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self._micro_batch):
            rows = order[start:start + self._micro_batch]
            encoded = self._tokenizer.encode_batch([texts[i] for i in rows])
            feed = {
                "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            }
            out[rows] = self._session.run(None, feed)[0]
        return out

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.encode([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)
