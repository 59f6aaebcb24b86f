"""MiniLM on onnxruntime, free of llama-index: the raw encoder under ``OnnxEmbedding``.

Kept apart from the llama-index wrapper because importing ``llama_index.core`` alone costs about a
second; a process that only embeds questions (``byline ask``) can use this class directly, and the
benchmark measures the raw model's throughput with it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.embedding import EMBED_DIM, MAX_WORD_PIECES, model_dir


class OnnxEncoder:
    """The bundled tokenizer (256 pieces, as sentence-transformers truncates) feeding an exported graph
    that already mean-pools and normalises.

    Texts run in small length-sorted micro-batches: on this CPU, batches of one or a few chunks are
    faster per chunk than large padded ones (the activations of 32 x 256 pieces fall out of cache).
    onnxruntime sessions are safe to share between threads.
    """

    def __init__(self, path: Path, threads: int = 1, micro_batch: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=MAX_WORD_PIECES)
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]"), pad_token="[PAD]")
        self.tokenizer = tokenizer
        self.micro_batch = max(1, micro_batch)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for ``texts``, one row per text in input order."""
        out = np.empty((len(texts), EMBED_DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.micro_batch):
            rows = order[start:start + self.micro_batch]
            encoded = self.tokenizer.encode_batch([texts[i] for i in rows])
            feed = {
                "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            }
            out[rows] = self.session.run(None, feed)[0]
        return out

    def get_query_embedding(self, query: str) -> list[float]:
        return self.encode([query])[0].tolist()

    def get_text_embedding(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()

    def get_text_embedding_batch(self, texts: list[str], **_: object) -> list[list[float]]:
        return self.encode(texts).tolist()
