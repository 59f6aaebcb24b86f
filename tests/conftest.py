"""Shared fixtures: a real store built once from the sample corpus, and helpers to run the CLI."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.offline import go_offline

go_offline()

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """A store ingested from the sample corpus. Read-only for tests: copy it before changing it."""
    from assistant.settings import Settings
    from byline.index.ingest import ingest

    store = tmp_path_factory.mktemp("sample") / "store"
    ingest(CORPUS, Settings.load(store=store))
    return store


@pytest.fixture(scope="session")
def sample_settings(sample_store):
    from assistant.settings import Settings

    return Settings.load(store=sample_store)


@pytest.fixture(scope="session")
def bot(sample_settings):
    """One Assistant over the sample store, shared by the tests that only read."""
    from assistant import Assistant

    return Assistant.from_settings(sample_settings)


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the sample corpus."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    for p in dest.iterdir():
        p.chmod(0o644)
    return dest


@pytest.fixture
def store_copy(sample_store, tmp_path) -> Path:
    """A writable copy of the sample store."""
    dest = tmp_path / "store"
    shutil.copytree(sample_store, dest)
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_byline(*args: str, env: dict | None = None, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    """Run the real CLI in a fresh process, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True, text=True, env=full_env, timeout=timeout, cwd=kw.pop("cwd", ROOT), **kw,
    )
