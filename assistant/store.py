"""Access to a Chroma store, embedded on disk or on a Chroma server, for the writer (``index/``) and the
readers (``assistant/``). What the records hold is ``assistant.store_schema``'s business; this module
opens the collections and turns Chroma's failures into clear errors.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlparse

from assistant import store_schema
from assistant.errors import BylineError, StoreError, StoreMissingError
from assistant.offline import go_offline
from assistant.settings import Settings
from assistant.types import Article

NO_ARTICLES = "no articles ingested: run byline ingest --corpus DIR"
ARTICLES_PAGE = 5000


def open_client(settings: Settings, create: bool = False):
    """A Chroma client for the configured store: embedded on disk, or a Chroma server.

    Readers pass ``create=False`` so that asking against a mistyped path reports the missing store
    instead of silently creating an empty one there.
    """
    go_offline()
    if settings.chroma_url:
        return _http_client(settings)
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    if not create and not (settings.store / store_schema.STORE_DB).is_file():
        raise StoreMissingError(f"{NO_ARTICLES} (no store at {settings.store})")
    try:
        return chromadb.PersistentClient(path=str(settings.store), settings=ChromaSettings(anonymized_telemetry=False))
    except BaseException as exc:
        if not isinstance(exc, Exception) and not is_chroma_panic(exc):
            raise  # KeyboardInterrupt, SystemExit
        if "malformed" in str(exc).lower() or is_chroma_panic(exc):
            raise damaged(settings, exc) from exc
        if "readonly database" in str(exc).lower():
            # Chroma writes to its SQLite file on every open (even for reads), so a store that is
            # read-only before Byline starts cannot be opened at all; say so instead of SQLite's words.
            raise StoreError(
                f"store {settings.store} is read-only: Chroma needs write access to open it, even to answer; "
                "make it writable or copy it to a writable place"
            ) from exc
        raise StoreError(f"cannot open store {settings.store}: {exc}") from exc


def _http_client(settings: Settings):
    """A ``chromadb.HttpClient`` that fails within ``chroma_timeout_s`` instead of hanging.

    Chroma's client talks through an httpx session created with no timeout at all, and its constructor
    already calls the server. So the server is probed first with a bounded heartbeat, and the session's
    timeout is then set on the client's httpx session (Chroma offers no setting for it). A server that
    goes away later makes each call fail with a ``StoreError``; httpx opens fresh connections once it
    is back, so the same client recovers without a restart.
    """
    import chromadb
    import httpx
    from chromadb.config import Settings as ChromaSettings

    url = urlparse(settings.chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise StoreError(f"BYLINE_CHROMA_URL must look like http://host:port, not {settings.chroma_url!r}")
    base = f"{url.scheme}://{url.netloc}"
    try:
        httpx.get(f"{base}/api/v2/heartbeat", timeout=settings.chroma_timeout_s).raise_for_status()
    except httpx.HTTPError as exc:
        raise _unreachable(settings, exc) from exc
    try:
        client = chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 80),
            ssl=url.scheme == "https",
            settings=ChromaSettings(anonymized_telemetry=False),
        )
    except Exception as exc:
        raise _unreachable(settings, exc) from exc
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(settings.chroma_read_timeout_s, connect=settings.chroma_timeout_s)
    return client


@dataclass
class Store:
    """Access to one store's two collections; cheap to create, holds a Chroma client.

    The chunks collection handle is kept between reads: looking it up costs a SQLite query (a round
    trip on a server) per question, a tenth of a warm answer. A handle whose call fails is dropped, so
    a store that was deleted and rebuilt is found again on the next request. The articles collection is
    looked up afresh each time because its metadata (``generation``, ``dirty``) must be current.
    """

    settings: Settings
    client: Any
    _chunks: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def open(cls, settings: Settings, create: bool = False) -> "Store":
        return cls(settings, open_client(settings, create))

    @property
    def chunks_name(self) -> str:
        return store_schema.chunks_name(self.settings.collection)

    @property
    def articles_name(self) -> str:
        return store_schema.articles_name(self.settings.collection)

    def chunks(self, create: bool = False):
        if not create and self._chunks is not None:
            return self._chunks
        found = _Collection(self._collection(self.chunks_name, create, store_schema.CHUNKS_METADATA), self.settings,
                            on_failure=self._forget_chunks)
        if not create:
            self._chunks = found
        return found

    def _forget_chunks(self) -> None:
        self._chunks = None

    def articles(self, create: bool = False):
        return _Collection(self._collection(self.articles_name, create, self._new_store_metadata()), self.settings)

    def _new_store_metadata(self) -> dict[str, Any]:
        from assistant.embedding import EMBED_DIM

        return store_schema.new_store_state(self.settings.embed_model, EMBED_DIM, self.settings.embed_precision)

    def _collection(self, name: str, create: bool, metadata: dict[str, Any]):
        try:
            if create:
                return self.client.get_or_create_collection(name, metadata=metadata, embedding_function=None)
            return self.client.get_collection(name, embedding_function=None)
        except Exception as exc:
            if not create and _is_not_found(exc):
                raise StoreMissingError(f"{NO_ARTICLES} (store: {self.settings.store_label})") from exc
            raise _store_error(self.settings, exc) from exc

    def check_model(self) -> None:
        """Refuse a store whose vectors came from another embedding model, dimension or precision."""
        from assistant.embedding import EMBED_DIM

        why = store_schema.model_mismatch(self.state(), self.settings.embed_model, EMBED_DIM,
                                          self.settings.embed_precision)
        if why:
            raise StoreError(f"store {self.settings.store_label} {why}; use another --store or re-ingest into an "
                             "empty one")

    def state(self) -> dict[str, Any]:
        """The store's state (model, ``generation``, ``dirty``, change log), read afresh."""
        return dict(self.articles().metadata or {})

    def generation(self) -> int:
        return store_schema.generation(self.state())

    def set_state(self, state: dict[str, Any]) -> None:
        self.articles().modify(metadata=state)

    def list_articles(self, with_text: bool = False) -> list[Article]:
        include = ["metadatas", "documents"] if with_text else ["metadatas"]
        out = []
        for got in self.article_pages(include):
            docs = got.get("documents") or [None] * len(got["ids"])
            out += [store_schema.parse_article(source, meta, text)
                    for source, meta, text in zip(got["ids"], got["metadatas"], docs)]
        return sorted(out, key=lambda a: a.source)

    def article_pages(self, include: list[str]):
        """Every article record, ``ARTICLES_PAGE`` at a time: one request for all of them fails on a
        Chroma server past about 100,000 articles ("too many SQL variables")."""
        articles = self.articles()
        offset = 0
        while True:
            got = articles.get(include=include, limit=ARTICLES_PAGE, offset=offset)
            yield got
            if len(got["ids"]) < ARTICLES_PAGE:
                return
            offset += ARTICLES_PAGE

    def article(self, source: str) -> Article | None:
        got = self.articles().get(ids=[source], include=["metadatas", "documents"])
        if not got["ids"]:
            return None
        return store_schema.parse_article(source, got["metadatas"][0], got["documents"][0], full=True)

    def full_articles(self, sources: list[str]) -> dict[str, Article]:
        """Several articles with their text, entities and sentences, in one read."""
        got = self.articles().get(ids=sources, include=["metadatas", "documents"])
        return {source: store_schema.parse_article(source, meta, text, full=True)
                for source, meta, text in zip(got["ids"], got["metadatas"], got["documents"])}

    def chunk_count(self) -> int:
        return self.chunks().count()


def is_chroma_panic(exc: BaseException) -> bool:
    """Chroma's Rust core reports a damaged database by panicking, which reaches Python as pyo3's
    ``PanicException``: a ``BaseException``, so an ``except Exception`` lets it through."""
    return type(exc).__name__ == "PanicException"


def damaged(settings: Settings, exc: BaseException) -> StoreError:
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    return StoreError(f"the store at {settings.store_label} cannot be read ({reason}); "
                      "re-ingest it into a fresh store")


def _is_transport_error(exc: Exception) -> bool:
    import httpx

    return isinstance(exc, httpx.TransportError)


def _is_not_found(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return "notfound" in text or "does not exist" in text or "not found" in text


READS = frozenset({"get", "query", "count", "peek"})


class _Collection:
    """A Chroma collection whose calls report failures usefully: on a Chroma server, a lost connection
    becomes one clear ``StoreError`` (the CLI prints it, the API answers 503) rather than an httpx
    traceback; any other failure of a read (a damaged file: Chroma's "compactor" errors, or a panic of
    its Rust core) is a ``StoreError`` that says to re-ingest; and ``on_failure`` lets the ``Store``
    drop a cached handle that failed. Failed writes pass through unchanged, for ingest to handle."""

    def __init__(self, collection: Any, settings: Settings, on_failure: Callable[[], None] | None = None) -> None:
        self._collection = collection
        self._settings = settings
        self._on_failure = on_failure

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._collection, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return attr(*args, **kwargs)
            except BaseException as exc:
                if not isinstance(exc, Exception) and not is_chroma_panic(exc):
                    raise
                if self._on_failure:
                    self._on_failure()
                if self._settings.server_mode and _is_transport_error(exc):
                    raise _unreachable(self._settings, exc) from exc
                if name in READS and not isinstance(exc, BylineError):
                    raise damaged(self._settings, exc) from exc
                raise

        return call


def _unreachable(settings: Settings, exc: Exception) -> StoreError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreError(f"Chroma server at {settings.chroma_url} is unreachable ({reason})")


def _store_error(settings: Settings, exc: Exception) -> StoreError:
    if isinstance(exc, StoreError):
        return exc
    if settings.server_mode and _is_transport_error(exc):
        return _unreachable(settings, exc)
    if isinstance(exc, sqlite3.DatabaseError):
        return StoreError(f"store {settings.store_label} is unreadable (corrupt?): {exc}")
    return StoreError(f"store {settings.store_label} failed: {type(exc).__name__}: {exc}")
