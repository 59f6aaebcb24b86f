"""The bench's largest row: a million chunks on a Chroma server that the bench starts (`chroma run`).

Embedding a million chunks would take most of a day here, so the store is filled with synthetic chunks
(``fill_store``) whose vectors are drawn around real chunk vectors: each is a real vector plus a little
noise (cosine about 0.9 to it), so the HNSW graph holds the clusters real text makes. Byline is measured
in a child process of its own, so that its peak RSS is Byline's and not the bench's; the Chroma
server's peak RSS is read from its ``/proc`` status.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from assistant.settings import Settings
from byline.bench.measure import stop

CHROMA = Path(sys.executable).with_name("chroma")


@contextmanager
def chroma_server(path: Path, port: int):
    """A `chroma run` on loopback, stopped afterwards; yields (url, process)."""
    import httpx

    process = subprocess.Popen([str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {process.returncode}")
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("chroma run did not become ready in 60 s")
            time.sleep(0.2)
        yield url, process
    finally:
        stop(process, 30)


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM), while it runs."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def measure_reader(settings: Settings, questions: list[str], change_corpus: Path, queries: int) -> dict:
    """Run ``reader_main`` in a child process and return its figures (and its peak RSS)."""
    from byline.bench.measure import child_env

    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "spec.json"
        spec.write_text(json.dumps({"questions": questions, "change_corpus": str(change_corpus), "queries": queries}))
        done = subprocess.run([sys.executable, "-c", "from byline.bench.server_scale import reader_main; reader_main()",
                               str(spec)], env=child_env(settings), capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"the million-chunk reader failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def reader_main() -> None:
    """In the child: the first question (keyword index built from the server), warm query latency, and the
    first question after a one-article change; prints one JSON line."""
    import resource

    from assistant import Assistant
    from byline.bench.measure import percentile, timed_ms
    from byline.index.ingest import ingest

    spec = json.loads(Path(sys.argv[1]).read_text())
    settings = Settings.load(generation_check_s=0.0)
    questions = spec["questions"]
    row: dict = {}

    def done(**figures) -> None:  # each figure on stderr as it is measured, so a later failure keeps it
        row.update(figures)
        print(json.dumps(figures), file=sys.stderr, flush=True)

    started = time.perf_counter()
    bot = Assistant.from_settings(settings)
    bot.ask(questions[0])
    done(chunks=bot.store.chunk_count(), first_query_s=round(time.perf_counter() - started, 2))
    sample = [questions[i % len(questions)] for i in range(spec["queries"])]
    query = [t for q in sample for t in timed_ms(lambda: bot.retrieve(q, k=settings.retrieve_k), [None])]
    ask = [t for q in sample[: max(1, len(sample) // 4)] for t in timed_ms(lambda: bot.ask(q), [None])]
    done(query_p50_ms=percentile(query, 50), query_p95_ms=percentile(query, 95),
         ask_p50_ms=percentile(ask, 50), ask_p95_ms=percentile(ask, 95))
    ingest(Path(spec["change_corpus"]), settings, add_only=True)
    started = time.perf_counter()
    bot.ask(questions[1 % len(questions)])
    done(change_first_query_s=round(time.perf_counter() - started, 2),
         byline_peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
    print(json.dumps(row))
