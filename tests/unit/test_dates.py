"""as_of: parsing, which articles it allows, and the time windows questions speak of."""

from datetime import date

import pytest

from assistant.errors import InputError
from assistant.retrieval.dates import Recency, parse_as_of, published_by, published_in_words, time_window
from assistant.retrieval.filters import Filters


def test_as_of_defaults_to_today_and_parses_iso_dates():
    assert parse_as_of(None) == date.today()
    assert parse_as_of("2023-01-05") == date(2023, 1, 5)


@pytest.mark.parametrize("bad", ["2023-13-01", "2023-02-30", "05/01/2023", "2023", "tomorrow", "2023-1-5"])
def test_a_malformed_as_of_is_bad_input(bad):
    with pytest.raises(InputError):
        parse_as_of(bad)


def test_articles_published_after_as_of_are_not_allowed():
    day = date(2023, 1, 5)
    assert published_by("2023-01-05", day)
    assert not published_by("2023-01-06", day)
    assert published_by("2022-12", day)
    assert published_by(None, day)  # undated articles stay usable
    keep = Filters(as_of=day)
    assert keep.allows({"published": "2023-01-04"}) and not keep.allows({"published": "2024-01-01"})


@pytest.mark.parametrize("question, days, explicit", [
    ("Which NFL star requested a trade this week?", 7, True),
    ("Which airline was recently fined?", 30, True),
    ("What happened last month?", 62, True),
    ("Who won the election this year?", 366, True),
])
def test_words_set_the_window_a_question_is_about(question, days, explicit):
    assert time_window(question, present_tense=False) == (days, explicit)


def test_the_tense_alone_sets_a_loose_window_and_the_past_none():
    assert time_window("Which state is considering it?", present_tense=True) == (92, False)
    assert time_window("Which state considered it in 1692?", present_tense=False) is None


def test_words_inside_a_quote_do_not_date_the_question():
    assert time_window('Who said "If we\'re bad, that just means you\'re bad, too"?', present_tense=False) is None
    assert time_window("Who said “we just started” this week?", present_tense=False) == (7, True)
    assert time_window("Who said ‘we’re just sad to see that’?", present_tense=False) is None


def test_recency_favours_the_days_just_before_as_of():
    recency = Recency(date(2023, 8, 25), weight=2.0, half_life_days=7.0)
    assert recency.factor("2023-08-25") == pytest.approx(3.0)
    assert recency.factor("2023-08-18") == pytest.approx(2.0)
    assert recency.factor("2015-08-12") == pytest.approx(1.0, abs=1e-6)
    assert recency.factor(None) == 1.0
    assert recency.age_days("2023-08-20") == 5


def test_a_season_covers_its_end_year_and_an_iso_date_is_no_season():
    from assistant.retrieval.terms import years_covered
    assert years_covered("the 2022-23 season") == {"2022", "2023"}
    assert years_covered("on 2011-12-05") == {"2011"}


def test_an_article_dated_by_month_or_year_is_outside_the_window_only_if_its_last_day_is():
    this_week = Recency(date(2024, 8, 23), 1.0, 30.0, 7, True)
    assert not this_week.outside_window("2024-08", 3.0)  # it may be from August 23
    assert not this_week.outside_window("2024", 3.0)
    assert this_week.outside_window("2024-07", 3.0) and this_week.outside_window("2024-07-31", 3.0)
    assert [published_in_words(p) for p in ("2022-10-05T12:00:00", "2022-10", "2022")] == [
        "2022-10-05", "in October 2022", "in 2022"]
