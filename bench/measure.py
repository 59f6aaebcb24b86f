"""Timing helpers: percentiles, fresh `byline` processes with their peak memory, server readiness."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from assistant.settings import Settings
from byline.eval import metrics


def percentile(values: list[float], q: float) -> float:
    """The eval's percentile, to 0.01 ms; NaN for no values."""
    found = metrics.percentile(values, q)
    return float("nan") if found is None else round(found, 2)


def timed_ms(call: Callable[[], object], repeats: list) -> list[float]:
    """Run ``call`` once per item of ``repeats`` and return the milliseconds each took."""
    out = []
    for _ in repeats:
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def child_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a fresh `byline` process use the same store and model settings."""
    env = {**os.environ, "BYLINE_STORE": str(settings.store), "BYLINE_COLLECTION": settings.collection,
           "BYLINE_EMBED_BACKEND": settings.embed_backend, "BYLINE_EMBED_THREADS": str(settings.embed_threads),
           "BYLINE_CACHE_DIR": str(settings.cache_dir)}
    if settings.chroma_url:
        env["BYLINE_CHROMA_URL"] = settings.chroma_url
    return env


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    peak_rss_mb: float
    cpu_seconds: float  # user + system: what the run costs without the waiting on a shared CPU
    returncode: int
    stdout: str
    stderr: str


# Runs `python -m assistant ARGS` and reports its wall time and peak RSS. This small launcher exists
# because a child forked straight from the bench would report the bench's own memory as its peak:
# Linux keeps the pre-exec high-water mark in ru_maxrss, so the measured process must be forked from
# a process that is itself small.
_LAUNCHER = """
import json, os, subprocess, sys, threading, time
started = time.perf_counter()
child = subprocess.Popen([sys.executable, "-m", "assistant", *sys.argv[3:]])
timer = threading.Timer(float(sys.argv[2]), child.kill)
timer.start()
_, status, usage = os.wait4(child.pid, 0)
timer.cancel()
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": time.perf_counter() - started, "peak_rss_kb": usage.ru_maxrss,
               "cpu_seconds": usage.ru_utime + usage.ru_stime,
               "returncode": os.waitstatus_to_exitcode(status)}, out)
"""


def run_fresh(args: list[str], settings: Settings, timeout: float = 300) -> ProcessRun:
    """`python -m assistant ARGS` in a new process: wall time from spawn to exit, and its peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        done = subprocess.run([sys.executable, "-c", _LAUNCHER, str(result), str(timeout), *args],
                              env=child_env(settings), capture_output=True, text=True)
        if not result.is_file():
            return ProcessRun(float("nan"), float("nan"), float("nan"), done.returncode or 1, done.stdout, done.stderr)
        measured = json.loads(result.read_text())
    return ProcessRun(measured["seconds"], measured["peak_rss_kb"] / 1024, measured["cpu_seconds"],
                      measured["returncode"], done.stdout, done.stderr)


def wait_until_answering(url: str, question: str, process: subprocess.Popen, timeout: float = 180) -> float:
    """Seconds from now until ``POST url/v1/ask`` answers 200 (the server can answer a user)."""
    import httpx

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"byline serve exited with {process.returncode}")
        try:
            if httpx.post(f"{url}/v1/ask", json={"question": question}, timeout=30).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"byline serve did not answer within {timeout:.0f} s")
