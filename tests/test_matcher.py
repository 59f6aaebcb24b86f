"""The eval matcher must credit every fair phrasing of a fact and nothing a person would call wrong."""

import pytest

from byline.eval.matcher import contains, missing_facts, normalise


@pytest.mark.parametrize("answer, alternative", [
    ("Between August 18 and October 19, 2022, 496 requests were lodged [1].", "496"),
    ("They involved 1,310 people.", "1,310"),
    ("They involved 1310 people.", "1,310"),
    ("They involved 1,310 people.", "1310"),
    ("They involved 1\u202f310 people.", "1310"),
    ("Operations netted 2,760 workers.", "2760"),
    ("It had received 100,000 trafficked people.", "100000"),
    ("A total of SEVEN Cambodians", "seven"),
    ("the count was 496.", "496"),
    ("(496)", "496"),
    ("Chou  Bun\nEng signed it", "chou bun eng"),
    ("She called it \u201cunjust\u201d.", '"unjust"'),
    ("\u201cI don\u2019t think this report is well written\u201d", "I don't think this report"),
    ("Kheng\u2019s Facebook", "Kheng's"),
    ("crackdowns rose 50% in nine months", "50%"),
    ("the Tier\u00a03 ranking", "tier 3"),
    ("three diplomats were expelled", "diplomat"),  # the contract's stem rule
    ("an act of terrorism", "terroris"),
    ("Officials said", "official"),
])
def test_fair_phrasings_match(answer, alternative):
    assert contains(answer, alternative)


@pytest.mark.parametrize("answer, alternative", [
    ("496 requests", "49"),
    ("1496 requests", "496"),
    ("1,496 requests", "496"),
    ("4960 requests", "496"),
    ("1,3100 people", "1,310"),
    ("13,100 people", "1,310"),
    ("131 people", "1,310"),
    ("2,760 illegal workers", "760"),
    ("2,760 illegal workers", "7"),
    ("0.7 percent", "7"),
    ("7.5 percent", "7"),
    ("the 14th report", "14"),
    ("the unSihanoukville", "Sihanoukville"),
    ("Southeast Asian nationals", "East Asia"),
    ("", "496"),
])
def test_wrong_answers_do_not_match(answer, alternative):
    assert not contains(answer, alternative)


def test_blank_alternative_never_matches():
    assert not contains("anything at all", "  ")


def test_missing_facts_lists_each_unmatched_group():
    facts = [["496"], ["1,310", "1310"], ["seven", "7"]]
    assert missing_facts("496 requests involving 1310 people", facts) == [["seven", "7"]]
    assert missing_facts("496 requests, 1,310 people, 7 rescued", facts) == []
    assert missing_facts("The articles don't say.", facts) == facts


def test_normalise_is_case_quote_space_and_separator_insensitive():
    assert normalise("  \u201cSar\tKheng\u201d  said 1,310 ") == '"sar kheng" said 1310'
    assert normalise("2019, 2020 and 2021") == "2019, 2020 and 2021"
