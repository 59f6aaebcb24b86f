"""What every answer in the tests must be, and the sample corpus's articles by name."""

from __future__ import annotations

import re

from assistant import Answer

KIRIPOST = "002_7f55eb3e11389810.txt"
PHNOM_PENH_POST = "000_01c3a06e8fece3df.txt"
VOD = "001_ddf65abcec06f887.txt"
KHMER_TIMES = "003_4d63d15f2f6ef595.txt"
SPEECH = "004_4bffa7ea486c87aa.txt"


def assert_well_formed(bot, answer: Answer) -> None:
    """[n] means citations[n-1]; every citation is used; every passage is the exact article slice."""
    used = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert used == {c.n for c in answer.citations}
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        article = bot.article(c.source)
        assert article.text[c.start:c.end] == c.passage
