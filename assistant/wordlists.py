"""English word lists several parts read: month names for dates, abbreviations that do not end a
sentence, and number words (answers are checked against digits and words alike)."""

from __future__ import annotations

MONTH_NAMES = "january february march april may june july august september october november december".split()
MONTH_ABBREVIATIONS = "jan feb mar apr jun jul aug sep sept oct nov dec".split()
MONTHS = MONTH_NAMES + MONTH_ABBREVIATIONS
# "zero" to "twenty", each at the index of its value.
SMALL_NUMBERS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                 "sixteen seventeen eighteen nineteen twenty").split()
NUMBER_WORDS = SMALL_NUMBERS[1:] + ("thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand "
                                    "thousands million millions billion dozen dozens half several").split()
