"""MiniLM on onnxruntime, free of llama-index: the raw encoder under ``OnnxEmbedding``.

Kept apart from the llama-index wrapper because importing ``llama_index.core`` alone costs about a
second; a process that only embeds questions (``byline ask``) can use this class directly, and the
benchmark measures the raw model's throughput with it.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
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
        self.path = Path(path)
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


# Texts one worker takes at a time: small enough that the workers finish a batch together, large enough
# that handing them out costs nothing beside the forward passes.
SLICE = 8


class EncoderPool:
    """One model in several onnxruntime sessions, each run by its own thread on one intra-op thread: on
    this CPU two such workers embed faster than one session with two threads (no synchronisation inside
    each forward pass), and onnxruntime releases the GIL while it runs, so ingest's other steps proceed.

    Texts are sorted by length and handed out in slices, so each micro-batch pads little and the workers
    stay busy until the batch is done. Sessions are made once per (model file, workers) in a process.
    """

    _made: dict[tuple[Path, int, int], "EncoderPool"] = {}
    _making = threading.Lock()

    def __init__(self, path: Path, workers: int, micro_batch: int) -> None:
        self.workers = max(1, workers)
        self._free: queue.SimpleQueue[OnnxEncoder] = queue.SimpleQueue()
        for _ in range(self.workers):
            self._free.put(OnnxEncoder(path, threads=1, micro_batch=micro_batch))
        self._threads = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="byline-encoder")

    @classmethod
    def of(cls, path: Path, workers: int, micro_batch: int) -> "EncoderPool":
        key = (Path(path), max(1, workers), micro_batch)
        with cls._making:
            if key not in cls._made:
                cls._made[key] = cls(*key)
            return cls._made[key]

    def submit(self, texts: list[str]) -> "Future[np.ndarray]":
        """Unit vectors for ``texts`` (rows in input order), computed by the workers meanwhile."""
        out = np.empty((len(texts), EMBED_DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        slices = [order[start:start + SLICE] for start in range(0, len(order), SLICE)]
        done: Future[np.ndarray] = Future()
        if not slices:
            done.set_result(out)
            return done
        remaining = [len(slices)]
        lock = threading.Lock()

        def run(rows: list[int]) -> None:
            encoder = self._free.get()
            failure = None
            try:
                out[rows] = encoder.encode([texts[i] for i in rows])
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
                failure = exc
            finally:
                self._free.put(encoder)
            with lock:
                remaining[0] -= 1
                if done.done():
                    return
                if failure is not None:
                    done.set_exception(failure)
                elif remaining[0] == 0:
                    done.set_result(out)

        for rows in slices:
            self._threads.submit(run, rows)
        return done

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.submit(texts).result()

    def get_text_embedding_batch(self, texts: list[str], **_: object) -> list[list[float]]:
        return self.encode(texts).tolist()
