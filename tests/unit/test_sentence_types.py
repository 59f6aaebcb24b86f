"""What a sentence answer must hold for the question's type (``extractive.type_fit``)."""

import pytest

from assistant.answering.extractive import type_fit
from assistant.answering.question import analyse


@pytest.mark.parametrize("question, text, fits", [
    ("In which month did the company announce it?", "The company announced it on Wednesday.", False),
    ("In which month did the company announce it?", "The company announced it in March.", True),
    ("In which month did the company announce it?", "It may change, the company said on Feb. 19.", True),
    ("In what year did the company announce it?", "The company announced it on Wednesday.", False),
    ("In what year did the company announce it?", "The company announced it in 2020.", True),
    ("When did the company announce it?", "The company announced it on Wednesday.", True),
    ("In what year did the band form?", "The band formed last year in a garage.", True),
    ("In what year did the band form?", "The band formed in the 1990s.", True),
    ("In which month did the strike end?", "The strike ended last month.", True),
    ("In which month did the strike end?", "The strike ended on 2022-11-08.", True),
])
def test_a_month_or_year_question_needs_a_month_or_year_not_any_date(question, text, fits):
    assert (type_fit(analyse(question), text) >= 1.0) is fits
