"""Nothing opens a network connection beyond loopback during ingest and query.

Each command runs in a fresh process with a ``sitecustomize`` on ``PYTHONPATH`` that patches the socket
layer: every non-loopback connect or name lookup is written to a log and refused. The offline
environment variables the test process itself set are removed first, so the commands have to switch
off the libraries' network habits on their own.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, run_byline

pytestmark = pytest.mark.process

GUARD = r'''
import ipaddress, os, socket

LOG = os.environ["NETWORK_GUARD_LOG"]
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _log(line):
    with open(LOG, "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()} {line}\n")


def _loopback(host):
    if host is None:
        return True
    host = host.decode() if isinstance(host, bytes) else str(host)
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guard(kind, host, detail):
    if not _loopback(host):
        _log(f"BLOCKED {kind} {detail!r}")
        raise OSError(101, f"network is off in this test: {kind} {detail!r}")


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex
_getaddrinfo, _gethostbyname = socket.getaddrinfo, socket.gethostbyname


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _guard("connect", address[0], address)
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _guard("connect", address[0], address)
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    if not _loopback(host):
        _log(f"BLOCKED lookup {host!r}")
        raise socket.gaierror(socket.EAI_NONAME, f"network is off in this test: lookup {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


def gethostbyname(host):
    if not _loopback(host):
        _log(f"BLOCKED lookup {host!r}")
        raise socket.gaierror(socket.EAI_NONAME, f"network is off in this test: lookup {host!r}")
    return _gethostbyname(host)


socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.getaddrinfo, socket.gethostbyname = getaddrinfo, gethostbyname
_log("guard loaded")
'''
SET_BY_GO_OFFLINE = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "GRADIO_ANALYTICS_ENABLED",
                     "ANONYMIZED_TELEMETRY", "TOKENIZERS_PARALLELISM", "TIKTOKEN_CACHE_DIR", "HF_DATASETS_OFFLINE",
                     "HF_HUB_DISABLE_PROGRESS_BARS")


@pytest.fixture
def guarded_env(tmp_path) -> tuple[dict, Path]:
    guard_dir = tmp_path / "guard"
    guard_dir.mkdir()
    (guard_dir / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "network.log"
    env = {k: v for k, v in os.environ.items() if k not in SET_BY_GO_OFFLINE}
    env["PYTHONPATH"] = os.pathsep.join([str(guard_dir), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["NETWORK_GUARD_LOG"] = str(log)
    return env, log


def blocked(log: Path) -> list[str]:
    return [line for line in log.read_text(encoding="utf-8").splitlines() if "BLOCKED" in line]


def loaded_in(log: Path) -> set[str]:
    return {line.split()[0] for line in log.read_text(encoding="utf-8").splitlines() if line.endswith("guard loaded")}


def test_the_guard_catches_outside_connections(guarded_env):
    """The guard itself works: a plain outside connect and a DNS lookup are both caught."""
    import subprocess

    env, log = guarded_env
    probe = ("import socket\n"
             "for attempt in (lambda: socket.create_connection(('203.0.113.7', 80), timeout=1),\n"
             "                lambda: socket.getaddrinfo('huggingface.co', 443)):\n"
             "    try:\n        attempt()\n    except OSError:\n        pass\n")
    subprocess.run([sys.executable, "-c", probe], env=env, check=True, timeout=60)
    assert len(blocked(log)) == 2
    assert "203.0.113.7" in blocked(log)[0] and "huggingface.co" in blocked(log)[1]


def test_ingest_status_and_ask_open_no_outside_connection(guarded_env, tmp_path):
    env, log = guarded_env
    store = str(tmp_path / "store")
    ingested = run_byline("ingest", "--corpus", str(CORPUS), "--store", store, "--json", env=env)
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(ingested.stdout)["documents"] == 5
    status = run_byline("status", "--store", store, "--json", env=env)
    assert status.returncode == 0, status.stderr
    asked = run_byline("ask", "How many requests were lodged countrywide?", "--store", store, "--json", env=env)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert "496" in answer["answer"] and not answer["declined"]

    assert blocked(log) == []
    assert len(loaded_in(log)) >= 3  # the guard really ran inside every command
