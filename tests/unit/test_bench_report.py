"""The bench table shows the real-corpus and server-scale rows when the report has them."""

from __future__ import annotations

from byline.bench.report import format_table

BASE = {"plan": "full", "embed_backend": "OnnxEncoder", "questions": 97, "ingest_chunks_per_s": 50.0,
        "encoder_chunks_per_s": 55.0, "ingest_vs_encoder": 0.91, "ask_p50_ms": 20.0, "ask_p95_ms": 40.0,
        "hit_at_1": 0.94, "hit_at_5": 1.0, "cold_start_s": 1.2, "cold_start_cpu_s": 1.0, "peak_rss_mb": 350.0,
        "baseline": {"name": "baseline", "ask_p50_ms": 5.0, "hit_at_1": 0.8, "hit_at_5": 0.98},
        "scale": [{"chunks": 100_000, "query_p50_ms": 20.0, "query_p95_ms": 30.0, "ask_p50_ms": 50.0,
                   "ask_p95_ms": 70.0, "first_query_s": 4.0, "restart_first_query_s": 0.8,
                   "change_first_query_s": 0.9}]}


def test_the_table_carries_the_new_rows():
    report = {**BASE,
              "news_corpus": {"chunks": 11217, "embed_precision": "fp32", "ingest_chunks_per_s": 45.0,
                              "encoder_chunks_per_s": 40.0, "encoder_pool_chunks_per_s": 70.0,
                              "ingest_process_cores": 1.8, "ingest_core_busy": [0.95, 0.9],
                              "ask_p50_ms": 30.0, "ask_p95_ms": 60.0, "change_first_query_s": 0.3},
              "server_scale": {"chunks": 1_000_000, "query_p50_ms": 40.0, "query_p95_ms": 80.0, "ask_p50_ms": 90.0,
                               "ask_p95_ms": 150.0, "first_query_s": 300.0, "change_first_query_s": 2.0,
                               "byline_peak_rss_mb": 6000.0, "chroma_peak_rss_mb": 3000.0}}
    rows = {line.split("  ")[0]: line.split()[-3:] for line in format_table(report).splitlines()}
    assert rows["100,000 chunks: first question after a one-article change, s"][-1] == "0.90"
    assert rows["news corpus (11,217 chunks, fp32): raw encoder, one session / one per core, chunks/s"] == \
        ["40.0", "/", "70.0"]
    assert rows["news corpus (11,217 chunks, fp32): ingest cores used (process) / each core busy"] == \
        ["/", "0.95,", "0.90"]
    assert rows["1,000,000 chunks on a Chroma server: peak RSS of Byline / of Chroma, MB"] == ["6,000", "/", "3,000"]


def test_a_report_without_them_has_no_such_rows():
    table = format_table(BASE)
    assert "news corpus" not in table and "Chroma server" not in table
