"""The bundled MiniLM as an ONNX file for onnxruntime, exported once from the bundled weights and cached.

Why: importing torch and sentence-transformers costs seconds in every process, and onnxruntime runs the
same network faster on this CPU with the same vectors. The graph includes mean pooling and L2
normalisation, so it outputs exactly what sentence-transformers outputs. The export needs torch and the
``onnx`` package once; the file lands in ``settings.cache_dir`` under the SHA-256 of the weights, so git
holds nothing binary and nothing is downloaded. Every export is checked against sentence-transformers
before it is used.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import tempfile
import warnings
from pathlib import Path

from assistant.errors import BylineError
from assistant.settings import Settings
from assistant.torch_import import import_torch

EXPORT_RECIPE = "1"  # bump whenever the exported graph changes, so old cache files are not reused
QUANTIZE_RECIPE = "1"  # bump whenever the quantisation settings change
ONNX_OPSET = 17
MIN_COSINE_TO_TORCH = 0.999
MIN_COSINE_INT8 = 0.98
CHECK_TEXTS = (
    "How many requests were lodged?",
    "Between August 18 and October 19, 2022, 496 requests were lodged countrywide involving 1,310 people.",
)
# What the int8 model is checked on at every load, against the fp32 model's vectors saved beside it:
# a question, a name-heavy sentence, a number-heavy one and a long passage.
INT8_CHECK_TEXTS = CHECK_TEXTS + (
    "Who chairs the National Committee for Counter Trafficking?",
    "Interior Minister Sar Kheng, who is also head of the National Committee for Counter Trafficking (NCCT), "
    "said he was shocked by the number of Cambodians lured abroad by fake job offers.",
    "Officials in the province opened a shelter for 57 trafficking survivors on Monday, the governor said, "
    "adding that 1,310 people had been helped since 2019 and that a second shelter would open in July. "
    "The shelter, funded by the ministry and two charities, offers counselling, schooling and job training "
    "to survivors, most of them women and children returned from Thailand, Malaysia and China.",
)


class ExportUnavailable(BylineError):
    """The ONNX file is not cached and cannot be made here (no torch/onnx, unwritable cache, bad export)."""


def weights_file() -> Path:
    from assistant.embedding import model_dir

    return model_dir() / "model.safetensors"


def find_cached(settings: Settings) -> Path | None:
    """The cached ONNX file for the bundled weights, or None; costs a stat, not a hash, when unchanged."""
    path = _target(settings)
    return path if path.is_file() else None


def ensure_exported(settings: Settings) -> Path:
    """The cached ONNX file, exporting it first if needed (10-20 s, once per machine)."""
    return find_cached(settings) or export(settings)


def ensure_model(settings: Settings) -> Path:
    """The model file for ``embed_precision``: the fp32 export, or its int8 quantisation (made once)."""
    exported = ensure_exported(settings)
    if settings.embed_precision == "fp32":
        return exported
    target = int8_path(exported)
    if not (target.is_file() and int8_reference(target).is_file()):
        quantize(exported, target)
    return target


def int8_path(exported: Path) -> Path:
    return exported.with_name(f"{exported.stem}-int8-q{QUANTIZE_RECIPE}.onnx")


def int8_reference(target: Path) -> Path:
    """The fp32 model's vectors of ``INT8_CHECK_TEXTS``, saved when the int8 file is made."""
    return target.with_suffix(".fp32-check.npy")


def quantize(exported: Path, target: Path) -> None:
    """Dynamic quantisation of the MatMul weights to int8, one scale per output channel.

    Per channel because per tensor (``quantize_dynamic``'s default) drifts: mean cosine 0.95 to fp32 over
    real chunks, against 0.994 per channel. Activations stay float and are quantised per call."""
    import numpy as np
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from assistant.onnx_encoder import OnnxEncoder

    handle, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
    os.close(handle)
    tmp = Path(tmp_name)
    reference = int8_reference(target)
    try:
        with _quiet():
            logging.disable(logging.WARNING)  # its advice to pre-process the graph, on the root logger
            try:
                quantize_dynamic(str(exported), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                                 op_types_to_quantize=["MatMul"])
            finally:
                logging.disable(logging.NOTSET)
        with open(tmp.with_suffix(".npy.tmp"), "wb") as fh:
            np.save(fh, OnnxEncoder(exported).encode(list(INT8_CHECK_TEXTS)))
        os.replace(tmp.with_suffix(".npy.tmp"), reference)
        tmp.chmod(0o644)
        os.replace(tmp, target)
    except Exception as exc:
        raise BylineError(f"quantising the embedding model to int8 failed: {type(exc).__name__}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
        tmp.with_suffix(".npy.tmp").unlink(missing_ok=True)


def check_int8(encoder, target: Path) -> None:
    """Refuse an int8 model whose vectors drift from fp32 (cosine below ``MIN_COSINE_INT8`` on any of the
    fixed sentences): a store embedded with it would retrieve differently from what was measured."""
    import numpy as np

    try:
        expected = np.load(int8_reference(target), allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise BylineError(f"the int8 embedding model's check vectors cannot be read ({exc}); "
                          f"delete {target} to have it made again") from exc
    cosine = drift(encoder.encode(list(INT8_CHECK_TEXTS)), expected)
    if cosine < MIN_COSINE_INT8:
        raise BylineError(f"the int8 embedding model {target.name} drifts from fp32 (cosine {cosine:.3f} < "
                          f"{MIN_COSINE_INT8} on the check sentences); refusing it: delete it to have it made "
                          "again, or set embed_precision = \"fp32\"")


def drift(got, expected) -> float:
    """The lowest cosine between matching rows of two sets of unit vectors (0 when they do not match up)."""
    import numpy as np

    got, expected = np.asarray(got, dtype=np.float32), np.asarray(expected, dtype=np.float32)
    if got.shape != expected.shape or not len(got):
        return 0.0
    return float(np.min((got * expected).sum(axis=1)))


def export(settings: Settings) -> Path:
    try:
        import onnx  # noqa: F401  (torch's exporter needs it; imported here to fail with a clear reason)
        torch = import_torch()
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ExportUnavailable(f"cannot export the ONNX embedding model: {exc}") from exc
    from assistant.embedding import model_dir

    target = _target(settings)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".onnx.tmp")
        os.close(handle)
    except OSError as exc:
        raise ExportUnavailable(f"cannot write the ONNX cache in {target.parent}: {exc}") from exc
    tmp = Path(tmp_name)
    try:
        torch.set_num_threads(max(1, settings.embed_threads))
        with _quiet():
            # Eager attention: the legacy TorchScript exporter traces it into plain ops that onnxruntime
            # runs with any batch size and padding; the SDPA path bakes shapes into the trace.
            reference = SentenceTransformer(str(model_dir()), device="cpu",
                                            model_kwargs={"attn_implementation": "eager"})
            pooled = _pooled_minilm(reference[0].auto_model).eval()
            sample = torch.ones(2, 8, dtype=torch.long)
            with torch.no_grad():
                torch.onnx.export(
                    pooled, (sample, sample), str(tmp),
                    input_names=["input_ids", "attention_mask"], output_names=["embedding"],
                    dynamic_axes={"input_ids": {0: "batch", 1: "pieces"}, "attention_mask": {0: "batch", 1: "pieces"},
                                  "embedding": {0: "batch"}},
                    opset_version=ONNX_OPSET, dynamo=False,
                )
            expected = reference.encode(list(CHECK_TEXTS), normalize_embeddings=True)
        _check_against(tmp, expected)
        tmp.chmod(0o644)
        os.replace(tmp, target)
    except ExportUnavailable:
        raise
    except Exception as exc:
        raise ExportUnavailable(f"exporting the ONNX embedding model failed: {type(exc).__name__}: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _check_against(path: Path, expected) -> None:
    """Refuse an export whose vectors drift from sentence-transformers: it would poison the store."""
    from assistant.onnx_encoder import OnnxEncoder

    cosine = drift(OnnxEncoder(path).encode(list(CHECK_TEXTS)), expected)
    if cosine < MIN_COSINE_TO_TORCH:
        raise ExportUnavailable(f"the exported ONNX model disagrees with sentence-transformers (cosine {cosine:.4f})")


def _pooled_minilm(bert):
    """Defined inside a function so that importing this module never imports torch."""
    import torch

    class PooledMiniLM(torch.nn.Module):
        """BERT plus sentence-transformers' mean pooling and normalisation, as one traceable module."""

        def __init__(self, bert) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    return PooledMiniLM(bert)


@contextlib.contextmanager
def _quiet():
    """The exporter and transformers print tracer warnings and progress bars that mean nothing to a user."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except ImportError:
            pass
        yield


def _target(settings: Settings) -> Path:
    return _cache_dir(settings) / f"{settings.embed_model}-{_weights_digest(settings)}-r{EXPORT_RECIPE}.onnx"


def _cache_dir(settings: Settings) -> Path:
    return Path(settings.cache_dir) / "onnx"


def _weights_digest(settings: Settings) -> str:
    """SHA-256 of the weights (first 16 hex digits), remembered per (path, size, mtime) so that a cold
    start pays a stat instead of hashing 90 MB."""
    weights = weights_file()
    stat = weights.stat()
    key = f"{weights}:{stat.st_size}:{stat.st_mtime_ns}"
    memo_path = _cache_dir(settings) / "weights-digests.json"
    try:
        memo = json.loads(memo_path.read_text())
    except (OSError, ValueError):
        memo = {}
    if key in memo:
        return memo[key]
    with open(weights, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()[:16]
    memo[key] = digest
    with contextlib.suppress(OSError):
        memo_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo_path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(memo))
        os.replace(tmp, memo_path)
    return digest
