"""What a sentence contains, as the answer picker needs to know it: counts, dates, people, reasons,
places, and who is speaking.

Plain patterns over English news prose, for the sentence picker and the support check: these cues (a
number next to a noun, a month name, "because", "he said") are what the question types hinge on, and
they must be cheap per sentence, so they do not wait for a parse. Short answers use spaCy's entities,
found at ingest (``candidates``).
"""

from __future__ import annotations

import re

from assistant.wordlists import MONTHS, NUMBER_WORDS

WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
# Verb forms that are rarely nouns too ("reports", "claims" and "notes" usually are).
REPORTING_VERBS = ("said says say told tells added adds stated warned warns noted explained claimed alleged "
                   "alleges urged urges argued argues insisted concluded announced asked called blamed "
                   "described declared commented wrote continued admitted denied reported").split()
PRONOUNS = "he she it they we i".split()
# Capitalised words that name roles or institutions rather than someone or somewhere in particular.
GENERIC_CAPITALISED = frozenset(
    """mr mrs ms dr minister ministry prime deputy president vice secretary general director chairman
    chairwoman chairperson chair department committee commission council office national government
    interior justice foreign state report agency police court army military the a an in on of and for
    to at by with from""".split()
)
# Words that make a capitalised run an organisation, place or document rather than a person.
NOT_PERSON = frozenset(
    """ministry department committee commission council office national government agency police court
    army military report embassy organisation organization group association union bank fund task force
    university school academy province district city village commune state states kingdom republic
    united nations house party times post press news list watch tier level human rights asia southeast
    east west north south trafficking persons counter""".split()
) | frozenset(m for m in MONTHS) | frozenset(WEEKDAYS)
ROLE_NOUNS = re.compile(
    r"\b(?:minister|secretary|director|director-general|chairman|chairwoman|chairperson|chair|vice-chair\w*|"
    r"head|spokes(?:person|man|woman)|investigator|official|president|ambassador|governor|commissioner|"
    r"officer|chief|deputy|leader|member|founder|researcher|analyst|reporter|editor|lawyer|judge|adviser|"
    r"advisor|coordinator|manager|representative|envoy|mayor|senator|general)\b",
    re.IGNORECASE,
)

# Offices one person holds at a time: "which minister", "who is the ambassador" asks for its holder,
# and a holder of another office does not answer (unlike "official" or "leader", said of many).
POSITION = re.compile(r"(?:chair(?:man|woman|person)?|president|minister|director|governor|secretary|mayor|"
                      r"premier|chancellor|commissioner|ambassador|senator|spokes(?:person|man|woman)|editor|"
                      r"envoy|ceo)s?", re.IGNORECASE)

_MONTH = "|".join(m.capitalize() for m in MONTHS)
_DATE = re.compile(
    rf"\b(?:(?:{_MONTH})\.?(?:\s+\d{{1,2}})?(?:,?\s+\d{{4}})?|\d{{1,2}}\s+(?:{_MONTH})|(?:1[89]|20)\d\d"
    rf"|{'|'.join(d.capitalize() for d in WEEKDAYS)}|yesterday|today|tomorrow|tonight"
    rf"|(?:last|this|next|earlier this|later this)\s+(?:week|month|year|weekend)|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})\b"
)
EXPLAINS_OTHER_STRENGTH = 0.3
_CAUSE_FIRST = frozenset({"therefore", "thus", "hence", "as a result", "led to", "caused"})
_UNORDERED = frozenset({"reason", "reasons", "blamed"})  # "the reason for X is Y", "blamed X on Y"
_YEAR_ONLY = re.compile(r"^(?:1[89]|20)\d\d$")
_NUMBER = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")
_LABEL_BEFORE = re.compile(r"\b[A-Z][\w]*[ -]$")
_NUMBER_WORD = re.compile(rf"\b(?:{'|'.join(NUMBER_WORDS)})\b", re.IGNORECASE)
_REASON = re.compile(
    r"\b(?:because|due to|owing to|as a result of|result of|as a result|therefore|thus|hence|reasons?|"
    r"caused by|caused|led to|so that|blamed)\b", re.IGNORECASE,
)
# Purposes and circumstances: often the answer to "why", but weaker evidence of one.
_PURPOSE = re.compile(
    r"\b(?:in order to|since|citing|cited|spurred by|in response to|after|so as to|aimed at|in an effort to|"
    r"to (?:find|stop|curb|combat|prevent|protect|address|promote|ensure|eliminate))\b", re.IGNORECASE,
)
_PLACE = re.compile(
    r"\b(?:province|district|commune|village|city|capital|country|countries|border|region|town|street|"
    r"(?:in|at|from|into|near|across|throughout)\s+(?:the\s+)?[A-Z][\w’'-]+)\b"
)
_QUOTE = re.compile(r"[“”\"]")
QUOTATION = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)")  # a quoted passage, to its end if unclosed
_REPORTING = re.compile(rf"\b(?:{'|'.join(REPORTING_VERBS)}|according to)\b", re.IGNORECASE)
_PRONOUN_SPEAKER = re.compile(
    rf"(?:^|[,”\"]\s*)(?:{'|'.join(PRONOUNS)})\s+(?:also\s+|then\s+|later\s+)?(?:{'|'.join(REPORTING_VERBS)})\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"\b[A-Z][a-zA-Z’'-]+(?:\s+[A-Z][a-zA-Z’'-]+)*")
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Minister|Director|Chairman|Spokesperson|President)\.?\s+[A-Z][a-z]+")


_RELATIVE_UNIT = re.compile(r"\b(?:last|this|next|that|the same|the previous|the following) (month|year)\b", re.I)
_ISO_DATE = re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b")
_YEARISH = re.compile(r"\b(?:1[89]|20)\d\d(?:s\b|\b)|(?<!\w)['’]\d\d\b")


def has_date(text: str) -> bool:
    return bool(_DATE.search(text))


def names_month(text: str) -> bool:
    """A month by name or abbreviation, capitalised as written ("in March", "Feb. 19", "MAY 5"; not
    "may"), or said relative to now ("last month"), or in an ISO date."""
    return (any(w.lower() in MONTHS for w in re.findall(r"\b[A-Z][A-Za-z]+\b", text))
            or "month" in _relative_units(text) or bool(_ISO_DATE.search(text)))


def names_year(text: str) -> bool:
    """A year ("2020", "the 1990s", "'98"), or one said relative to now ("last year")."""
    return bool(_YEARISH.search(text)) or "year" in _relative_units(text)


def _relative_units(text: str) -> set[str]:
    return {unit.lower() for unit in _RELATIVE_UNIT.findall(text)}


def counts(text: str) -> list[str]:
    """Numbers that can answer "how many": not years, not the day in "July 26"."""
    day_spans = [m.span() for m in _DATE.finditer(text)]
    found = []
    for m in _NUMBER.finditer(text):
        if _YEAR_ONLY.match(m.group().rstrip("%")) or any(a <= m.start() < b for a, b in day_spans):
            continue
        if not names_a_label(text, m.start()):
            found.append(m.group())
    for m in _NUMBER_WORD.finditer(text):
        if not names_a_label(text, m.start()):
            found.append(m.group())
    return found


def names_a_label(text: str, at: int) -> bool:
    """The number starting at ``at`` is part of a name, not a quantity: "Tier 2", "Group 15" and
    "Covid-19" (a capitalised word before it, unless that word opens the sentence: "Approximately
    5,760"), or "Level One and Two" (a capitalised number word inside the sentence)."""
    if text[at].isalpha():
        return text[at].isupper() and at > 0 and not text[:at].rstrip().endswith(("“", '"'))
    label = _LABEL_BEFORE.search(text, 0, at)
    return bool(label) and (label.group().endswith("-") or bool(text[:label.start()].strip(" “\"(")))


def count_near(text: str, focus: list[str], reach: int = 8) -> bool:
    """A count sits within ``reach`` words of one of the ``focus`` stems ("398 Vietnamese")."""
    from assistant.retrieval.terms import stem_all, words

    tokens = words(text)
    stems = stem_all(tokens)
    amounts = {c.replace(",", "").lower() for c in counts(text)}
    count_at = [i for i, t in enumerate(tokens) if t in amounts]
    focus_at = [i for i, t in enumerate(stems) if any(t.startswith(f) or f.startswith(t) for f in focus if len(t) > 2)]
    return any(abs(i - j) <= reach for i in count_at for j in focus_at)


def reason_strength(text: str, asked: list[str] = ()) -> float:
    """1 for a stated cause ("because", "due to"), 0.7 for a purpose or circumstance, else 0. A cause
    of something else scores low: in "he regretted that ..., because the downgrading affects ...", the
    downgrade (one of the ``asked`` stems) is the cause, not what the reason explains."""
    cause = _REASON.search(text)
    if cause:
        return EXPLAINS_OTHER_STRENGTH if _explains_other(text, cause, asked) else 1.0
    return 0.7 if _PURPOSE.search(text) else 0.0


def _explains_other(text: str, cause: re.Match, asked: list[str]) -> bool:
    from assistant.retrieval.terms import index_terms, term_present

    connective = cause.group().lower()
    if not asked or connective in _UNORDERED:
        return False
    before, after = text[:cause.start()], text[cause.end():]
    if connective in _CAUSE_FIRST:  # "Y, therefore X" and "Y led to X" explain what follows
        effect, reason = after, before
    elif not before.strip(" “\"("):  # "Because Y, X": the effect follows the cause's clause
        clause, comma, rest = after.partition(",")
        effect, reason = (rest, clause) if comma else ("", after)
    else:  # "X because Y", "X as a result of Y", "X was caused by Y"
        effect, reason = before, after
    effect_terms, reason_terms = frozenset(index_terms(effect)), frozenset(index_terms(reason))
    return not any(term_present(t, effect_terms) for t in asked) and any(term_present(t, reason_terms) for t in asked)


def has_place(text: str) -> bool:
    return bool(_PLACE.search(text))


def names(text: str) -> list[str]:
    """Capitalised word runs that are not just a sentence-initial word or a generic title."""
    out = []
    for m in _CAPITALISED.finditer(text):
        tokens = m.group().split()
        if m.start() == 0 or text[:m.start()].rstrip().endswith(("“", '"', ".", ":")):
            if len(tokens) == 1:
                continue
        if all(t.lower().strip("’'") in GENERIC_CAPITALISED for t in tokens):
            continue
        out.append(m.group())
    return out


def proper_names(text: str) -> list[str]:
    """Name runs that are not just a month or weekday ("October" names no one)."""
    calendar = set(MONTHS) | set(WEEKDAYS)
    return [n for n in names(text) if not all(t.lower().strip(".,") in calendar for t in n.split())]


def people(text: str) -> list[str]:
    """Name runs that look like people: two to four capitalised words, none of them institutional."""
    found = [m.group() for m in _TITLED.finditer(text)]
    for name in names(text):
        tokens = [t.lower().strip("’'s") for t in name.split()]
        if 2 <= len(tokens) <= 4 and not any(t in NOT_PERSON or t in GENERIC_CAPITALISED for t in tokens):
            found.append(name)
    return found


def has_person(text: str) -> bool:
    return bool(people(text))


def has_role(text: str) -> bool:
    return bool(ROLE_NOUNS.search(text))


_SPEECH_QUOTE = re.compile(r"^\s*[“\"]|[.,?!…]\s*[”\"]|[“\"][^”\"]*$")


def is_attributable(text: str) -> bool:
    """A quote or a reported claim: the reader needs to know who says so. Quoted titles and
    scare quotes ("the “Tier 3” list") are not speech."""
    return bool(_SPEECH_QUOTE.search(text) or _REPORTING.search(text))


def names_its_speaker(text: str) -> bool:
    """The sentence says who is speaking, rather than "he said" or a bare quote."""
    if _PRONOUN_SPEAKER.search(text):
        return False
    outside = _outside_quotes(text)
    if not _REPORTING.search(outside) and not outside.rstrip().endswith(":"):
        return False
    return bool(names(outside)) or bool(re.search(r"\bthe (?:report|statement|post|ministry|government)\b",
                                                  outside, re.IGNORECASE))


def _outside_quotes(text: str) -> str:
    return QUOTATION.sub(" ", text)
