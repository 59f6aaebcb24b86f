"""Presenting an eval run: the JSON report (contract shape), the terminal table and the Markdown report."""

from __future__ import annotations

from dataclasses import dataclass, field

from byline.eval.metrics import CaseResult
from byline.eval.thresholds import Limit

ROW_ORDER = (
    "fact_accuracy", "short_answer_accuracy", "decline_accuracy", "false_decline_rate", "citation_support", "source_recall",
    "citation_exact", "hit_at_1", "hit_at_5", "mrr", "latency_p50_ms", "latency_p95_ms",
    "retrieve_latency_p50_ms", "retrieve_latency_p95_ms",
)
ANSWER_PREVIEW = 200


@dataclass
class EvalRun:
    metrics: dict
    baseline: dict
    limits: list[Limit]
    results: list[CaseResult]
    by_kind: dict
    info: dict = field(default_factory=dict)

    @property
    def failed_limits(self) -> list[Limit]:
        return [lim for lim in self.limits if not lim.passes(self.metrics.get(lim.metric))]

    @property
    def passed(self) -> bool:
        return not self.failed_limits

    @property
    def failed_cases(self) -> list[CaseResult]:
        return [r for r in self.results if not r.correct]

    def to_dict(self) -> dict:
        return {
            "metrics": {k: _round(v) for k, v in self.metrics.items()},
            "baseline": {k: _round(v) for k, v in self.baseline.items()},
            "thresholds": [
                {"metric": lim.metric, "bound": lim.bound, "value": lim.value,
                 "measured": _round(self.metrics.get(lim.metric)), "passed": lim.passes(self.metrics.get(lim.metric))}
                for lim in self.limits
            ],
            "passed": self.passed,
            "by_kind": self.by_kind,
            **self.info,
            "cases": [r.to_dict() for r in self.results],
        }


def rows(run: EvalRun) -> list[tuple[str, str, str, str, str]]:
    """(metric, engine, baseline, threshold, result) for every metric shown."""
    limits = {lim.metric: lim for lim in run.limits}
    out = []
    for name in ROW_ORDER:
        lim = limits.get(name)
        value = run.metrics.get(name)
        verdict = "" if lim is None else ("pass" if lim.passes(value) else "FAIL")
        out.append((name, _fmt(name, value), _fmt(name, run.baseline.get(name), blank="-"),
                    lim.label if lim else "-", verdict))
    return out


def failure_reason(r: CaseResult) -> str:
    if r.error:
        reason = f"error: {r.error}"
    elif not r.answerable:
        reason = "answered, but the articles do not support an answer"
    elif r.declined:
        reason = "declined, but the articles answer it"
    else:
        reason = "missing: " + "; ".join(" / ".join(group) for group in r.missing_facts)
    return f"{reason} (retrieve failed: {r.retrieve_error})" if r.retrieve_error else reason


def format_table(run: EvalRun) -> str:
    header = ("metric", "engine", "baseline", "threshold", "result")
    table = [header, *rows(run)]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(f"baseline: {run.baseline.get('name', '-')}")
    failed = run.failed_cases
    lines.append(f"{len(run.results) - len(failed)}/{len(run.results)} cases correct")
    if failed:
        lines.append("")
        lines.append(f"failed cases ({len(failed)}):")
        for r in failed:
            lines.append(f"  {r.id} [{r.kind or '-'}] {r.question}")
            lines.append(f"      {failure_reason(r)}")
            lines.append(f"      answer: {_preview(r.answer)}")
    lines.append("")
    if run.passed:
        lines.append("eval passed: every metric meets its threshold")
    else:
        lines.append("eval FAILED: " + ", ".join(
            f"{lim.metric} {_fmt(lim.metric, run.metrics.get(lim.metric))} (needs {lim.label})"
            for lim in run.failed_limits))
    return "\n".join(lines)


def format_markdown(run: EvalRun) -> str:
    verdict = "passed" if run.passed else "FAILED"
    lines = [f"# Byline eval: {verdict}", ""]
    for key in ("cases_file", "store", "engine", "seconds"):
        if key in run.info:
            lines.append(f"- {key.replace('_', ' ')}: `{run.info[key]}`")
    lines.append(f"- baseline: {run.baseline.get('name', '-')}")
    lines += ["", "| metric | engine | baseline | threshold | result |", "|---|---:|---:|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows(run)]
    lines += ["", "## By kind", "", "| kind | correct | cases |", "|---|---:|---:|"]
    lines += [f"| {kind} | {v['correct']} | {v['cases']} |" for kind, v in run.by_kind.items()]
    failed = run.failed_cases
    lines += ["", f"## Failed cases ({len(failed)})", ""]
    if failed:
        lines += ["| id | question | why | answer |", "|---|---|---|---|"]
        lines += [
            f"| {r.id} | {_md(r.question)} | {_md(failure_reason(r))} | {_md(_preview(r.answer))} |"
            for r in failed
        ]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def _fmt(name: str, value, blank: str = "n/a") -> str:
    if value is None:
        return blank
    if isinstance(value, str):
        return value
    return f"{value:.1f}" if name.endswith("_ms") else f"{value:.3f}"


def _round(value):
    return round(value, 4) if isinstance(value, float) else value


def _preview(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ANSWER_PREVIEW else text[: ANSWER_PREVIEW - 3] + "..."


def _md(text: str) -> str:
    return text.replace("|", "\\|")
