"""The bench report as a plain-text table, Byline beside the llama-index baseline."""

from __future__ import annotations


def format_table(report: dict) -> str:
    base = report["baseline"]
    rows = [
        ("ingest, chunks/s", _num(report["ingest_chunks_per_s"]), ""),
        ("raw encoder on the same chunks, chunks/s", _num(report["encoder_chunks_per_s"]), ""),
        ("ingest / raw encoder", _num(report["ingest_vs_encoder"], 3), ""),
        ("ingest without spaCy entities, chunks/s", _num(report.get("ingest_chunks_per_s_without_entities")), ""),
        ("warm ask p50 / p95, ms", _pair(report["ask_p50_ms"], report["ask_p95_ms"]),
         f"{_num(base['ask_p50_ms'])} (retrieve p50)"),
        ("hit@1 / hit@5", _pair(report["hit_at_1"], report["hit_at_5"], 3),
         _pair(base["hit_at_1"], base["hit_at_5"], 3)),
        ("cold start, fresh `byline ask` to answer, s", _num(report["cold_start_s"], 2), ""),
        ("  its CPU time (user + system), s", _num(report["cold_start_cpu_s"], 2), ""),
        ("peak RSS of `byline ask`, MB", _num(report["peak_rss_mb"], 0), ""),
    ]
    news = report.get("news")
    if news:
        rows.append((f"news store ({news['chunks']:,} chunks): warm ask p50 / p95, ms",
                     _pair(news["ask_p50_ms"], news["ask_p95_ms"]), ""))
        if "first_pass_p50_ms" in news:
            rows.append((f"news store ({news['chunks']:,} chunks): first pass (articles read) p50 / p95, ms",
                         _pair(news["first_pass_p50_ms"], news["first_pass_p95_ms"]), ""))
    real = report.get("news_corpus")
    if real:
        where = f"news corpus ({real['chunks']:,} chunks, {real['embed_precision']})"
        rows += [
            (f"{where}: ingest, chunks/s", _num(real["ingest_chunks_per_s"]), ""),
            (f"{where}: raw encoder, one session / one per core, chunks/s",
             _pair(real["encoder_chunks_per_s"], real["encoder_pool_chunks_per_s"]), ""),
            (f"{where}: ingest cores used (process) / each core busy",
             f"{_num(real['ingest_process_cores'], 2)} / {', '.join(_num(c, 2) for c in real['ingest_core_busy'])}", ""),
            (f"{where}: warm ask p50 / p95, ms", _pair(real["ask_p50_ms"], real["ask_p95_ms"]), ""),
            *([(f"{where}: first pass (articles read) p50 / p95, ms",
                _pair(real["first_pass_p50_ms"], real["first_pass_p95_ms"]), "")] if "first_pass_p50_ms" in real else []),
            (f"{where}: first question after a one-article change, s", _num(real["change_first_query_s"], 2), ""),
        ]
    if "serve_ready_s" in report:
        rows.append(("`byline serve` spawn to first answer, s", _num(report["serve_ready_s"], 2), ""))
    for scale in report["scale"]:
        rows.append((f"{scale['chunks']:,} chunks: query p50 / p95, ms",
                     _pair(scale["query_p50_ms"], scale["query_p95_ms"]), ""))
        rows.append((f"{scale['chunks']:,} chunks: ask p50 / p95, ms", _pair(scale["ask_p50_ms"], scale["ask_p95_ms"]), ""))
        rows.append((f"{scale['chunks']:,} chunks: first question after start, s", _num(scale["first_query_s"], 2), ""))
        rows.append((f"{scale['chunks']:,} chunks: the same after a restart (cached index), s",
                     _num(scale.get("restart_first_query_s"), 2), ""))
        rows.append((f"{scale['chunks']:,} chunks: first question after a one-article change, s",
                     _num(scale.get("change_first_query_s"), 2), ""))
    server = report.get("server_scale")
    if server:
        where = f"{server['chunks']:,} chunks on a Chroma server"
        rows += [
            (f"{where}: query p50 / p95, ms", _pair(server["query_p50_ms"], server["query_p95_ms"]), ""),
            (f"{where}: ask p50 / p95, ms", _pair(server["ask_p50_ms"], server["ask_p95_ms"]), ""),
            (f"{where}: first question after start / a one-article change, s",
             _pair(server["first_query_s"], server["change_first_query_s"], 2), ""),
            (f"{where}: peak RSS of Byline / of Chroma, MB",
             _pair(server["byline_peak_rss_mb"], server["chroma_peak_rss_mb"], 0), ""),
        ]
    header = ("", "Byline", base["name"])
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(3)]
    lines = [f"bench ({report['plan']}, {report['embed_backend']}, {report['questions']} questions)"]
    lines += [f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c}".rstrip() for a, b, c in [header, *rows]]
    return "\n".join(lines)


def _num(value, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def _pair(a, b, digits: int = 1) -> str:
    return f"{_num(a, digits)} / {_num(b, digits)}"
