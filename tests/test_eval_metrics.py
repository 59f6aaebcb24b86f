"""Scoring, metrics, threshold gate and report rendering on hand-made outcomes."""

from pathlib import Path

import pytest

from assistant.errors import InputError
from byline.eval.cases import Case
from byline.eval.metrics import CaseResult, engine_metrics, first_gold_rank, retrieval_metrics, score_answer
from byline.eval.report import EvalRun, format_markdown, format_table
from byline.eval.thresholds import load_limits

REQUESTS = Case("q1", ("How many requests?",), (("496",), ("1,310", "1310")), ("002.txt",), True, "number")
THAILAND = Case("q2", ("What tier did Thailand get?",), (), (), False, "unanswerable")


def outcome(id, answerable, correct, declined, supported=None, cited=(), sources=("002.txt",), rank=None, ms=10.0):
    return CaseResult(
        id=id, correct=correct, declined=declined, answer="", missing_facts=[], cited_sources=list(cited),
        latency_ms=ms, answerable=answerable, sources=list(sources) if answerable else [],
        supported=supported, gold_rank=rank,
    )


def test_an_answer_is_correct_only_with_every_fact_and_no_decline():
    right = score_answer(REQUESTS, "496 requests involving 1,310 people [1]", False, ["496 requests ... 1,310 people"])
    assert right == {"correct": True, "missing_facts": [], "supported": True}
    partial = score_answer(REQUESTS, "496 requests [1]", False, [])
    assert partial["correct"] is False and partial["missing_facts"] == [["1,310", "1310"]]
    declined = score_answer(REQUESTS, "The articles don't say. Perhaps 496 and 1310.", True, [])
    assert declined["correct"] is False


def test_a_fact_only_in_the_answer_and_not_in_any_cited_passage_is_unsupported():
    result = score_answer(REQUESTS, "496 requests involving 1,310 people [1]", False, ["496 requests were lodged"])
    assert result["correct"] is True and result["supported"] is False


def test_unanswerable_cases_are_correct_only_when_declined():
    assert score_answer(THAILAND, "The articles don't say.", True, [])["correct"] is True
    assert score_answer(THAILAND, "Thailand got Tier 2.", False, [])["correct"] is False


def test_contract_metrics_from_outcomes():
    results = [
        outcome("a", True, True, False, supported=True, cited=["002.txt"], rank=1, ms=10),
        outcome("b", True, True, False, supported=False, cited=["003.txt"], rank=3, ms=20),
        outcome("c", True, False, True, rank=None, ms=30),
        outcome("d", True, False, False, cited=["002.txt"], rank=2, ms=40),
        outcome("e", False, True, True, ms=50),
        outcome("f", False, False, False, ms=60),
    ]
    m = engine_metrics(results)
    assert m["fact_accuracy"] == 0.5
    assert m["decline_accuracy"] == 0.5
    assert m["false_decline_rate"] == 0.25
    assert m["citation_support"] == 0.5
    assert m["source_recall"] == 0.5
    assert m["hit_at_1"] == 0.25 and m["hit_at_5"] == 0.75
    assert m["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 2) / 4)
    assert m["latency_p50_ms"] == 35.0
    assert 50 < m["latency_p95_ms"] <= 60


def test_gold_rank_looks_at_the_top_five_only():
    assert first_gold_rank(["x", "y", "gold"], ["gold"]) == 3
    assert first_gold_rank(["x"] * 5 + ["gold"], ["gold"]) is None
    assert retrieval_metrics([]) == {"hit_at_1": None, "hit_at_5": None, "mrr": None}


def write_limits(tmp_path, text):
    path = tmp_path / "thresholds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_gate_fails_below_a_minimum_or_above_a_maximum(tmp_path):
    path = write_limits(tmp_path, "[min]\nfact_accuracy = 0.6\n[max]\nfalse_decline_rate = 0.2\n")
    limits = load_limits(path, {"fact_accuracy", "false_decline_rate"})
    ok = EvalRun({"fact_accuracy": 0.6, "false_decline_rate": 0.2}, {}, limits, [], {})
    assert ok.passed
    low = EvalRun({"fact_accuracy": 0.59, "false_decline_rate": 0.1}, {}, limits, [], {})
    assert [lim.metric for lim in low.failed_limits] == ["fact_accuracy"]
    high = EvalRun({"fact_accuracy": 0.9, "false_decline_rate": 0.25}, {}, limits, [], {})
    assert [lim.metric for lim in high.failed_limits] == ["false_decline_rate"]
    unmeasured = EvalRun({"fact_accuracy": None, "false_decline_rate": 0.0}, {}, limits, [], {})
    assert not unmeasured.passed


@pytest.mark.parametrize("text, message", [
    ("[min]\nfact_acuracy = 0.5\n", "unknown metric"),
    ("[minimum]\nfact_accuracy = 0.5\n", "unknown section"),
    ("[min]\nfact_accuracy = 'high'\n", "must be a number"),
    ("[min\n", "not valid TOML"),
])
def test_a_broken_thresholds_file_is_bad_input(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        load_limits(write_limits(tmp_path, text), {"fact_accuracy"})


def test_table_and_markdown_show_baseline_threshold_and_failures(tmp_path):
    limits = load_limits(write_limits(tmp_path, "[min]\nfact_accuracy = 0.9\n"), {"fact_accuracy"})
    failed = outcome("q1", True, False, False)
    failed.question, failed.missing_facts, failed.answer = "How many requests?", [["1,310", "1310"]], "496 [1]"
    run = EvalRun({"fact_accuracy": 0.5, "hit_at_1": 0.7}, {"name": "plain", "hit_at_1": 0.6}, limits,
                  [failed], {"number": {"cases": 1, "correct": 0}})
    table = format_table(run)
    fact_row = next(line for line in table.splitlines() if line.startswith("fact_accuracy"))
    assert fact_row.split() == ["fact_accuracy", "0.500", "-", ">=", "0.9", "FAIL"]
    hit_row = next(line for line in table.splitlines() if line.startswith("hit_at_1"))
    assert hit_row.split()[:3] == ["hit_at_1", "0.700", "0.600"]
    assert "missing: 1,310 / 1310" in table and "eval FAILED" in table
    markdown = format_markdown(run)
    assert "| fact_accuracy | 0.500 | - | >= 0.9 | FAIL |" in markdown and "| q1 |" in markdown



# The case files .ci/test gates, by name.
CI_CASE_FILES = ("cases.jsonl", "heldout_sample.jsonl", "dev.jsonl", "heldout_news.jsonl", "fresh_news.jsonl",
                 "fresh_news2.jsonl", "fresh_news3.jsonl", "fresh_news4.jsonl")


def test_every_metric_a_committed_gate_checks_has_a_row_in_the_table():
    from byline.eval.report import ROW_ORDER
    from byline.eval.thresholds import DEFAULT_PATH

    known = set(engine_metrics([]))
    for name in CI_CASE_FILES:
        assert {lim.metric for lim in load_limits(DEFAULT_PATH, known, Path(name))} <= set(ROW_ORDER), name

GATED = """
[gates]
default = "sample"
"dev.jsonl" = "news"
[sample.min]
fact_accuracy = 0.9
[news.min]
fact_accuracy = 0.4
[news.max]
false_decline_rate = 0.2
"""


def test_each_case_file_is_judged_by_its_own_gate(tmp_path):
    path = write_limits(tmp_path, GATED)
    known = {"fact_accuracy", "false_decline_rate"}
    news = load_limits(path, known, Path("../shared/newsqa/dev.jsonl"))
    assert {(lim.metric, lim.bound, lim.value) for lim in news} == {("fact_accuracy", "min", 0.4),
                                                                    ("false_decline_rate", "max", 0.2)}
    assert [lim.value for lim in load_limits(path, known, Path("mine.jsonl"))] == [0.9]
    assert [lim.value for lim in load_limits(path, known, Path("mine.jsonl"), gate="news")][0] == 0.4
    with pytest.raises(InputError, match="gate 'nope' has no table"):
        load_limits(path, known, Path("mine.jsonl"), gate="nope")


def test_the_committed_gates_cover_every_case_file_ci_runs():
    from byline.eval.thresholds import DEFAULT_PATH

    known = set(engine_metrics([]))
    for name in CI_CASE_FILES:
        limits = load_limits(DEFAULT_PATH, known, Path(name))
        assert {lim.metric for lim in limits} >= {"fact_accuracy", "decline_accuracy", "false_decline_rate"}
