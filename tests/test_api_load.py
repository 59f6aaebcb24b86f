"""Bounded load: 200 chat completions from 16 concurrent clients on loopback all succeed.

Speed is reported, not asserted: throughput and p95 are printed and written to
``artifacts/api_load.json``.
"""

from __future__ import annotations

import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from openai import OpenAI

from tests.helpers.server import byline_server, check_completion
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.server

REQUESTS = 200
CLIENTS = 16
QUESTIONS = [
    ("How many requests were lodged between August and October 2022?", "496"),
    ("How many people were involved in the requests lodged countrywide?", None),
    ("What tier did Thailand get in 2022?", None),
    ("Which ministry is inspecting the accommodation of foreigners?", None),
]


@pytest.fixture(scope="module")
def server(sample_store, tmp_path_factory):
    with byline_server(sample_store, tmp_path_factory.mktemp("load") / "server.log") as srv:
        yield srv


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def test_200_requests_from_16_concurrent_clients_all_succeed(server):
    clients = [OpenAI(base_url=server.api, api_key="unused", max_retries=0, timeout=300) for _ in range(CLIENTS)]

    def one(i: int) -> float:
        question, expected = QUESTIONS[i % len(QUESTIONS)]
        started = time.perf_counter()
        completion = clients[i % CLIENTS].chat.completions.create(
            model="byline", messages=[{"role": "user", "content": question}])
        elapsed = time.perf_counter() - started
        check_completion(completion.model_dump())
        if expected:
            assert expected in completion.choices[0].message.content
        return elapsed

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        latencies = list(pool.map(one, range(REQUESTS)))
    wall = time.perf_counter() - started

    assert len(latencies) == REQUESTS
    report = {
        "requests": REQUESTS, "clients": CLIENTS, "seconds": round(wall, 2),
        "requests_per_s": round(REQUESTS / wall, 1),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "latency_p95_ms": round(p95(latencies) * 1000, 1),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "api_load.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nAPI load: {report}")
