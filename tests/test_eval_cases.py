"""The eval cases themselves: well-formed, covering the corpus, and grounded in what the articles say."""

import json

import pytest

from assistant.errors import InputError
from byline.eval.cases import load_cases
from byline.eval.matcher import contains, group_matched
from tests.conftest import CORPUS, ROOT

CASES_FILE = ROOT / "eval" / "cases.jsonl"
KINDS = {
    "number", "date", "person", "place", "organisation", "reason", "quote", "multi_article", "followup",
    "unanswerable", "instruction",
}


@pytest.fixture(scope="module")
def cases():
    return load_cases(CASES_FILE)


@pytest.fixture(scope="module")
def cleaned(bot):
    """Cleaned article text by source, as the engine sees it."""
    return {a.source: bot.article(a.source).text for a in bot.articles()}


def test_suite_is_large_and_covers_every_kind_and_article(cases):
    assert len(cases) >= 70
    assert {c.kind for c in cases} == KINDS
    articles = {p.name for p in CORPUS.glob("*.txt")}
    assert {s for c in cases for s in c.sources} == articles
    assert any(len(c.turns) == 3 for c in cases) and any(len(c.turns) == 2 for c in cases)
    assert any(len(c.turns) > 1 and not c.answerable for c in cases)
    assert any(c.kind == "instruction" and c.answerable for c in cases)
    assert any(c.kind == "instruction" and not c.answerable for c in cases)
    assert any(len(set(c.sources)) > 1 for c in cases if c.kind == "multi_article")


def test_every_fact_is_written_in_its_source_articles(cases, cleaned):
    for case in cases:
        if not case.answerable:
            assert not case.sources, case.id
            continue
        text = "\n".join(cleaned[s] for s in case.sources)
        for group in case.facts:
            assert group_matched(text, list(group)), f"{case.id}: none of {group} is in {case.sources}"


def test_no_fact_is_so_common_that_any_article_would_match(cases, cleaned):
    for case in cases:
        for group in case.facts:
            found_in = [s for s, text in cleaned.items() if group_matched(text, list(group))]
            assert len(found_in) < len(cleaned), f"{case.id}: {group} is in every article"


def test_the_decline_text_matches_no_fact(cases):
    decline = "The articles don't say."
    assert not any(contains(decline, alt) for c in cases for g in c.facts for alt in g)


@pytest.mark.parametrize("line, message", [
    ('{"id": "a", "question": "q?", "facts": [["x"]], "answerable": true', "not JSON"),
    ('{"id": "a", "question": "q?", "turns": ["q?"], "facts": [["x"]], "answerable": true}', "exactly one of"),
    ('{"id": "a", "question": "q?", "facts": [], "answerable": true}', "lists no facts"),
    ('{"id": "a", "question": "q?", "facts": [["x"]], "answerable": false}', "must not list facts"),
    ('{"id": "a", "question": "q?", "facts": [[]], "answerable": true}', "non-empty lists"),
    ('{"id": "a", "question": "  ", "facts": [], "answerable": false}', "blank question"),
    ('{"id": "a", "question": "q?", "facts": [["x"]]}', "answerable"),
])
def test_malformed_cases_are_bad_input_with_their_line(tmp_path, line, message):
    path = tmp_path / "cases.jsonl"
    good = json.dumps({"id": "ok", "question": "q?", "facts": [], "answerable": False})
    path.write_text(good + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        load_cases(path)
    assert ":2:" in str(err.value)


def test_duplicate_ids_and_missing_files_are_bad_input(tmp_path):
    path = tmp_path / "cases.jsonl"
    row = json.dumps({"id": "same", "question": "q?", "facts": [], "answerable": False})
    path.write_text(f"{row}\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate"):
        load_cases(path)
    with pytest.raises(InputError, match="cannot read"):
        load_cases(tmp_path / "absent.jsonl")
