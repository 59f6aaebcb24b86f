"""Soak: 16 concurrent clients on ``/v1/chat/completions`` while ``byline ingest`` keeps adding new
articles to the very store being served. Zero errors, every answer well-formed, server memory flat.

15 s here (CI); the full run from the reliability issue is 60 s, by hand:

    BYLINE_SOAK_SECONDS=60 .venv/bin/python -m pytest -s tests/test_soak.py

Requests/s, p95 and RSS are printed and written to ``artifacts/soak.json``; speed is not asserted.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time

import httpx
import openai
import pytest
from openai import OpenAI

from tests.helpers.server import byline_server, check_answer_fields, check_completion
from tests.conftest import ARTIFACTS, run_byline

pytestmark = [pytest.mark.process, pytest.mark.server]

CLIENTS = 16
SOAK_SECONDS = float(os.environ.get("BYLINE_SOAK_SECONDS", "15"))
WARM_UP_SHARE = 1 / 3
RSS_TOLERANCE = 0.10
ARTICLES_PER_INGEST = 3
QUESTIONS = [
    ("How many requests were lodged between August and October 2022?", "496"),
    ("What tier did Thailand get in 2022?", None),
    ("Which ministry is inspecting the accommodation of foreigners?", None),
    ("How many fishing boats did the Kep harbour office count?", None),
]


def new_article(i: int) -> str:
    """A plausible article no other test knows, so each ingest round really adds something."""
    return (
        f"Kep harbour office publishes boat census number {i}\n\n"
        f"The harbour office in Kep province counted {1000 + i} fishing boats in its census round {i}, "
        f"officials said on Monday. The count was {i % 7 + 2} percent higher than in the previous round.\n\n"
        f"Deputy director Chan Sophal said crews in round {i} reported calmer seas and better prices for "
        "blue swimming crab, which draws buyers from Phnom Penh and Kampot every weekend.\n\n"
        "The office plans to publish the next census after the rainy season, when most boats return "
        "to the main pier for repairs and registration checks.\n"
    )


def keep_ingesting(corpus, store, stop: threading.Event, runs: list) -> None:
    """Run ``byline ingest`` back to back, each time with new articles, until told to stop."""
    n = 0
    while not stop.is_set():
        for _ in range(ARTICLES_PER_INGEST):
            n += 1
            (corpus / f"soak_{n:04d}.txt").write_text(new_article(n), encoding="utf-8")
        done = run_byline("ingest", "--corpus", str(corpus), "--store", str(store), "--json")
        runs.append(done)


def soak_client(server, deadline: float, latencies: list, failures: list, seq: int) -> None:
    client = OpenAI(base_url=server.api, api_key="unused", max_retries=0, timeout=120)
    i = seq
    while time.monotonic() < deadline:
        question, expected = QUESTIONS[i % len(QUESTIONS)]
        streamed = i % 4 == 3
        i += 1
        started = time.perf_counter()
        try:
            if streamed:
                chunks = list(client.chat.completions.create(
                    model="byline", messages=[{"role": "user", "content": question}], stream=True))
                text = "".join(c.choices[0].delta.content or "" for c in chunks)
                last = chunks[-1].model_extra or {}
                check_answer_fields(text, last["declined"], last["citations"])
            else:
                completion = client.chat.completions.create(
                    model="byline", messages=[{"role": "user", "content": question}])
                check_completion(completion.model_dump())
                text = completion.choices[0].message.content
            if expected:
                assert expected in text, text
        except (openai.APIError, AssertionError, KeyError) as exc:
            failures.append(f"{question!r} (stream={streamed}): {type(exc).__name__}: {exc}")
            continue
        latencies.append(time.perf_counter() - started)


def cited_sources(server, question: str) -> set[str]:
    """Sources of the answer once the server has picked up the last ingest (it polls the store)."""
    for _ in range(20):
        answer = httpx.post(f"{server.api}/ask", json={"question": question}, timeout=60).json()
        sources = {c["source"] for c in answer["citations"]}
        if any(s.startswith("soak_") for s in sources):
            break
        time.sleep(0.5)
    return sources


def test_answers_stay_correct_and_memory_flat_while_ingest_writes_the_served_store(
        store_copy, corpus_copy, tmp_path):
    with byline_server(store_copy, tmp_path / "server.log") as server:
        latencies: list[float] = []
        failures: list[str] = []
        rss: list[tuple[float, int]] = []
        ingests: list = []
        stop = threading.Event()
        start = time.monotonic()
        deadline = start + SOAK_SECONDS
        ingester = threading.Thread(target=keep_ingesting, args=(corpus_copy, store_copy, stop, ingests))
        clients = [threading.Thread(target=soak_client, args=(server, deadline, latencies, failures, n))
                   for n in range(CLIENTS)]
        ingester.start()
        for t in clients:
            t.start()
        while any(t.is_alive() for t in clients):
            rss.append((time.monotonic() - start, server.rss_kb()))
            time.sleep(0.5)
        wall = time.monotonic() - start
        stop.set()
        ingester.join()
        assert server.alive()
        new_sources = cited_sources(server, "How many fishing boats did the Kep harbour office count?")

    assert not failures, f"{len(failures)} failed requests, first: {failures[:3]}"
    assert latencies
    assert ingests and all(run.returncode == 0 for run in ingests), [r.stderr for r in ingests]
    added = sum(json.loads(run.stdout)["added"] for run in ingests)
    assert added == ARTICLES_PER_INGEST * len(ingests)
    assert any(source.startswith("soak_") for source in new_sources), "the server never saw the new articles"

    warm_up_end = SOAK_SECONDS * WARM_UP_SHARE
    baseline = next(kb for t, kb in rss if t >= warm_up_end)
    after = [kb for t, kb in rss if t >= warm_up_end]
    report = {
        "seconds": round(wall, 1), "clients": CLIENTS, "requests": len(latencies),
        "requests_per_s": round(len(latencies) / wall, 1),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "latency_p95_ms": round(statistics.quantiles(latencies, n=20, method="inclusive")[-1] * 1000, 1),
        "ingest_runs": len(ingests), "articles_added": added,
        "rss_after_warm_up_mb": round(baseline / 1024, 1), "rss_max_after_warm_up_mb": round(max(after) / 1024, 1),
        "rss_end_mb": round(after[-1] / 1024, 1),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "soak.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nsoak: {report}")
    assert max(after) <= baseline * (1 + RSS_TOLERANCE), report
