"""`byline bench`: how fast Byline is on this machine, beside the raw encoder and a llama-index baseline.

Every phase runs on throw-away stores (a temporary directory, or bench-only collections on a Chroma
server in server mode), never on the user's store. The phases and what each figure means are in the
README's "Performance" section; ``PLANS`` sets their sizes.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from assistant.errors import InputError
from assistant.offline import go_offline
from assistant.settings import Settings
from byline.bench.measure import child_env, percentile, run_fresh, stop, timed_ms, wait_until_answering
from byline.bench.report import format_table
from byline.eval.metrics import first_gold_rank, retrieval_metrics

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "corpus"
CASES = ROOT / "eval" / "cases.jsonl"
NEWS = ROOT.parent / "shared" / "newsqa"  # the real news corpus and its quiz, when this machine has them
COLD_QUESTION = "How many requests were lodged countrywide?"
MILLION = 1_000_000


@dataclass(frozen=True)
class Plan:
    name: str
    ingest_articles: int  # synthetic articles (about 6 chunks each) for the ingest/encoder comparison
    ingest_rounds: int  # best of N, against noise from other processes on a shared machine
    ask_passes: int  # passes over the questions for warm ask latency
    cold_runs: int
    scale_sizes: tuple[int, ...]
    scale_queries: int
    serve: bool
    news_corpus: bool  # ingest the news corpus (about 3 minutes) for the real-corpus row, when it is here


PLANS = {
    "full": Plan("full", 150, 2, 3, 5, (1_000, 10_000, 100_000), 200, True, True),
    "quick": Plan("quick", 40, 2, 1, 3, (1_000, 10_000), 100, True, True),
    "tiny": Plan("tiny", 4, 1, 1, 1, (300,), 10, False, False),  # for the test suite: every field, in seconds
}


def run_cli(args, settings: Settings) -> int:
    started = time.monotonic()
    news = getattr(args, "news_store", None)
    report = run_bench(settings, PLANS["quick" if args.quick else "full"],
                       log=lambda message: _stderr(f"[{time.monotonic() - started:5.0f} s] {message}"),
                       news_store=news, news_cases=getattr(args, "news_cases", None),
                       million=getattr(args, "million", False))
    print(format_table(report))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


def run_bench(settings: Settings, plan: Plan, log: Callable[[str], None] = lambda _: None,
              news_store: Path | None = None, news_cases: Path | None = None, million: bool = False) -> dict:
    """The whole benchmark; with ``news_store`` (a store ingested from the news corpus) and its
    ``news_cases``, also warm ask latency there, where answers are typed and pooled over 11k chunks.
    The real-corpus row runs when the news corpus is on this machine; ``million`` adds the
    million-chunk row on a Chroma server (about half an hour)."""
    go_offline()
    if not SAMPLE_CORPUS.is_dir():
        raise InputError(f"the sample corpus is missing: {SAMPLE_CORPUS}")
    if news_store:
        news_cases = _news_cases(news_cases)
    from assistant.embedding import load_embedder

    work = Path(tempfile.mkdtemp(prefix="byline-bench-"))
    stores = _Stores(settings, work)
    try:
        log("loading the embedding model (exports it once if needed)")
        embedder = load_embedder(settings)
        encoder = getattr(embedder, "encoder", embedder)  # the onnx backend's llama-index-free core
        sample = stores.new("sample")
        _ingest(SAMPLE_CORPUS, sample, embedder)
        questions = _questions()
        report: dict = {"plan": plan.name, "embed_backend": type(encoder).__name__, "questions": len(questions)}

        log(f"ingest vs raw encoder ({plan.ingest_articles} synthetic articles, best of {plan.ingest_rounds})")
        from byline.bench.synthetic import SentencePool, fill_store

        pool = SentencePool([a.text for a in _store(sample).list_articles(with_text=True)])
        report.update(_ingest_vs_encoder(pool, plan, stores, work, embedder, encoder))

        log(f"warm ask over {len(questions)} questions x {plan.ask_passes}")
        report.update(_warm(sample, questions, plan))

        if news_store:
            log(f"warm ask on the news store {news_store}")
            report["news"] = _warm_dated(settings.replace(store=Path(news_store)), Path(news_cases), plan)

        log("llama-index baseline")
        report["baseline"] = _baseline(sample, questions)

        log(f"cold start x {plan.cold_runs}")
        report.update(_cold_start(sample, plan))

        if plan.serve:
            log("serve: time until the first answer")
            report["serve_ready_s"] = _serve_ready(sample)

        real_vectors = None
        if plan.news_corpus and (NEWS / "corpus").is_dir():
            log(f"real corpus: ingest of {NEWS / 'corpus'}, raw encoder, warm asks, a one-article change")
            news_settings = stores.new("news")
            report["news_corpus"] = _real_corpus(news_settings, plan, embedder, encoder, work, NEWS)
            real_vectors = _vectors(news_settings)

        report["scale"] = []
        for size in plan.scale_sizes:
            log(f"scale: {size} chunks")
            scaled = stores.new(f"scale{size}")
            write_s = fill_store(pool, scaled, size, _RawEncoder(encoder))
            row = _queries_at_scale(scaled, questions, plan, _changed_article(pool, work / f"change{size}"), embedder)
            report["scale"].append({**row, "write_s": round(write_s, 1)})
        if million:
            log(f"server scale: {MILLION:,} chunks on a Chroma server (vectors around real ones)")
            around = real_vectors if real_vectors is not None else _vectors(sample)
            report["server_scale"] = _million(settings, pool, around, questions, plan, work, encoder)
        log("done")
        return report
    finally:
        stores.drop()
        shutil.rmtree(work, ignore_errors=True)


class _Stores:
    """Fresh bench stores: directories under the work dir, or uniquely named collections on a server."""

    def __init__(self, settings: Settings, work: Path) -> None:
        self.settings = settings
        self.work = work
        self.tag = f"bench{int(time.time())}"
        self.made: list[Settings] = []

    def new(self, name: str) -> Settings:
        made = self.settings.replace(store=self.work / name, collection=f"{self.tag}_{name}")
        self.made.append(made)
        return made

    def drop(self) -> None:
        if not self.settings.chroma_url:
            return
        for made in self.made:
            try:
                client = _store(made).client
                for suffix in ("_chunks", "_articles"):
                    client.delete_collection(made.collection + suffix)
            except Exception:  # noqa: BLE001 - best effort: a collection that was never made is fine
                pass


class _RawEncoder:
    """``encode(texts) -> ndarray`` for either backend: the onnx encoder itself, or the torch backend
    through its public llama-index interface (whose batching costs nothing beside torch's forward pass)."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder

    def encode(self, texts: list[str]):
        import numpy as np

        if hasattr(self.encoder, "encode"):
            return self.encoder.encode(texts)
        return np.asarray(self.encoder.get_text_embedding_batch(texts), dtype=np.float32)


def _store(settings: Settings):
    from assistant.store import Store

    return Store.open(settings)


def _ingest(corpus: Path, settings: Settings, embedder, add_only: bool = False):
    from byline.index.ingest import ingest

    return ingest(corpus, settings, embedder=embedder, add_only=add_only)


def _questions() -> list[dict]:
    """Single-question eval cases (question, gold sources); the bench only reads the file."""
    from byline.eval.cases import load_cases

    if not CASES.is_file():
        raise InputError(f"the eval cases are missing: {CASES}")
    return [{"question": c.question, "sources": list(c.sources), "answerable": c.answerable}
            for c in load_cases(CASES) if len(c.turns) == 1]


def _ingest_vs_encoder(pool, plan: Plan, stores: _Stores, work: Path, embedder, encoder) -> dict:
    from byline.bench.synthetic import write_corpus

    corpus = write_corpus(pool, work / "synthetic_corpus", plan.ingest_articles)
    raw = _RawEncoder(encoder)
    best_ingest, best_bare, best_encoder, chunks = 0.0, 0.0, 0.0, 0
    for round_ in range(plan.ingest_rounds):
        target = stores.new(f"ingest{round_}")
        report = _ingest(corpus, target, embedder)
        chunks = report.chunks
        best_ingest = max(best_ingest, chunks / report.seconds)
        bare = _ingest_without_entities(corpus, stores.new(f"bare{round_}"), embedder)
        best_bare = max(best_bare, bare.chunks / bare.seconds)
        texts = _store(target).chunks().get(include=["documents"])["documents"]
        started = time.perf_counter()
        raw.encode(texts)
        best_encoder = max(best_encoder, len(texts) / (time.perf_counter() - started))
    return {
        "ingest_chunks": chunks,
        "ingest_chunks_per_s": round(best_ingest, 2),
        "ingest_chunks_per_s_without_entities": round(best_bare, 2),
        "encoder_chunks_per_s": round(best_encoder, 2),
        "ingest_vs_encoder": round(best_ingest / best_encoder, 3),
    }


def _ingest_without_entities(corpus: Path, settings: Settings, embedder):
    """The same ingest with spaCy's entity step skipped: what the entities cost, in the same run."""
    import byline.index.ingest as ingest_module

    find = ingest_module.find_entities
    ingest_module.find_entities = lambda texts: [[] for _ in texts]
    try:
        return _ingest(corpus, settings, embedder)
    finally:
        ingest_module.find_entities = find


def _warm_dated(settings: Settings, cases: Path, plan: Plan) -> dict:
    """Ask p50/p95 over dated cases (each asked as of its date), on an existing store: the first pass,
    which reads each article for the first time, on its own (``first_pass_*``), then ``plan.ask_passes``
    warm passes (``ask_*``), when every article a question needs is in hand."""
    from assistant import Assistant

    bot = Assistant.from_settings(settings)
    questions = _dated_questions(cases)
    bot.ask(questions[0][0], as_of=questions[0][1])  # loads the keyword snapshot and the models: a start
    first = [t for question, as_of in questions for t in timed_ms(lambda: bot.ask(question, as_of=as_of), [None])]
    times = []
    for _ in range(plan.ask_passes):
        for question, as_of in questions:
            times += timed_ms(lambda: bot.ask(question, as_of=as_of), [None])
    return {"store": settings.store_label, "chunks": _store(settings).chunk_count(), "questions": len(questions),
            "ask_p50_ms": percentile(times, 50), "ask_p95_ms": percentile(times, 95),
            "first_pass_p50_ms": percentile(first, 50), "first_pass_p95_ms": percentile(first, 95),
            "ask_passes": plan.ask_passes}


def _news_cases(cases: Path | None) -> Path:
    """The dated cases for ``--news-store``: the given file, else (or when a relative default such as
    ``../shared/newsqa/dev.jsonl`` does not resolve from here) the news corpus's own quiz. Checked before
    the bench starts, not after its first minutes."""
    for candidate in ([Path(cases)] if cases else []) + [NEWS / "dev.jsonl"]:
        if candidate.is_file():
            return candidate
    raise InputError(f"no dated cases for --news-store: {cases or NEWS / 'dev.jsonl'} is not a file")


def _dated_questions(cases: Path) -> list[tuple[str, str | None]]:
    from byline.eval.cases import load_cases

    return [(c.question, c.as_of) for c in load_cases(cases) if len(c.turns) == 1]


def _warm(settings: Settings, questions: list[dict], plan: Plan) -> dict:
    from assistant import Assistant

    bot = Assistant.from_settings(settings)
    for q in questions[:3]:
        bot.ask(q["question"])
    times = []
    for _ in range(plan.ask_passes):
        for q in questions:
            times += timed_ms(lambda: bot.ask(q["question"]), [None])
    hits = _hits([([p.source for p in bot.retrieve(q["question"], k=5)], q) for q in questions])
    return {"ask_p50_ms": percentile(times, 50), "ask_p95_ms": percentile(times, 95), **hits}


def _baseline(settings: Settings, questions: list[dict]) -> dict:
    from byline.eval.baseline import VectorBaseline

    baseline = VectorBaseline(settings)
    baseline.sources(questions[0]["question"])
    results, times = [], []
    for q in questions:
        sources, ms = baseline.sources(q["question"])
        results.append((sources, q))
        times.append(ms)
    return {"name": baseline.name, "ask_p50_ms": percentile(times, 50), **_hits(results)}


def _hits(results: list[tuple[list[str], dict]]) -> dict:
    """hit@1 and hit@5 over answerable questions with gold sources: a gold article among the first k."""
    found = retrieval_metrics([first_gold_rank(sources, q["sources"]) for sources, q in results
                               if q["answerable"] and q["sources"]])
    return {k: None if found[k] is None else round(found[k], 3) for k in ("hit_at_1", "hit_at_5")}


def _cold_start(settings: Settings, plan: Plan) -> dict:
    runs = [run_fresh(["ask", COLD_QUESTION, "--json"], settings) for _ in range(plan.cold_runs)]
    failed = [r for r in runs if r.returncode != 0]
    if failed:
        raise RuntimeError(f"byline ask failed in a fresh process: {failed[0].stderr.strip()}")
    seconds = sorted(r.seconds for r in runs)
    cpu = sorted(r.cpu_seconds for r in runs)
    return {
        "cold_start_s": round(seconds[len(seconds) // 2], 2),
        "cold_start_runs_s": [round(s, 2) for s in seconds],
        "cold_start_cpu_s": round(cpu[len(cpu) // 2], 2),
        "peak_rss_mb": round(max(r.peak_rss_mb for r in runs), 1),
    }


def _serve_ready(settings: Settings) -> float:
    """Seconds from spawning `byline serve` until its API returns the first answer."""
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--host", "127.0.0.1", "--port", str(port)],
                               env=child_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_answering(f"http://127.0.0.1:{port}", COLD_QUESTION, process)
        return round(time.perf_counter() - started, 2)
    finally:
        stop(process, 20)


def _queries_at_scale(settings: Settings, questions: list[dict], plan: Plan, change: Path, embedder) -> dict:
    from assistant import Assistant

    bot = Assistant.from_settings(settings.replace(generation_check_s=0.0))
    started = time.perf_counter()
    bot.ask(questions[0]["question"])  # builds the keyword snapshot: the first question after a start
    first = time.perf_counter() - started
    restarted = Assistant.from_settings(settings)
    started = time.perf_counter()
    restarted.ask(questions[0]["question"])  # as after a restart: the snapshot comes from the disk cache
    restart = time.perf_counter() - started
    sample = [questions[i % len(questions)]["question"] for i in range(plan.scale_queries)]
    k = settings.retrieve_k
    query = [t for q in sample for t in timed_ms(lambda: bot.retrieve(q, k=k), [None])]
    ask = [t for q in sample for t in timed_ms(lambda: bot.ask(q), [None])]
    return {
        "chunks": _store(settings).chunk_count(),
        "query_p50_ms": percentile(query, 50), "query_p95_ms": percentile(query, 95),
        "ask_p50_ms": percentile(ask, 50), "ask_p95_ms": percentile(ask, 95),
        "first_query_s": round(first, 2),
        "restart_first_query_s": round(restart, 2),
        "change_first_query_s": _first_after_change(bot, settings, change, embedder, questions[1]["question"]),
    }


def _first_after_change(bot, settings: Settings, change: Path, embedder, question: str) -> float:
    """Seconds for ``bot``'s first question after ``change`` (one article) is ingested into its store."""
    _ingest(change, settings, embedder, add_only=True)
    started = time.perf_counter()
    bot.ask(question)
    return round(time.perf_counter() - started, 2)


def _changed_article(pool, directory: Path) -> Path:
    """A corpus of one article that replaces the first one ``fill_store`` wrote (same name, new text)."""
    from byline.bench.synthetic import write_corpus

    return write_corpus(pool, directory, 1)


def _real_corpus(settings: Settings, plan: Plan, embedder, encoder, work: Path, news: Path = NEWS) -> dict:
    """Ingest of the news corpus with the cores it kept busy, the raw encoder on its chunks (one session,
    and one per core as ingest runs it), warm asks over its quiz, and the first question after one of
    its articles changes."""
    from assistant.embedding import ingest_encoder
    from byline.bench.measure import CoreSampler

    with CoreSampler() as cores:
        report = _ingest(news / "corpus", settings, embedder)
    texts = _store(settings).chunks().get(include=["documents"])["documents"][:ENCODER_SAMPLE]
    one = _encoder_speed(_RawEncoder(encoder), texts)
    pool = ingest_encoder(settings, encoder)
    row = {
        "chunks": report.chunks, "articles": report.documents,
        "ingest_s": report.seconds, "ingest_chunks_per_s": round(report.chunks / report.seconds, 2),
        "ingest_process_cores": cores.process_cores, "ingest_core_busy": cores.per_core,
        "encoder_chunks_per_s": one,
        "encoder_pool_chunks_per_s": _encoder_speed(pool, texts) if hasattr(pool, "submit") else one,
        "embed_precision": settings.embed_precision,
    }
    row.update({k: v for k, v in _warm_dated(settings, news / "dev.jsonl", plan).items()
                if k.startswith(("ask_", "first_pass_"))})
    first = min(p for p in (news / "corpus").iterdir() if p.is_file() and p.name != "articles.json")
    changed = work / "news_change"
    changed.mkdir()
    (changed / first.name).write_text(first.read_text(encoding="utf-8") + "\n\nA line the benchmark added.\n",
                                      encoding="utf-8")
    from assistant import Assistant

    bot = Assistant.from_settings(settings.replace(generation_check_s=0.0))
    cases = _dated_questions(news / "dev.jsonl")
    bot.ask(cases[0][0], as_of=cases[0][1])
    _ingest(changed, settings, embedder, add_only=True)
    started = time.perf_counter()
    bot.ask(cases[1][0], as_of=cases[1][1])
    row["change_first_query_s"] = round(time.perf_counter() - started, 2)
    return row


ENCODER_SAMPLE = 2000  # chunks the raw encoder embeds for its figure: enough for a steady rate


def _encoder_speed(encoder, texts: list[str]) -> float:
    started = time.perf_counter()
    encoder.encode(texts)
    return round(len(texts) / (time.perf_counter() - started), 2)


def _vectors(settings: Settings):
    import numpy as np

    return np.asarray(_store(settings).chunks().get(include=["embeddings"])["embeddings"], dtype=np.float32)


def _million(settings: Settings, pool, around, questions: list[dict], plan: Plan, work: Path, encoder) -> dict:
    from byline.bench.server_scale import chroma_server, measure_reader, peak_rss_mb
    from byline.bench.synthetic import fill_store

    with chroma_server(work / "million", _free_port()) as (url, process):
        target = settings.replace(chroma_url=url, collection="bench_million")
        write_s = fill_store(pool, target, MILLION, _RawEncoder(encoder), around=around)
        row = measure_reader(target, [q["question"] for q in questions], _changed_article(pool, work / "change_m"),
                             plan.scale_queries)
        row.update(write_s=round(write_s, 1), chroma_peak_rss_mb=peak_rss_mb(process.pid))
    return row


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stderr(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)
