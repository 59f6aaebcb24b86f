"""Scoring: one case's outcome, and the contract's metrics over all outcomes.

Metric meanings follow ../shared/CONTRACT.md exactly; the extra ones (``citation_exact``,
``retrieve_latency_*``, ``cases``) only add information.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from byline.eval.cases import Case
from byline.eval.matcher import contains, group_matched

RANK_DEPTH = 5


@dataclass
class CaseResult:
    """What the engine did with one case and how that scores. ``gold_rank`` is 1-based, None = not in top 5."""

    id: str
    correct: bool
    declined: bool
    answer: str
    missing_facts: list[list[str]]
    cited_sources: list[str]
    latency_ms: float
    question: str = ""
    kind: str = ""
    answerable: bool = True
    sources: list[str] = field(default_factory=list)
    supported: bool | None = None
    citations_exact: int = 0
    citations_total: int = 0
    gold_rank: int | None = None
    retrieved_sources: list[str] = field(default_factory=list)
    retrieve_ms: float | None = None
    baseline_rank: int | None = None
    baseline_sources: list[str] = field(default_factory=list)
    baseline_ms: float | None = None
    short_answer: str | None = None
    short_correct: bool = False  # the short answer alone states every fact
    error: str | None = None
    retrieve_error: str | None = None
    llm_sentences_shown: int = 0  # the LLM path's answer check: generated sentences shown and dropped
    llm_sentences_dropped: int = 0

    def to_dict(self) -> dict:
        out = asdict(self)
        for key in ("latency_ms", "retrieve_ms", "baseline_ms"):
            if out[key] is not None:
                out[key] = round(out[key], 2)
        return out


def score_answer(case: Case, answer_text: str, declined: bool, cited_passages: list[str]) -> dict:
    """Correctness, missing facts and citation support of one final answer."""
    missing = [list(g) for g in case.facts if not group_matched(answer_text, list(g))]
    if case.answerable:
        correct = not declined and not missing
    else:
        correct = declined
    supported = None
    if case.answerable and correct:
        supported = all(
            any(contains(passage, alt) for passage in cited_passages for alt in group) for group in case.facts
        )
    return {"correct": correct, "missing_facts": missing, "supported": supported}


def first_gold_rank(retrieved_sources: list[str], gold: tuple[str, ...] | list[str]) -> int | None:
    for rank, source in enumerate(retrieved_sources[:RANK_DEPTH], 1):
        if source in gold:
            return rank
    return None


def retrieval_metrics(ranks: list[int | None]) -> dict[str, float | None]:
    """hit@1, hit@5 and MRR over the given first-gold ranks (one per answerable case with sources)."""
    if not ranks:
        return {"hit_at_1": None, "hit_at_5": None, "mrr": None}
    n = len(ranks)
    return {
        "hit_at_1": sum(r == 1 for r in ranks) / n,
        "hit_at_5": sum(r is not None and r <= RANK_DEPTH for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def percentile(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def engine_metrics(results: list[CaseResult]) -> dict[str, float | int | None]:
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    correct_answerable = [r for r in answerable if r.correct]
    total_citations = sum(r.citations_total for r in results)
    latencies = [r.latency_ms for r in results]
    generated = sum(r.llm_sentences_shown + r.llm_sentences_dropped for r in results)
    retrieve_times = [r.retrieve_ms for r in results if r.retrieve_ms is not None]
    return {
        "fact_accuracy": _share(correct_answerable, answerable),
        "decline_accuracy": _share([r for r in unanswerable if r.declined], unanswerable),
        "false_decline_rate": _share([r for r in answerable if r.declined], answerable),
        "short_answer_accuracy": _share([r for r in answerable if r.short_correct], answerable),
        "citation_support": _share([r for r in correct_answerable if r.supported], correct_answerable),
        "source_recall": _share([r for r in answerable if set(r.cited_sources) & set(r.sources)], answerable),
        **retrieval_metrics([r.gold_rank for r in answerable if r.sources]),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "latency_p90_ms": percentile(latencies, 90),
        "llm_dropped_share": sum(r.llm_sentences_dropped for r in results) / generated if generated else None,
        "citation_exact": sum(r.citations_exact for r in results) / total_citations if total_citations else None,
        "retrieve_latency_p50_ms": percentile(retrieve_times, 50),
        "retrieve_latency_p95_ms": percentile(retrieve_times, 95),
        "cases": len(results),
        "answerable_cases": len(answerable),
        "unanswerable_cases": len(unanswerable),
    }


def baseline_metrics(results: list[CaseResult]) -> dict[str, float | None]:
    """The baseline retriever's numbers on the same cases; its latency is retrieval only."""
    times = [r.baseline_ms for r in results if r.baseline_ms is not None]
    return {
        **retrieval_metrics([r.baseline_rank for r in results if r.answerable and r.sources]),
        "retrieve_latency_p50_ms": percentile(times, 50),
        "retrieve_latency_p95_ms": percentile(times, 95),
    }


def by_kind(results: list[CaseResult]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in results:
        row = out.setdefault(r.kind or "other", {"cases": 0, "correct": 0})
        row["cases"] += 1
        row["correct"] += int(r.correct)
    return dict(sorted(out.items()))


def _share(part: list, whole: list) -> float | None:
    return len(part) / len(whole) if whole else None
