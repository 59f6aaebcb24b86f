"""`byline eval` end to end: a wrong engine fails the gate, the real engine passes it."""

import json

import pytest

from assistant.types import Answer
from byline.eval.baseline import VectorBaseline
from byline.eval.cases import load_cases
from byline.eval.runner import evaluate
from tests.conftest import ROOT, run_byline

pytestmark = pytest.mark.process

CASES_FILE = ROOT / "eval" / "cases.jsonl"
CONTRACT_METRICS = {
    "fact_accuracy", "decline_accuracy", "false_decline_rate", "citation_support", "source_recall",
    "hit_at_1", "hit_at_5", "mrr", "latency_p50_ms", "latency_p95_ms",
}
CONTRACT_CASE_FIELDS = {"id", "correct", "declined", "answer", "missing_facts", "cited_sources", "latency_ms"}


class ConfidentlyWrongEngine:
    """Answers every question with the same confident, uncited, wrong sentence."""

    def ask(self, question, history=None):
        return Answer("Cambodia was ranked Tier 1 with 12 requests.", False, [])

    def retrieve(self, question, k=5, history=None):
        return []


def wrong_engine(settings):
    """Engine factory for `byline eval --engine tests.test_eval_runner:wrong_engine`."""
    return ConfidentlyWrongEngine()


def test_a_wrong_engine_fails_the_gate_with_exit_1(sample_store, tmp_path):
    out, md = tmp_path / "eval.json", tmp_path / "eval.md"
    done = run_byline("eval", "--cases", str(CASES_FILE), "--store", str(sample_store),
                      "--engine", "tests.test_eval_runner:wrong_engine", "--json", str(out), "--markdown", str(md))
    assert done.returncode == 1, done.stderr
    assert "eval FAILED" in done.stdout
    fact_row = next(line for line in done.stdout.splitlines() if line.startswith("fact_accuracy"))
    assert fact_row.split()[1] == "0.000" and fact_row.endswith("FAIL")
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["passed"] is False
    assert CONTRACT_METRICS <= set(report["metrics"])
    assert report["metrics"]["fact_accuracy"] == 0 and report["metrics"]["hit_at_5"] == 0
    assert report["baseline"]["hit_at_5"] > 0.5
    assert all(CONTRACT_CASE_FIELDS <= set(case) for case in report["cases"])
    assert len(report["cases"]) == len(load_cases(CASES_FILE))
    assert "# Byline eval: FAILED" in md.read_text(encoding="utf-8")


def test_an_engine_spec_that_does_not_resolve_is_bad_input(sample_store):
    done = run_byline("eval", "--cases", str(CASES_FILE), "--store", str(sample_store), "--engine", "tests:nothing_here")
    assert done.returncode == 2
    assert "cannot load engine factory" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.gate
def test_the_real_engine_meets_the_committed_thresholds(bot, sample_settings):
    """The accuracy gate on the sample cases; .ci/test leaves it out (-m "not gate") because it runs
    the same gate once with ``byline eval``."""
    real_run = evaluate(load_cases(CASES_FILE), bot, VectorBaseline(sample_settings), None)
    failing = {lim.metric: real_run.metrics[lim.metric] for lim in real_run.failed_limits}
    assert real_run.passed, f"below thresholds: {failing}"
    assert real_run.limits, "eval/thresholds.toml gates nothing"


def test_the_real_engine_report_has_the_contract_shape(bot, sample_settings):
    """A few answerable and unanswerable cases: enough for every metric and field of the report."""
    cases = load_cases(CASES_FILE)
    some = [c for c in cases if c.answerable][:8] + [c for c in cases if not c.answerable][:4]
    report = json.loads(json.dumps(evaluate(some, bot, VectorBaseline(sample_settings), None).to_dict()))
    assert CONTRACT_METRICS <= set(report["metrics"])
    for name in CONTRACT_METRICS - {"latency_p50_ms", "latency_p95_ms"}:
        assert 0 <= report["metrics"][name] <= 1, name
    assert 0 < report["metrics"]["latency_p50_ms"] <= report["metrics"]["latency_p95_ms"]
    assert {"hit_at_1", "hit_at_5", "mrr"} <= set(report["baseline"])
    assert all(CONTRACT_CASE_FIELDS <= set(case) for case in report["cases"])
    assert report["metrics"]["citation_exact"] == 1.0
