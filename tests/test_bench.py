"""`byline bench` writes every field of the contract's Bench report (run here at a tiny size)."""

from __future__ import annotations

import argparse
import contextlib
import io
import json

import pytest

from assistant.settings import Settings
from byline.bench import run as bench_run
from byline.bench.synthetic import SentencePool, write_corpus
from tests.conftest import CORPUS

pytestmark = [pytest.mark.process, pytest.mark.server]


@pytest.fixture(scope="module")
def bench_output(tmp_path_factory):
    """One tiny bench through the CLI entry point: (printed table, JSON written to --json)."""
    out = tmp_path_factory.mktemp("bench") / "out.json"
    patch = pytest.MonkeyPatch()
    patch.setitem(bench_run.PLANS, "quick", bench_run.PLANS["tiny"])
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            code = bench_run.run_cli(argparse.Namespace(quick=True, json_out=out), Settings.load())
    finally:
        patch.undo()
    assert code == 0
    return printed.getvalue(), json.loads(out.read_text())


def test_report_has_every_contract_field(bench_output):
    _, report = bench_output
    for name in ("ingest_chunks_per_s", "encoder_chunks_per_s", "ingest_vs_encoder", "ask_p50_ms", "ask_p95_ms",
                 "cold_start_s", "peak_rss_mb"):
        assert isinstance(report[name], (int, float)) and report[name] > 0, name
    assert report["ingest_vs_encoder"] == pytest.approx(
        report["ingest_chunks_per_s"] / report["encoder_chunks_per_s"], abs=0.002)
    assert report["ask_p50_ms"] <= report["ask_p95_ms"]
    assert report["peak_rss_mb"] > 50, "a Python process with the model loaded cannot be smaller"
    [scale] = report["scale"]
    assert scale["chunks"] == 300
    assert 0 < scale["query_p50_ms"] <= scale["query_p95_ms"]
    baseline = report["baseline"]
    assert "VectorStoreIndex" in baseline["name"] and baseline["ask_p50_ms"] > 0
    for hit in ("hit_at_1", "hit_at_5"):
        assert 0 <= baseline[hit] <= 1 and 0 <= report[hit] <= 1
    assert baseline["hit_at_1"] <= baseline["hit_at_5"]


def test_table_shows_byline_beside_the_baseline(bench_output):
    table, report = bench_output
    header = table.splitlines()[1]
    assert "Byline" in header and report["baseline"]["name"] in header
    assert "300 chunks: query p50 / p95, ms" in table
    assert f"{report['cold_start_s']:.2f}" in table


def test_synthetic_articles_recombine_real_sentences(tmp_path):
    sample = " ".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt"))
    pool = SentencePool([p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")], seed=3)
    corpus = write_corpus(pool, tmp_path / "synthetic", 5)
    files = sorted(corpus.glob("*.txt"))
    assert len(files) == 5
    paragraphs = [p for f in files for p in f.read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]
    assert paragraphs and all(p.strip() not in sample for p in paragraphs[:3]), "recombined, not copied"
    first_sentence = paragraphs[0].split(". ")[0]
    assert " ".join(first_sentence.split()) in " ".join(sample.split())


def test_the_real_corpus_row_runs_end_to_end(tmp_path):
    """The news-corpus row on a small stand-in for ../shared/newsqa (Markdown articles, as the news corpus
    has, and a dated quiz): every figure is there, and the one-article change is really ingested."""
    from assistant.embedding import load_embedder

    news = tmp_path / "newsqa"
    (news / "corpus").mkdir(parents=True)
    for path in sorted(CORPUS.glob("*.txt"))[:3]:
        (news / "corpus" / f"{path.stem}.md").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    cases = [{"id": f"q{i}", "question": q, "facts": [], "sources": [], "answerable": False, "kind": "single-fact-entity",
              "as_of": "2023-01-05"} for i, q in enumerate(["Who chairs the committee?", "How many requests were lodged?"])]
    (news / "dev.jsonl").write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    settings = Settings.load(store=tmp_path / "store")
    embedder = load_embedder(settings)
    work = tmp_path / "work"
    work.mkdir()
    row = bench_run._real_corpus(settings, bench_run.PLANS["tiny"], embedder, getattr(embedder, "encoder", embedder),
                                 work, news)
    assert row["articles"] == 3 and row["chunks"] > 3
    for name in ("ingest_chunks_per_s", "encoder_chunks_per_s", "encoder_pool_chunks_per_s", "ask_p50_ms",
                 "ask_p95_ms", "first_pass_p50_ms", "first_pass_p95_ms"):
        assert isinstance(row[name], (int, float)) and row[name] > 0, name
    assert row["ask_p50_ms"] <= row["ask_p95_ms"] and row["change_first_query_s"] >= 0
    from assistant.store import Store

    changed = min((news / "corpus").iterdir()).name
    assert Store.open(settings).article(changed).text.endswith("A line the benchmark added.")
