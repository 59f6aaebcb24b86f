"""The keyword snapshot (chunks and BM25 index) kept on local disk between runs.

Building it reads every chunk back from Chroma and indexes it: seconds at 100k chunks on this machine,
most of it Chroma returning the documents. A process that starts against an unchanged store loads the
copy that the last process built (or brought up to date from a change) instead, in about half a second.

Where: ``settings.cache_dir / "keyword"``, never the store directory. A Chroma server's files are not
ours to write, several app servers share one store but not one disk, and ingest would otherwise have to
keep a second artefact in step with Chroma.

When a copy may be served: its entry name is a digest of everything the snapshot depends on: where the
store is (its path or server URL), the chunks collection's id (a deleted and recreated collection gets a
new one), the collection name, the store's ``generation`` (bumped at the start and the end of every
changing ingest), and the source of the code that builds it (a tokeniser change invalidates every
entry). The entry's chunk count must also match the collection's. The caller neither reads nor writes
while the store is marked ``dirty`` (an ingest running, or one that died: its writes do not each bump
the generation), and writes only when the generation did not move during the build. So a copy never
stands in for a store that changed after it was read.

Entries are written to a temporary directory and renamed into place, so another process sees a whole
entry or none. Writing one removes the older generations of the same store, then the least recently
used entries beyond ``keyword_cache_mb`` or ``MAX_ENTRIES``. Failing to read or write only costs the
rebuild (and a log line).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from pathlib import Path

import numpy as np

from assistant.retrieval.keyword import KeywordIndex
from assistant.store import Store

log = logging.getLogger(__name__)
MAX_ENTRIES = 32
STALE_TEMP_S = 3600.0
_CHUNKS = "chunks.npz"
_ENTRY = "entry.json"
_BUILDERS = ("keyword.py", "keyword_cache.py", "snapshot.py", "terms.py")


def _code_digest() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in [*(here / name for name in _BUILDERS), here.parent / "store_schema.py"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class KeywordCache:
    """The cache entry for one store at one generation."""

    def __init__(self, root: Path, store_key: str, name: str, budget_bytes: int) -> None:
        self.root = root
        self.store_key = store_key
        self.path = root / name
        self.budget_bytes = budget_bytes

    @classmethod
    def of(cls, store: Store, generation: int) -> "KeywordCache | None":
        """The entry for ``store`` at ``generation``, or None when the cache is switched off."""
        settings = store.settings
        if settings.keyword_cache_mb <= 0:
            return None
        where = settings.chroma_url.rstrip("/") if settings.chroma_url else str(Path(settings.store).resolve())
        identity = json.dumps([where, settings.collection, str(store.chunks().id)])
        store_key = hashlib.sha256(identity.encode()).hexdigest()[:16]
        return cls(Path(settings.cache_dir) / "keyword", store_key, f"{store_key}-{generation}-{_code_digest()}",
                   settings.keyword_cache_mb * 1024 * 1024)

    def load(self, count: int) -> tuple[dict[str, list], KeywordIndex] | None:
        """The chunk columns and index, if an entry for exactly ``count`` chunks is here."""
        if not self.path.is_dir():
            return None
        try:
            entry = json.loads((self.path / _ENTRY).read_text(encoding="utf-8"))
            if entry.get("chunks") != count:
                raise ValueError(f"it holds {entry.get('chunks')} chunks, the store {count}")
            columns = _read_columns(self.path, entry["columns"])
            if any(len(values) != count for values in columns.values()):
                raise ValueError("its columns differ in length")
            keyword = KeywordIndex.load(self.path, count)
            os.utime(self.path)  # recently used: evicted last
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("rebuilding the keyword index: dropped the cached copy %s: %s", self.path, exc)
            shutil.rmtree(self.path, ignore_errors=True)  # so that the rebuild can take its place
            return None
        return columns, keyword

    def save(self, columns: dict[str, list], keyword: KeywordIndex) -> None:
        """``columns``: the chunks' fields by name, each a list of str (or None) or of int."""
        temp = self.root / f".tmp-{self.path.name}-{uuid.uuid4().hex[:8]}"
        count = len(next(iter(columns.values()), []))
        try:
            temp.mkdir(parents=True)
            keyword.save(temp)
            _write_columns(temp, columns)
            (temp / _ENTRY).write_text(json.dumps({"chunks": count, "columns": list(columns)}), encoding="utf-8")
            os.rename(temp, self.path)
        except (OSError, ValueError, TypeError) as exc:
            shutil.rmtree(temp, ignore_errors=True)
            if not self.path.is_dir():  # not just another process that saved the same entry first
                log.warning("could not cache the keyword index in %s: %s", self.root, exc)
            return
        self._evict()

    def _evict(self) -> None:
        now = time.time()
        entries = []
        for path in self.root.iterdir():
            try:
                if path.name.startswith(".tmp-"):
                    if now - path.stat().st_mtime > STALE_TEMP_S:
                        shutil.rmtree(path, ignore_errors=True)  # left by a process that died mid-write
                elif path != self.path and path.name.startswith(f"{self.store_key}-"):
                    shutil.rmtree(path, ignore_errors=True)  # an older generation: never asked for again
                elif path.is_dir():
                    size = sum(f.stat().st_size for f in path.iterdir())
                    entries.append((path.stat().st_mtime, size, path))
            except OSError:
                continue  # removed by another process meanwhile
        entries.sort(reverse=True)
        total = 0
        for kept, (_, size, path) in enumerate(entries):
            total += size
            if path != self.path and (kept >= MAX_ENTRIES or total > self.budget_bytes):
                shutil.rmtree(path, ignore_errors=True)


def _write_columns(directory: Path, columns: dict[str, list]) -> None:
    """Columns as plain arrays and UTF-8 files, so that loading runs no pickle and is quick: a text column
    is stored as its distinct values, joined into one file, and each row's code into them (-1 for None).
    100k chunks load in a few tenths of a second; a JSON list of rows took over a second."""
    arrays = {}
    for name, values in columns.items():
        if all(isinstance(v, int) for v in values):
            arrays[name] = np.asarray(values, dtype=np.int64)
            continue
        distinct: dict[str, int] = {}
        arrays[f"{name}.codes"] = np.asarray(
            [-1 if v is None else distinct.setdefault(v, len(distinct)) for v in values], dtype=np.int64)
        arrays[f"{name}.ends"] = np.cumsum([len(v) for v in distinct], dtype=np.int64)
        (directory / f"{name}.txt").write_bytes("".join(distinct).encode("utf-8", "surrogatepass"))
    with open(directory / _CHUNKS, "wb") as fh:
        np.savez(fh, **arrays)


def _read_columns(directory: Path, names: list[str]) -> dict[str, list]:
    columns = {}
    with np.load(directory / _CHUNKS, allow_pickle=False) as arrays:
        for name in names:
            if name in arrays.files:
                columns[name] = arrays[name].tolist()
                continue
            joined = (directory / f"{name}.txt").read_bytes().decode("utf-8", "surrogatepass")
            ends = arrays[f"{name}.ends"].tolist()
            if len(joined) != (ends[-1] if ends else 0):
                raise ValueError(f"{name}.txt does not match its offsets")
            distinct = [joined[a:b] for a, b in zip([0, *ends[:-1]], ends)]
            distinct.append(None)  # code -1
            columns[name] = [distinct[code] for code in arrays[f"{name}.codes"].tolist()]
    return columns
