"""int8 embeddings: made once beside the fp32 export, checked against fp32 at every load, and refused
when they drift."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from assistant import onnx_model
from assistant.embedding import load_encoder
from assistant.errors import BylineError
from assistant.settings import Settings


@pytest.fixture(scope="module")
def int8_settings(tmp_path_factory):
    """A cache of its own holding a copy of the fp32 export, so quantising here touches no shared file."""
    exported = onnx_model.ensure_exported(Settings.load())
    cache = tmp_path_factory.mktemp("cache")
    (cache / "onnx").mkdir()
    shutil.copy2(exported, cache / "onnx" / exported.name)
    return Settings.load(cache_dir=cache, embed_precision="int8")


def test_the_int8_model_stays_close_to_fp32_and_is_made_once(int8_settings):
    encoder = load_encoder(int8_settings)
    path = encoder.path
    fp32_file = onnx_model.ensure_exported(int8_settings)
    assert path.name == f"{fp32_file.stem}-int8-q{onnx_model.QUANTIZE_RECIPE}.onnx"
    assert path.stat().st_size < 0.7 * fp32_file.stat().st_size  # the word embeddings stay fp32
    made = path.stat().st_mtime_ns
    fp32 = load_encoder(int8_settings.replace(embed_precision="fp32"))
    texts = list(onnx_model.INT8_CHECK_TEXTS)
    assert onnx_model.drift(encoder.encode(texts), fp32.encode(texts)) >= onnx_model.MIN_COSINE_INT8
    assert load_encoder(int8_settings).path.stat().st_mtime_ns == made


def test_an_int8_model_that_drifts_is_refused(int8_settings):
    import onnx
    from onnx import numpy_helper

    path = load_encoder(int8_settings).path
    good = path.read_bytes()
    model = onnx.load(str(path))
    rng = np.random.default_rng(0)
    for tensor in model.graph.initializer:
        weights = numpy_helper.to_array(tensor)
        if weights.dtype == np.int8 and weights.size > 10_000:  # the quantised MatMul weights
            tensor.CopyFrom(numpy_helper.from_array(rng.integers(-127, 127, weights.shape, dtype=np.int8), tensor.name))
    onnx.save(model, str(path))
    try:
        with pytest.raises(BylineError, match="drifts from fp32"):
            load_encoder(int8_settings)
    finally:
        path.write_bytes(good)


def test_the_drift_of_mismatched_vectors_is_zero():
    assert onnx_model.drift(np.ones((2, 3)), np.ones((3, 3))) == 0.0


def test_int8_needs_the_onnx_backend():
    with pytest.raises(BylineError, match="onnx"):
        load_encoder(Settings.load(embed_backend="torch", embed_precision="int8"))
