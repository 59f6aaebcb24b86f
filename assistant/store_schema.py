"""The store's record layout: the one place that knows how Byline's records look in Chroma.

Two collections per store:
- ``<name>_chunks``: one record per chunk, id ``source#index:digest``, its embedding, its text as
  ``document`` and metadata (``source``, ``start``, ``end``, ``chunk_index``, ``title``, ``publication``,
  ``published``, ``doc_hash``); llama-index's ``ChromaVectorStore`` reads the same layout, so a plain
  ``VectorStoreIndex`` can read it too.
- ``<name>_articles``: one record per article, id = its source, ``document`` = the cleaned text that
  citation offsets refer to; its metadata carries ``doc_hash`` (the marker that the article's chunks
  are complete), the chunk count, the entity spans and the display fields.

The articles collection's own metadata is the store's state: the embedding model, dimension and
precision the vectors came from, ``dirty`` (an ingest is under way, or died), ``generation`` (bumped at
the start and the end of every changing ingest) and ``changes``, a short log of the sources each
finished ingest changed, so readers can bring their keyword index up to date from those articles alone.
Writers (``index/``, ``bench/``) build records here and readers (``assistant/``) parse them here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable

from assistant.types import Article

SCHEMA_VERSION = 1
STORE_DB = "chroma.sqlite3"  # the embedded store's database file, in the store directory
ARTICLE_PLACEHOLDER_VECTOR = [1.0]  # article records are looked up by id, never searched
CHUNKS_METADATA = {"hnsw:space": "cosine"}
# Flags kept with an article when its metadata is a guess: shown as such wherever it is cited.
PROVENANCE_FLAGS = ("title_derived", "published_estimated", "publication_inferred")
DEFAULT_PRECISION = "fp32"  # stores written before precisions existed hold fp32 vectors
# The change log keeps the latest finished runs while they name at most this many sources in all:
# it travels with every generation check (a round trip on a Chroma server), so it stays small.
MAX_LOGGED_SOURCES = 500
MAX_LOGGED_RUNS = 16


def chunks_name(collection: str) -> str:
    return f"{collection}_chunks"


def articles_name(collection: str) -> str:
    return f"{collection}_articles"


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as the store holds it: ``text == article_text[start:end]`` of its article's version."""

    id: str
    source: str
    text: str
    start: int
    end: int
    title: str | None
    publication: str | None
    published: str | None

    @property
    def meta(self) -> dict:
        return {"source": self.source, "title": self.title, "publication": self.publication,
                "published": self.published}


def chunk_id(source: str, index: int, start: int, text: str) -> str:
    """Derived from source and content, so that a completed store equals a clean ingest."""
    digest = hashlib.sha256(f"{start}:{text}".encode()).hexdigest()[:16]
    return f"{source}#{index}:{digest}"


def chunk_metadata(source: str, digest: str, meta: dict, start: int, end: int, index: int) -> dict:
    """A derived title is left out: it repeats the first sentence, which would then count twice in
    keyword search."""
    return {
        "source": source,
        "title": "" if meta.get("title_derived") else meta.get("title") or "",
        "publication": meta.get("publication") or "",
        "published": meta.get("published") or "",
        "start": start,
        "end": end,
        "chunk_index": index,
        "doc_hash": digest,
    }


def parse_chunk(cid: str, text: str | None, meta: dict | None) -> StoredChunk:
    meta = meta or {}
    return StoredChunk(id=cid, source=str(meta.get("source", "")), text=text or "", start=int(meta.get("start", 0)),
                       end=int(meta.get("end", 0)), title=meta.get("title") or None,
                       publication=meta.get("publication") or None, published=meta.get("published") or None)


def article_record(digest: str, meta: dict, chunks: int, notice: str, entities: list,
                   sentences: list[tuple[int, int]] = ()) -> dict:
    """``sentences``: the article's sentence spans, kept so that answering never splits article text."""
    return {
        "entities": encode_entities(entities),
        "sentences": json.dumps([offset for span in sentences for offset in span], separators=(",", ":")),
        "doc_hash": digest,
        "chunks": chunks,
        "title": meta.get("title") or "",
        "publication": meta.get("publication") or "",
        "published": meta.get("published") or "",
        "notice": notice,
        **{flag: True for flag in PROVENANCE_FLAGS if meta.get(flag)},
    }


INVALIDATED_RECORD = {"doc_hash": ""}  # an article being replaced: redone by the next run if this one dies


def record_hash(meta: dict | None) -> str:
    return (meta or {}).get("doc_hash", "")


def parse_article(source: str, meta: dict | None, text: str | None, full: bool = False) -> Article:
    """The article of a record; ``full`` adds its entity and sentence spans (what answering reads)."""
    meta = meta or {}
    return Article(
        source=source,
        text=text or "",
        title=meta.get("title") or None,
        publication=meta.get("publication") or None,
        published=meta.get("published") or None,
        chunks=int(meta.get("chunks", 0)),
        notice=meta.get("notice") or None,
        entities=decode_entities(meta.get("entities")) if full else (),
        sentences=decode_sentences(meta.get("sentences")) if full else (),
        title_derived=bool(meta.get("title_derived")),
        published_estimated=bool(meta.get("published_estimated")),
        publication_inferred=bool(meta.get("publication_inferred")),
    )


def encode_entities(entities: list[tuple[int, int, str]]) -> str:
    """An article's entity spans in the record's ``entities`` field: compact JSON, since Chroma metadata
    holds scalars only."""
    return json.dumps(entities, separators=(",", ":"))


def decode_entities(value: Any) -> tuple[tuple[int, int, str], ...]:
    """The spans back; a record written before entities were stored has none (``byline ingest`` adds them)."""
    if not value or not isinstance(value, str):
        return ()
    try:
        return tuple((int(s), int(e), str(label)) for s, e, label in json.loads(value))
    except (ValueError, TypeError):
        return ()


def decode_sentences(value: Any) -> tuple[tuple[int, int], ...]:
    """The sentence spans back; a record written before they were kept has none."""
    if not value or not isinstance(value, str):
        return ()
    try:
        flat = [int(x) for x in json.loads(value)]
    except (ValueError, TypeError):
        return ()
    return tuple(zip(flat[0::2], flat[1::2]))


# -- store state (the articles collection's metadata) -----------------------------------------------


def new_store_state(model: str, dim: int, precision: str) -> dict[str, Any]:
    return {"embed_model": model, "embed_dim": dim, "embed_precision": precision, "schema": SCHEMA_VERSION,
            "generation": 0}


def generation(state: dict | None) -> int:
    return int((state or {}).get("generation", 0))


def is_dirty(state: dict | None) -> bool:
    return bool((state or {}).get("dirty"))


def clean_base(state: dict | None) -> int:
    """The last clean generation the store's chunks match outside the articles an ingest is changing:
    the generation itself when clean, else the one the ingest under way (or that died) started from."""
    if not is_dirty(state):
        return generation(state)
    return int((state or {}).get("run_from", generation(state)))


def embedding_model(state: dict | None) -> str | None:
    return (state or {}).get("embed_model")


def precision(state: dict | None) -> str:
    return (state or {}).get("embed_precision") or DEFAULT_PRECISION


def model_mismatch(state: dict | None, model: str, dim: int, wanted_precision: str) -> str | None:
    """Why vectors made with (``model``, ``dim``, ``wanted_precision``) must not join this store, or None."""
    state = state or {}
    have = (state.get("embed_model"), state.get("embed_dim"), precision(state))
    if have == (model, dim, wanted_precision):
        return None
    return (f"was built with embedding model {have[0]!r} (dimension {have[1]}) at {have[2]} precision, "
            f"not {model!r} ({dim}) at {wanted_precision}")


def marked(state: dict | None, dirty: bool, changed: Iterable[str] | None = None) -> dict[str, Any]:
    """The state after an ingest marks the store ``dirty`` or clean: ``generation`` bumped, every other key
    (model, dimension, schema) carried over, since Chroma's ``modify`` replaces the whole metadata.

    Marking clean logs ``changed``, the sources the run added, replaced or removed, against the span of
    generations the run covered; ``None`` (a run that completed a crashed one, whose changes are unknown)
    logs nothing, which tells readers to rebuild in full.
    """
    state = dict(state or {})
    before = generation(state)
    state["dirty"] = dirty
    state["generation"] = before + 1
    if dirty:
        state.setdefault("run_from", before)
        return state
    run_from = int(state.pop("run_from", before))
    log = _change_log(state)
    if changed is not None:
        log.append([run_from, before + 1, sorted(set(changed))])
    state["changes"] = json.dumps(_trimmed(log), separators=(",", ":"))
    return state


def bumped(state: dict | None) -> dict[str, Any]:
    """The state with ``generation`` bumped by a writer that logs no change (readers rebuild in full)."""
    state = dict(state or {})
    state["generation"] = generation(state) + 1
    return state


def changes_between(state: dict | None, old: int, new: int) -> set[str] | None:
    """The sources changed from generation ``old`` to ``new``, or None when the log cannot tell (it does
    not reach back to ``old``, or some step in between was not logged): then only a full rebuild is right."""
    if old == new:
        return set()
    by_start = {int(start): (int(end), sources) for start, end, sources in _change_log(state or {})}
    changed: set[str] = set()
    at = old
    while at < new:
        step = by_start.get(at)
        if step is None:
            return None
        at, sources = step
        changed.update(sources)
    return changed if at == new else None


def _change_log(state: dict) -> list[list]:
    try:
        log = json.loads(state.get("changes") or "[]")
        return [[int(a), int(b), [str(s) for s in sources]] for a, b, sources in log]
    except (ValueError, TypeError):
        return []


def _trimmed(log: list[list]) -> list[list]:
    """The newest runs whose sources fit ``MAX_LOGGED_SOURCES``; a run too large to log is dropped, and
    with it everything before (readers that far behind rebuild)."""
    kept, total = [], 0
    for entry in reversed(log[-MAX_LOGGED_RUNS:]):
        total += len(entry[2])
        if total > MAX_LOGGED_SOURCES:
            break
        kept.append(entry)
    return kept[::-1]
