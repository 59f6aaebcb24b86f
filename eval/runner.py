"""``byline eval``: run the cases through an engine's public API, score them, gate on the thresholds.

The engine is built by a factory named ``module:callable`` (``--engine``; default the real
``Assistant.from_settings``), called with the settings. Anything with the public ``ask(question,
history)`` and ``retrieve(question, k, history)`` methods can be evaluated this way, which is also how
the tests plug in a deliberately wrong engine. ``article(source)``, when present, lets the runner check
that cited passages are exact slices of the articles.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

from assistant.errors import InputError
from assistant.settings import Settings
from byline.eval.baseline import VectorBaseline
from byline.eval.cases import Case, load_cases
from byline.eval.matcher import missing_facts
from byline.eval.metrics import RANK_DEPTH, CaseResult, baseline_metrics, by_kind, engine_metrics, first_gold_rank, score_answer
from byline.eval.report import EvalRun, format_markdown, format_table
from byline.eval.thresholds import load_limits

DEFAULT_ENGINE = "assistant:Assistant.from_settings"


def run_cli(args: argparse.Namespace, settings: Settings) -> int:
    started = time.perf_counter()
    cases = load_cases(args.cases)
    spec = getattr(args, "engine", None) or DEFAULT_ENGINE
    engine = load_factory(spec)(settings)
    baseline = VectorBaseline(settings)
    run = evaluate(cases, engine, baseline, getattr(args, "thresholds", None), args.cases,
                   getattr(args, "gate", None))
    run.info.update(cases_file=str(args.cases), store=settings.store_label, engine=spec,
                    seconds=round(time.perf_counter() - started, 1))
    print(format_table(run))
    if args.json_out:
        _write(args.json_out, json.dumps(run.to_dict(), ensure_ascii=False, indent=1))
    if getattr(args, "markdown", None):
        _write(args.markdown, format_markdown(run))
    return 0 if run.passed else 1


def evaluate(cases: list[Case], engine: Any, baseline: VectorBaseline | None, thresholds: Path | None,
             cases_file: Path | None = None, gate: str | None = None) -> EvalRun:
    """Score every case; the threshold file is read first so a typo in it fails before the slow part.
    The limits are those of ``gate``, else of the gate ``thresholds`` names for ``cases_file``."""
    probe = engine_metrics([])
    limits = load_limits(thresholds, set(probe), cases_file, gate)
    _warm_up(engine, baseline, cases[0].turns[0])
    articles = _ArticleCache(engine)
    results = [run_case(case, engine, baseline, articles) for case in cases]
    metrics = engine_metrics(results)
    base = {"name": baseline.name, **baseline_metrics(results)} if baseline else {}
    return EvalRun(metrics, base, limits, results, by_kind(results))


def run_case(case: Case, engine: Any, baseline: VectorBaseline | None, articles: "_ArticleCache") -> CaseResult:
    history: list[dict] = []
    result = CaseResult(
        id=case.id, correct=False, declined=False, answer="", missing_facts=[list(g) for g in case.facts],
        cited_sources=[], latency_ms=0.0, question=" / ".join(case.turns), kind=case.kind,
        answerable=case.answerable, sources=list(case.sources),
    )
    dated = {"as_of": case.as_of} if case.as_of else {}
    try:
        for turn in case.turns[:-1]:
            earlier = engine.ask(turn, list(history), **dated)
            history += [{"role": "user", "content": turn}, {"role": "assistant", "content": earlier.answer}]
        started = time.perf_counter()
        answer = engine.ask(case.question, list(history), **dated)
        result.latency_ms = (time.perf_counter() - started) * 1000
    except Exception as exc:  # a crash on a case is a wrong answer, not the end of the run
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    passages = [c.passage for c in answer.citations]
    result.answer, result.declined = answer.answer, bool(answer.declined)
    short = getattr(answer, "short_answer", None)
    result.short_answer = short.text if short else None
    result.cited_sources = sorted({c.source for c in answer.citations})
    timings = getattr(answer, "timings_ms", {}) or {}
    result.llm_sentences_shown = int(timings.get("llm_sentences_shown", 0))
    result.llm_sentences_dropped = int(timings.get("llm_sentences_dropped", 0))
    result.citations_total = len(answer.citations)
    result.citations_exact = sum(articles.is_exact(c) for c in answer.citations)
    for key, value in score_answer(case, answer.answer, result.declined, passages).items():
        setattr(result, key, value)
    result.short_correct = bool(case.answerable and short and not result.declined
                                and not missing_facts(short.text, [list(g) for g in case.facts]))
    if case.answerable and case.sources:
        _score_retrieval(case, history, engine, baseline, result, dated)
    return result


def _score_retrieval(case: Case, history: list[dict], engine: Any, baseline, result: CaseResult,
                     dated: dict) -> None:
    try:
        started = time.perf_counter()
        passages = engine.retrieve(case.question, k=RANK_DEPTH, history=list(history), **dated)
        result.retrieve_ms = (time.perf_counter() - started) * 1000
        result.retrieved_sources = [p.source for p in passages]
        result.gold_rank = first_gold_rank(result.retrieved_sources, case.sources)
    except Exception as exc:
        result.retrieve_error = f"{type(exc).__name__}: {exc}"
    if baseline is not None:
        result.baseline_sources, result.baseline_ms = baseline.sources(case.question)
        result.baseline_rank = first_gold_rank(result.baseline_sources, case.sources)


def _warm_up(engine: Any, baseline: VectorBaseline | None, question: str) -> None:
    """One untimed call each, so lazy loading does not land in the first case's latency."""
    try:
        engine.ask(question, [])
    except Exception:  # the scored call will record the failure
        pass
    if baseline is not None:
        baseline.sources(question)


class _ArticleCache:
    """Cleaned article texts via the engine's public ``article(source)``, to check citation offsets."""

    def __init__(self, engine: Any) -> None:
        self._lookup = getattr(engine, "article", None)
        self._texts: dict[str, str | None] = {}

    def is_exact(self, citation) -> bool:
        if self._lookup is None:
            return False
        if citation.source not in self._texts:
            article = self._lookup(citation.source)
            self._texts[citation.source] = article.text if article else None
        text = self._texts[citation.source]
        return text is not None and text[citation.start:citation.end] == citation.passage


def load_factory(spec: str) -> Callable[[Settings], Any]:
    """Resolve ``package.module:attribute.path`` to a callable."""
    module_name, _, attr_path = spec.partition(":")
    if not module_name or not attr_path:
        raise InputError(f"--engine must look like module:callable, not {spec!r}")
    try:
        target: Any = importlib.import_module(module_name)
        for part in attr_path.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as exc:
        raise InputError(f"cannot load engine factory {spec!r}: {exc}") from exc
    if not callable(target):
        raise InputError(f"engine factory {spec!r} is not callable")
    return target


def _write(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
