"""The fast embedding backend gives the vectors sentence-transformers gives, and keeps torch out of `ask`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from assistant.embedding import load_embedder
from assistant.errors import BylineError
from assistant.onnx_model import find_cached
from assistant.onnx_embedding import OnnxEmbedding
from assistant.settings import Settings
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.process


def _texts() -> list[str]:
    """Short questions, chunk-sized passages and whole articles (longer than the 256-piece window)."""
    articles = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    passages = [a[i:i + 900] for a in articles for i in range(0, 2700, 900)]
    return ["How many requests were lodged?", "Thailand", "¿Qué pasó en Camboya?", *passages, *articles[:2]]


@pytest.fixture(scope="module")
def torch_vectors():
    torch_embedder = load_embedder(Settings.load(embed_backend="torch"))
    return np.array(torch_embedder.get_text_embedding_batch(_texts()))


@pytest.mark.parametrize("micro_batch", [1, 8])
def test_onnx_vectors_match_sentence_transformers(torch_vectors, micro_batch):
    embedder = load_embedder(Settings.load(embed_backend="onnx", embed_onnx_batch=micro_batch))
    assert isinstance(embedder, OnnxEmbedding)
    got = np.array(embedder.get_text_embedding_batch(_texts()))
    cosines = (got * torch_vectors).sum(axis=1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(torch_vectors, axis=1))
    assert cosines.min() > 0.999, cosines
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)


def test_query_and_text_embeddings_agree_and_keep_input_order():
    embedder = load_embedder(Settings.load())
    texts = _texts()
    batch = embedder.get_text_embedding_batch(texts)
    assert np.allclose(batch[0], embedder.get_query_embedding(texts[0]), atol=1e-5)
    assert np.allclose(batch[-1], embedder.get_text_embedding(texts[-1]), atol=1e-5)


def test_plain_encoder_gives_the_same_vectors_without_importing_llama_index():
    probe = (
        "import sys, json\n"
        "from assistant.embedding import load_encoder\n"
        "from assistant.settings import Settings\n"
        "vector = load_encoder(Settings.load()).get_query_embedding('How many requests were lodged?')\n"
        "print(json.dumps({'vector': vector, 'llama_index': 'llama_index.core' in sys.modules}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["llama_index"] is False
    expected = load_embedder(Settings.load()).get_query_embedding("How many requests were lodged?")
    assert np.allclose(report["vector"], expected, atol=1e-5)


def test_auto_backend_uses_the_cached_onnx_export():
    settings = Settings.load()
    embedder = load_embedder(settings)
    assert isinstance(embedder, OnnxEmbedding)
    cached = find_cached(settings)
    assert cached is not None and cached.parent.parent == settings.cache_dir
    before = cached.stat().st_mtime_ns
    load_embedder(settings)
    assert cached.stat().st_mtime_ns == before, "a cached export must be reused, not redone"


def test_a_missing_export_is_made_from_the_bundled_weights_and_verified(tmp_path, torch_vectors):
    settings = Settings.load(cache_dir=tmp_path / "cache", embed_backend="onnx")
    assert find_cached(settings) is None
    embedder = load_embedder(settings)
    made = find_cached(settings)
    assert made is not None and made.parent == tmp_path / "cache" / "onnx"
    assert [p.name for p in made.parent.iterdir() if p.suffix == ".tmp"] == []
    got = np.array(embedder.get_text_embedding_batch(_texts()))
    assert (got * torch_vectors).sum(axis=1).min() > 0.999


def test_onnx_backend_without_a_writable_cache_fails_clearly(tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache directory should be")
    with pytest.raises(BylineError, match="cache"):
        load_embedder(Settings.load(embed_backend="onnx", cache_dir=blocked))


def test_unknown_backend_is_refused():
    with pytest.raises(BylineError, match="embed_backend"):
        load_embedder(Settings.load(embed_backend="gpu"))


def test_ask_never_imports_torch_transformers_gradio_or_llama_index(sample_store):
    """The cold start budget: `byline ask` without an LLM stays on the onnxruntime path and never
    loads llama-index (about a second of imports)."""
    probe = (
        "import sys, json\n"
        "from assistant.cli import main\n"
        f"code = main(['ask', 'How many requests were lodged?', '--store', {str(sample_store)!r}, '--json'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in\n"
        "                ('torch', 'sentence_transformers', 'transformers', 'gradio', 'llama_index')})\n"
        "print(json.dumps({'code': code, 'heavy': heavy}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BYLINE_LLM_")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"code": 0, "heavy": []}


def test_first_ingest_on_a_machine_without_the_export_makes_it_while_spacy_loads(tmp_path):
    """A fresh machine: ingest exports the ONNX model (importing torch) while its entity worker loads
    spaCy, which hides torch from thinc; the two once raced into "import of torch halted"."""
    env = {**os.environ, "BYLINE_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "assistant", "ingest", "--corpus", str(CORPUS),
                           "--store", str(tmp_path / "store"), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["documents"] == 5
    assert "torch embedding backend" not in done.stderr
    assert find_cached(Settings.load(cache_dir=tmp_path / "cache")) is not None
