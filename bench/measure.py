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


class CoreSampler:
    """How busy each core was over a ``with`` block (from ``/proc/stat``: every process on the machine,
    which on a shared machine includes others'), and how many cores this process used on average."""

    def __enter__(self) -> "CoreSampler":
        self._cores, self._times, self._wall = _core_ticks(), os.times(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        after, times, wall = _core_ticks(), os.times(), time.perf_counter() - self._wall
        self.per_core = [round((busy - busy0) / max(1, total - total0), 2)
                         for (busy, total), (busy0, total0) in zip(after, self._cores)]
        used = (times.user - self._times.user) + (times.system - self._times.system)
        self.process_cores = round(used / wall, 2) if wall > 0 else None


def _core_ticks() -> list[tuple[int, int]]:
    """(busy, total) clock ticks of each core since boot; empty where ``/proc/stat`` is missing."""
    ticks = []
    try:
        lines = Path("/proc/stat").read_text().splitlines()
    except OSError:
        return ticks
    for line in lines:
        name, *values = line.split()
        if name.startswith("cpu") and name[3:].isdigit():
            numbers = [int(v) for v in values]
            idle = numbers[3] + (numbers[4] if len(numbers) > 4 else 0)
            ticks.append((sum(numbers) - idle, sum(numbers)))
    return ticks


def child_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a fresh `byline` process use the same store and model settings."""
    env = {**os.environ, "BYLINE_STORE": str(settings.store), "BYLINE_COLLECTION": settings.collection,
           "BYLINE_EMBED_BACKEND": settings.embed_backend, "BYLINE_EMBED_THREADS": str(settings.embed_threads),
           "BYLINE_CACHE_DIR": str(settings.cache_dir), "BYLINE_EMBED_PRECISION": settings.embed_precision}
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


def stop(process: subprocess.Popen, grace_s: float) -> None:
    """Terminate ``process``, and kill it if it has not exited within ``grace_s``."""
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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
