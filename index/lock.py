"""A per-store write lock so two ingests never interleave their writes to one store."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from assistant.errors import StoreError, StoreLockedError
from assistant.settings import Settings

LOCK_NAME = ".byline-ingest.lock"


@contextmanager
def ingest_lock(settings: Settings) -> Iterator[None]:
    """Hold the store's ingest lock; refuse at once if another process holds it.

    In Chroma server mode the store is remote and no local file can guard it: the lock is then a
    no-op and concurrent ingests from several machines must be avoided by the operator.
    """
    if settings.server_mode:
        yield
        return
    store = Path(settings.store)
    try:
        store.mkdir(parents=True, exist_ok=True)
        fd = os.open(store / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError as exc:
        raise StoreError(f"store {store} is read-only: ingest needs write access to it") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StoreLockedError(f"another ingest is running on store {store}; try again when it ends") from exc
        yield
    finally:
        os.close(fd)
