"""Candidate short answers: spans of the expected type in the best sentences, pooled across articles.

A mention is an entity (found at ingest) of a label the question can be answered with, in one of the
sentences the picker scored, that is not already part of the question ("Kevin McCarthy" does not answer
"Which state does Kevin McCarthy represent?"), or the person a sentence's "he" or "his" refers to. A
sentence that itself asks ("What is Spotify Wrapped?") offers none. Its score is its sentence's score,
how well its label fits, how close it sits to the question's words in that sentence and how many of
the question's words stand around it as around the asked slot. Mentions of the same answer are pooled
("McCarthy" joins "Kevin McCarthy", "Phantom" joins "The Phantom of the Opera", "Rafa Nadal" joins
"Rafael Nadal"), and news repeats
facts, so an answer that several articles give outweighs one lucky sentence: each further article
adds ``agreement`` times its best mention, when that mention's sentence carries some of what the
question says.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable

from assistant.answering import features
from assistant.answering.answer_type import (DURATION_STEMS, LABEL_PROTOTYPES, MEASURE_HEADS, NAMING_VERBS, PLACES,
                                             SCORE, AnswerType)
from assistant.retrieval.dates import Recency
from assistant.answering.article_text import ArticleText
from assistant.retrieval.terms import (POSSESSIVE_END, STOPWORDS, YEAR, YEAR_RANGE, index_terms, name_key,
                                      stem_all, term_present, words, years_covered)


FULL_FORM_RATIO = 0.5
PLACE_LABELS = frozenset({"GPE", "LOC"})
# The category words of places (answer_type's prototypes): a place's own kind word says what it is.
SETTLEMENTS = frozenset({"city", "town"})  # what "Vancouver, Washington" names first
REALMS = frozenset({"state", "country", "province"})  # and after the comma
# Administrative divisions are kinds of place too: news names a place with one ("Orange County", "Kandal
# province's Ang Snuol district"), and then it answers no "which state" or "which province". Listed because
# the prototypes, which only type a question's head noun, need no words for them.
DIVISIONS = frozenset({"county", "district", "commune", "village", "municipality", "borough", "prefecture", "parish"})
PLACE_KINDS = (frozenset(w for label in ("GPE", "LOC", "FAC") for w in LABEL_PROTOTYPES[label].split(", "))
               - {"nation"}) | DIVISIONS
TITLE_LABELS = frozenset({"WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})  # shortened by their first words
EXPANDABLE = frozenset({"PERSON", "ORG"})  # labels whose short forms full_form() spells out
_POSSESSIVE_START = re.compile(r"[’']s\b")
_LINKS = frozenset({"of", "for", "in", "on", "at", "and", "to", "de"})  # words a name's tail never follows
# Words that open a phrase after a comma that does not say what the name before it is: a preposition
# places it, a negation denies it ("Mitt Romney, not a Democrat,").
_NOT_AN_APPOSITION = frozenset("in at on near from of for with by to into after before during across over under "
                               "not no nor never neither against unlike than without except".split())
_STOPWORD_STEMS = frozenset(stem_all(sorted(STOPWORDS)))
_OPENING_QUOTES = "“‘\"'"
_CLOSING = " ”\"’(-–—,;:"  # what a name's span may end with that is not the name
_ARTICLE_QUOTE = re.compile(r"(?:the|an?) [“‘\"]", re.IGNORECASE)
# A quote glued to the capital after it: in a headline run together ("'The Little Mermaid'Halle Bailey
# keeps ...") it closes a title and the name starts after it; in "O'Brien" it opens nothing earlier.
_GLUED_QUOTE = re.compile(r"[’'”\"](?=[A-Z])")
_OPENER_OF = {"’": "‘", "”": "“", "'": "'", '"': '"'}
# Words that make a role another role: the vice-chair does not chair, the former minister is not the
# minister. spaCy's parse links a title to its holder but does not know that "vice" changes it, so the
# qualifiers are listed here.
ROLE_QUALIFIERS = frozenset("vice deputy former acting assistant co ex interim associate".split())
_ROLE_WORD = re.compile(r"(?:chair|president|minister|director|head|governor|secretary|leader|mayor|"
                        r"premier|chancellor|commissioner|manager|editor|captain|coach)", re.IGNORECASE)
COUNT_REACH = 4
ROLE_REACH = 10  # words either side of a mention in which its title stands
MAX_FURTHER_ARTICLES = 3  # agreement counts at most this many articles besides the best one
SLOT_WORDS = 3  # words either side of a question's asked slot compared with a mention's
REFERENT_REACH = 2  # sentences back in which a pronoun's person is looked for
_THIRD_PERSON = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|HE|SHE|HIS)\b|^\W*Her\b")
# Labels of values, not names: they answer "when" and "how many", never "which missiles".
VALUE_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", SCORE})
# A year a sentence measures from rather than happens in ("its first title since 1986", "the most
# since the 2016 election"): it does not date what the sentence reports.
_REFERENCE_YEAR = re.compile(r"\b(?:since|before|after|than)\s+(?:[\w’'-]+\s+){0,2}?(?:1[89]|20)\d\d\b",
                             re.IGNORECASE)
# A game's result: two numbers of up to three digits joined by a hyphen or dash ("39-38", "84–82"),
# not part of a longer figure, date or range of years, nor a team's record: in brackets ("Princeton
# Tigers (11-1)") or after a verb of being or moving to ("are 2-1 in home games", "improved to 8-4").
_RECORD_BEFORE = re.compile(r"(?:\b(?:is|are|was|were|go|goes|went|gone|to)\s+|\()$", re.I)
_SCORE = re.compile(r"(?<![\w.,:/–-])\d{1,3}\s?[-–]\s?\d{1,3}(?![\w/–-]|[.,:]\d|\s?(?:[ap]\.?m\b|percent|%))")
APPOSITION_WORDS = 6  # "a U.S.-provided long-range missile"
# Where a clause ends: punctuation, a sentence's full stop (not the one of "U.S."); an apposition ends
# at a relative clause too.
_CLAUSE_END = re.compile(r"[,;:!?()—–]|(?<![A-Z])\.\s")
_APPOSITION_END = re.compile(_CLAUSE_END.pattern + r"|\b(?:that|which|who)\b")
_CLAUSE_BREAK = re.compile(r"[,;]|\b(?:and|but)\b")
# How English introduces a name: after a naming verb or a colon, optionally in quotes and with "the"
# ('called "The Shotline"', 'its lineup: "Coca-Cola Spiced"'). spaCy labels what a name is, not that a
# sentence is naming something, so the few naming verbs are listed (answer_type's NAMING_VERBS).
_INTRODUCED_AFTER = re.compile(rf"(?:\b(?:{'|'.join(sorted(NAMING_VERBS))}|known\s+as|name\s+(?:is|was))|:)"
                               r"(?:\s+(?:the|an?))?\s*[“‘\"']?$", re.IGNORECASE)
# A quotation opened by an article or after a comma ('the "Exonerated Five"', 'the project, "The Shotline"'):
# one right after a word is most often what a verb says or chants ('chanted "Sarah Miller"').
_QUOTE_OPENED = re.compile(r"(?:[,(]\s*|\b(?:the|an?)\s+)[“‘\"']$", re.IGNORECASE)
_QUOTE_OPENS_AT = re.compile(r"[“‘\"']$")
_CLAUSE_ENDS = re.compile(r"\s*(?:[,;:!?()—–.]|$)")
# A description shares at least two of the question's own words beyond the kind, its names and owners
# ("a website that uses these AI-generated monologues" for "the project that uses AI to recreate the
# voices of gun violence victims"): one shared word is often the topic ("a company spokeswoman").
DESCRIBED_MIN_SHARED = 2
SPEECH_REACH = 4  # words before a colon or quote where a reporting verb makes it speech ("told staff on Monday:")
_QUOTE_CLOSED = re.compile(r"[”’\"'](?![^\W_])")  # not the apostrophe of a possessive ("Coke’s")
_DEFINED_AFTER = re.compile(r"[”’\"']?, an? ")  # "The Shotline, a website that ...": what the new name is
_POINT_IN_TIME = frozenset({"last", "this", "next", "every", "each"})
_SINCE_END = re.compile(r"\bsince\s+(?:the\s+)?$", re.IGNORECASE)
PROXIMITY_REACH = 12  # words: a mention this far from every question word keeps half its proximity credit


@dataclass(frozen=True)
class Mention:
    """One occurrence of a candidate answer: ``doc.article.text[start:end]``, scored for sentence
    ``sentence`` (where it stands, or, for the person a "he" refers to, the pronoun's sentence)."""

    doc: ArticleText
    sentence: int
    start: int
    end: int
    label: str
    score: float
    key: tuple[str, ...] = ()
    fit: float = 1.0  # how well it is what the question asks for: label, role, what a number counts
    introduced: float = 1.0  # the factor its score took for a sentence that introduces it as a name

    @property
    def text(self) -> str:
        return self.doc.article.text[self.start:self.end]

    @property
    def source(self) -> str:
        return self.doc.article.source


@dataclass
class CandidateAnswer:
    """All mentions of one answer, best first, and the pooled score."""

    key: tuple[str, ...]
    mentions: list[Mention] = field(default_factory=list)
    score: float = 0.0
    # Each further article's best mention in a sentence that says some of what the question says: the
    # articles that agree, which the score counts and the answer cites.
    agreeing: list[Mention] = field(default_factory=list)

    @property
    def best(self) -> Mention:
        """The mention to show: the best one that gives the answer in full ("Buffalo Bills", not
        "Bills"; "Rafa Nadal" names him in full too), unless it scores far below the best short form. A
        sentence's introducing a form as a name ('"Phantom" lagged') says which answer a naming
        question wants, not which form to show."""
        top = self.mentions[0]
        full = next((m for m in self.mentions if m.key == self.key or given_name_form(m.key, self.key)), top)
        plain = full.score / full.introduced >= FULL_FORM_RATIO * top.score / top.introduced
        return full if plain else top

    def full_form(self) -> Mention | None:
        """Where the article gives the shown name in full, when the shown mention is a short form
        ("Bills" for "Buffalo Bills", "Nadal" for "Rafael Nadal"): news names someone in full once, then
        by surname, and a reader wants the full name. Only people and organisations (a state's name may
        end another's: "Virginia", "West Virginia"), only a full form that does not run across
        sentences, and only when the article gives one full form ("Biden" with both "Hunter Biden" and
        "Joe Biden" stays "Biden"). When the
        shown mention's article gives none, or only a short form of the given name ("Rafa Nadal"),
        another article's mention of the full name it was pooled with does."""
        shown = self.best
        if shown.label not in EXPANDABLE:
            return None
        doc = shown.doc
        short = name_key(shown.text)
        text = doc.article.text
        found: dict[tuple[str, ...], Mention] = {}
        for start, end, label in doc.article.entities:
            start, end = _trimmed(text, start, end)
            key = name_key(text[start:end])
            index = doc.index_at(start)
            if label == shown.label and len(key) > len(short) and key[-len(short):] == short \
                    and index == doc.index_at(end - 1):
                found.setdefault(key, Mention(doc, index, start, end, label, shown.score, key, shown.fit))
        if self.key in found:
            return found[self.key]
        elsewhere = next((m for m in self.mentions if m.key == self.key and m.key != short), None)
        if elsewhere is not None and any(given_name_form(k, self.key) for k in found):
            return elsewhere  # "Rafa Nadal" here, "Rafael Nadal" in another article: the fuller form
        if found:  # one full form, or several and no telling which
            return next(iter(found.values())) if len(found) == 1 else None
        # None in this article: another article's mention in full, of the name the short form was pooled with.
        return elsewhere

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(m.source for m in self.mentions))

    def best_in_each_article(self, among: frozenset[tuple[str, int]] | None = None) -> list[Mention]:
        """Each article's best mention, or its best in the sentences ``among`` names (sources and indexes)."""
        seen: dict[str, Mention] = {}
        for m in self.mentions:
            if among is None or (m.source, m.sentence) in among:
                seen.setdefault(m.source, m)
        return list(seen.values())


@dataclass(frozen=True)
class ScoredSentence:
    """A sentence as the candidate finder sees it: where it is and how well it answers the question."""

    doc: ArticleText
    index: int
    score: float
    predicate: float = 0.0  # share of what the question says (beyond its names) that the sentence carries


@dataclass(frozen=True)
class Scoring:
    """How mentions are weighed: ``agreement`` per further article, ``centrality`` for an answer its
    article keeps naming (news is about its main actors), ``headline`` for one in the article's title,
    and ``recency`` (a ``Recency`` or None) for articles published just before the question's date."""

    agreement: float = 0.5
    centrality: float = 0.15
    headline: float = 0.3
    recency: Recency | None = None
    window_slack: float = 3.0
    commonness: Callable[[tuple[str, ...]], float] | None = None  # share of the corpus's chunks naming a key
    # A mention's score is its sentence's x fit^fit_exponent x closeness^closeness_exponent x recency^...:
    # the powers were fitted by coordinate search on both dev case files at once (sample and news), for
    # the share of questions whose best candidate is right. Label fit counts less than its face value,
    # closeness to the question's words more, and recency (already in retrieval's ranking) half again.
    fit_exponent: float = 0.5
    closeness_exponent: float = 2.0
    recency_exponent: float = 0.5
    qualified_role_fit: float = 0.3  # "vice-chair" beside the answer to "who chairs"
    unbound_count_fit: float = 0.4  # a number without what "how many" counts beside it
    out_of_window_fit: float = 0.3  # "this week", and the mention's article is months old
    asked_year: str | None = None  # the one year the question names ("in 2022")
    other_year_fit: float = 0.3  # the mention's sentence dates itself to other years only ("In February 2019, ...")
    pronoun_fit: float = 0.7  # the person "he"/"his" refers to (``_referent``)
    cloze: float = 0.0  # bonus per word the sentence shares with the question right around the asked slot
    introduced: float = 0.0  # bonus for a name the sentence introduces as one, when the question asks for a name
    described: frozenset[str] = frozenset()  # the question's stems a name's description may share (``described_terms``)
    slot: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # the question's words before (nearest first) and after it
    done: frozenset[str] = frozenset()  # stems of the verbs the question states as done ("fined", not "to fine")
    elsewhere: frozenset[str] = frozenset()  # stems of the question's other clauses (``short_answer.other_clauses``)


def score_spans(sentences: list[ScoredSentence]) -> dict[tuple[str, int], list[tuple[int, int, str]]]:
    """The game results in each sentence, as spans of its article: what answers "By what score ...?"."""
    out: dict[tuple[str, int], list[tuple[int, int, str]]] = {}
    for s in sentences:
        base = s.doc.spans[s.index].start
        sentence = s.doc.sentence(s.index)
        found = [(base + m.start(), base + m.end(), SCORE) for m in _SCORE.finditer(sentence)
                 if not _RECORD_BEFORE.search(sentence[max(0, m.start() - 12):m.start()])]
        if found:
            out[(s.doc.article.source, s.index)] = found
    return out


def find_candidates(atype: AnswerType, sentences: list[ScoredSentence], question_stems: frozenset[str],
                    scoring: Scoring, extra_spans: dict[tuple[str, int], list[tuple[int, int, str]]] | None = None,
                    ) -> list[CandidateAnswer]:
    """Candidates best first. ``extra_spans`` adds spans (noun phrases) to chosen sentences."""
    best_sentence = max((s.score for s in sentences), default=0.0) or 1.0
    kind_stems = frozenset(stem_all(words(atype.head)))
    kind_word = (words(atype.head)[-1:] or [""])[0]
    kind_noun = (stem_all([kind_word]) if kind_word else [""])[0]
    wants_length = atype.wh == "how long" or (atype.wh == "how many" and kind_noun in DURATION_STEMS)
    counts_numbers = _a_measure_of_numbers(atype.head)
    pooled: dict[tuple[str, ...], CandidateAnswer] = {}
    for s in sentences:
        spans = list(s.doc.entities_in(s.index)) + list((extra_spans or {}).get((s.doc.article.source, s.index), []))
        if not spans:
            continue  # a sentence that names nothing rarely states who did it, even with a "he"
        sentence, sentence_start = s.doc.sentence(s.index), s.doc.spans[s.index].start
        if _asks(sentence):
            continue  # "What is Spotify Wrapped?" names a topic, it does not answer anything
        referent = _referent(s.doc, s.index) if atype.weight("PERSON") * scoring.pronoun_fit > 0 else None
        stated = years_covered(_REFERENCE_YEAR.sub(" ", sentence)) if scoring.asked_year else set()
        dated = scoring.other_year_fit if stated and scoring.asked_year not in stated else 1.0
        anchors = _anchor_positions(s.doc, s.index, question_stems)

        def add(start: int, end: int, label: str, key: tuple[str, ...], fit: float,
                pronoun_at: int | None = None, kind_said: bool = False) -> None:
            """Pools a mention; the person a pronoun means is measured from the pronoun, without cloze.
            ``kind_said``: the text says the mention is one of the kind asked for, in the question's own
            word ("Democrat Charlie Crist" for "Which Democrat"; "golfers Seve Ballesteros and ..." names
            several)."""
            around = [a for a in anchors if not start <= a < end]  # its own words are not its context
            closeness = _proximity(s.doc, s.index, start if pronoun_at is None else pronoun_at, around)
            score = ((s.score / best_sentence) * fit ** scoring.fit_exponent
                     * (0.6 + 0.4 * closeness) ** scoring.closeness_exponent * _prominence(s.doc, key, scoring))
            if scoring.cloze and pronoun_at is None:
                score *= 1.0 + scoring.cloze * _fills_slot(s.doc, start, end, scoring.slot, scoring.elsewhere)
            if kind_said or (label in PLACE_LABELS and _ends_with_kind(s.doc.article.text[start:end], kind_noun)):
                score *= 1.0 + scoring.cloze  # the asked kind is in the slot, as one cloze word
            introduced = 1.0
            if atype.naming and pronoun_at is None and _introduced(s.doc.article.text, sentence_start, start, end,
                                                                   scoring.described - kind_stems):
                introduced += scoring.introduced
            pooled.setdefault(key, CandidateAnswer(key)).mentions.append(
                Mention(s.doc, s.index, start, end, label, score * introduced, key, fit, introduced))

        for start, end, label in spans:
            start, end = _trimmed(s.doc.article.text, start, end)
            fit = atype.weight(label)
            before = _word_before(s.doc.article.text, start)
            named = _named_with_kind(s.doc.article.text, before, end, label, kind_noun, atype)
            kind_said = (_described_as(s.doc.article.text, end, label, kind_stems)
                         or _names_its_kind(s.doc.article.text[start:end], label, kind_noun, atype)
                         or (named and before == kind_word))
            if kind_said or named:
                fit = 1.0  # "ATACMS, U.S.-provided long-range missiles": the text says what it is
            fit *= dated  # "In February 2019, 154 died in Assam" does not say who died in 2022
            if fit <= 0:
                continue
            text = s.doc.article.text[start:end]
            key = name_key(text)
            if not key or _in_question(key, label, question_stems, kind_stems):
                continue
            if label == "CARDINAL" and features.names_a_label(sentence, start - sentence_start):
                continue  # "Level One and Two", "Tier 2": part of a name
            fit *= _date_precision(label, text, atype.head, wants_length,
                                   s.doc.article.text[max(sentence_start, start - 12):start])
            if _qualified_role(s.doc, start, end, question_stems):
                fit *= scoring.qualified_role_fit
            if _unrealised(s.doc, start, scoring.done):
                fit *= scoring.qualified_role_fit
            if label in PLACE_LABELS and _another_kind_of_place(s.doc, start, end, key, atype.head):
                fit *= scoring.qualified_role_fit  # "Washington state's" does not answer "which city"
            counted = (atype.wh == "how many" or (atype.wh == "how much" and label == "CARDINAL")
                       or (label == "CARDINAL" and counts_numbers))
            if counted and atype.head and not _counts(s.doc, start, end, atype.head):
                fit *= scoring.unbound_count_fit
            add(start, end, label, key, fit, kind_said=kind_said)
        if referent is not None:
            at, (start, end, label) = referent
            start, end = _trimmed(s.doc.article.text, start, end)
            key = name_key(s.doc.article.text[start:end])
            if key and not _in_question(key, label, question_stems, kind_stems):
                add(start, end, label, key, atype.weight(label) * scoring.pronoun_fit, pronoun_at=at)
    merged = _merge_short_forms(pooled)
    all_names = not any(s.predicate > 0 for s in sentences)
    saying = frozenset((s.doc.article.source, s.index) for s in sentences if s.predicate > 0 or all_names)
    for cand in merged:
        cand.mentions.sort(key=lambda m: -m.score)
        cand.agreeing = [m for m in cand.best_in_each_article(saying) if m.source != cand.mentions[0].source]
        cand.score = pooled_score(cand, scoring.agreement)
    return sorted(merged, key=lambda c: (-c.score, c.key))


def pooled_score(cand: CandidateAnswer, agreement: float) -> float:
    """The best mention, plus ``agreement`` times each further article's best mention among its
    sentences that say some of what the question does (``cand.agreeing``).
    An article that only names the answer ("Biden returns to Rehoboth Beach, Delaware on Sunday" for
    "Biden left for a vacation in which state?") does not agree with anything. When no sentence carries
    any of the question's words beyond its names (a question that is all names, "Who is Taylor
    Swift?"), ``find_candidates`` counts every sentence as saying it, so articles agree as before."""
    further = [m.score for m in cand.agreeing]
    return cand.mentions[0].score + agreement * sum(further[:MAX_FURTHER_ARTICLES])


def _merge_short_forms(pooled: dict[tuple[str, ...], CandidateAnswer]) -> list[CandidateAnswer]:
    """A key that is the tail of a longer one ("mccarthy" of "kevin mccarthy", "bills" of "buffalo
    bills") is the same answer, and so is a title's opening ("Phantom" of "The Phantom of the Opera"):
    its mentions join the longer key that carries the most weight. A tail after "of" is another thing
    ("Cambodia" is not short for "Police Academy of Cambodia")."""
    weight = {k: sum(m.score for m in c.mentions) for k, c in pooled.items()}
    keys = sorted(pooled, key=len, reverse=True)
    into = _given_name_forms(pooled)
    titles = {k for k, c in pooled.items() if any(m.label in TITLE_LABELS for m in c.mentions)}
    for short in keys:
        if short in into:
            continue
        longer = [k for k in keys if len(k) > len(short) and k not in into and (
            (k[-len(short):] == short and k[-len(short) - 1] not in _LINKS)
            or (short in titles and k in titles and k[:len(short)] == short))]
        if longer:  # "Nadal" joins "Rafael Nadal", not the rarer "Toni Nadal"
            into[short] = max(longer, key=lambda k: weight[k])
    for short, long in into.items():
        pooled[long].mentions += pooled[short].mentions
    return [c for k, c in pooled.items() if k not in into]


def _given_name_forms(pooled: dict[tuple[str, ...], CandidateAnswer]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """People named with a short form of their given name ("Rafa Nadal", "Joe Smith") are the person
    the full form names ("Rafael Nadal", "Joseph Smith") when nothing else fits: same surname, and
    the short given name is the long one's opening letters or spelled within it from its first two
    ("Joe" in "Joseph"; "Dan" is not "Diana"). A short form two full ones fit ("Rob": "Robert",
    "Robin") is left alone. Returns each short form's key and the full one's."""
    people = [k for k, c in pooled.items() if len(k) >= 2 and any(m.label == "PERSON" for m in c.mentions)]
    into: dict[tuple[str, ...], tuple[str, ...]] = {}
    for short in people:
        fuller = [k for k in people if given_name_form(short, k)]
        if len(fuller) == 1:
            into[short] = fuller[0]
    return into


# The endings English given names add to make a feminine or pet form of another name ("Willow" of
# "Will", "Paulette" of "Paul", "Annie" of "Ann"). The longer name is then someone else's, not the full
# form a clipped one shortens, and no letter pattern tells those endings from a full form's ("Rafael"
# of "Rafa"): hence a list.
_DERIVED_NAME_ENDINGS = frozenset({"a", "e", "ie", "y", "ey", "ow", "ina", "ine", "ita", "etta", "ette", "elle"})


def given_name_form(short_key: tuple[str, ...], key: tuple[str, ...]) -> bool:
    """``short_key`` names the person ``key`` does with a clipped form of the given name: "Rafa Nadal"
    of "Rafael Nadal". The short given name is at least three letters and two shorter than the long
    one, has its first two letters and the rest in order within it, and is not the long one less a
    feminine or pet ending ("Will" is not "Willow", nor "Gabriel" "Gabrielle")."""
    short, given = short_key[0], key[0]
    if len(short_key) != len(key) or len(key) < 2 or short_key[1:] != key[1:]:
        return False
    if not (3 <= len(short) and len(short) + 2 <= len(given)) or short[:2] != given[:2]:
        return False
    if _derived_name(short, given):
        return False
    rest = iter(given[2:])
    return all(letter in rest for letter in short[2:])


def _derived_name(name: str, longer: str) -> bool:
    """``longer`` is ``name`` plus one of ``_DERIVED_NAME_ENDINGS``, its last letter maybe doubled
    before it ("Gabriel" and "Gabrielle")."""
    if not longer.startswith(name):
        return False
    added = longer[len(name):]
    return added in _DERIVED_NAME_ENDINGS or (added[0] == name[-1] and added[1:] in _DERIVED_NAME_ENDINGS)


def _fills_slot(doc: ArticleText, start: int, end: int, slot: tuple[tuple[str, ...], tuple[str, ...]],
                elsewhere: frozenset[str] = frozenset()) -> int:
    """How many of the question's words right before and after the asked slot stand right before and
    after the mention: "since at least 1950" fills "... since at least:", a quiz question being a news
    sentence with its answer taken out. At most ``SLOT_WORDS`` a side. The recogniser often takes the
    slot's own words into the span ("at least 1950"); those count as standing before it. Function
    words alone that follow a word of another clause of the question (``elsewhere``) tie the mention
    to that clause's thing, not to the slot."""
    sentence = doc.spans[doc.index_at(start)]
    text = doc.article.text
    if _POSSESSIVE_START.match(text, end):
        return 0  # "the cast of Apple TV+'s 'Ted Lasso'": the owner stands in front of the slot, not in it
    own = stem_all(words(text[start:end]))
    lead = max((k for k in range(len(own)) if own[:k][::-1] == list(slot[0][:k])), default=0)
    tail = max((k for k in range(len(own) - lead) if k and own[-k:] == list(slot[1][:k])), default=0)
    before = own[:lead][::-1] + stem_all(words(text[sentence.start:start])[-SLOT_WORDS:][::-1])
    after = own[len(own) - tail:] + stem_all(words(text[end:sentence.end])[:SLOT_WORDS])
    run = _shared_run(before, slot[0])
    if run < min(len(before), len(slot[0])) and all(w in _STOPWORD_STEMS for w in slot[0][:run]) \
            and before[run] in elsewhere:
        run = 0  # "the Democratic National Convention in Chicago" does not fill "a vacation in which state"
    return run + _shared_run(after, slot[1])


def _shared_run(found: list[str], asked: tuple[str, ...]) -> int:
    n = 0
    while n < min(len(found), len(asked)) and found[n] == asked[n]:
        n += 1
    return n


def _referent(doc: ArticleText, index: int) -> tuple[int, tuple[int, int, str]] | None:
    """Whom the sentence's "he", "she" or "his" means when it names no one before the pronoun: the
    person the sentences before name ("Bad Bunny had the top song ... His album was also Spotify's
    most streamed"). News puts the answer in the subject of one sentence and what it did in the next;
    without this the second sentence has no one to offer. spaCy's small pipeline has no coreference,
    so this is the plain reading: subject and possessive pronouns only ("him" may be anyone), the
    nearest sentence that names exactly one person before its own pronoun, and a sentence that itself
    opens with a pronoun passes its person on. Returns the pronoun's offset and the person's entity."""
    at = _pronoun_at(doc, index)
    if at is None or any(label == "PERSON" and start < at for start, _, label in doc.entities_in(index)):
        return None
    person = _antecedent(doc, index, REFERENT_REACH)
    return (at, person) if person is not None else None


def _antecedent(doc: ArticleText, index: int, reach: int) -> tuple[int, int, str] | None:
    for back in range(index - 1, max(-1, index - 1 - reach), -1):
        own = _pronoun_at(doc, back)
        people = [e for e in doc.entities_in(back) if e[2] == "PERSON" and (own is None or e[0] < own)]
        if own is not None and not people:
            return _antecedent(doc, back, reach - (index - back))  # "He ... He ...": the same person
        text = doc.article.text
        if len({name_key(text[a:b]) for a, b, _ in people}) > 1:
            return None  # two people named: no telling which one
        if people:
            return people[0]
    return None


def _pronoun_at(doc: ArticleText, index: int) -> int | None:
    """The offset of the sentence's first "he", "she", "his" (or an opening "Her") outside quotation
    marks (a quote's "he" is the speaker's, not the writer's), or None."""
    sentence = doc.sentence(index)
    quoted = [m.span() for m in features.QUOTATION.finditer(sentence)]
    for found in _THIRD_PERSON.finditer(sentence):
        if not any(a <= found.start() < b for a, b in quoted):
            return doc.spans[index].start + found.start()
    return None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """An entity's span without the quotes or bracket the recogniser took in (with an article before an
    opening quote), or a possessive "'s": the name as a reader would quote it ("The Phantom of the
    Opera", "Exonerated Five", "Spielberg")."""
    name = text[start:end]
    opening = len(name) - len(name.lstrip(_OPENING_QUOTES))
    if not name[opening:opening + 1].isdigit():  # "'90s" keeps its apostrophe
        start += opening
    quoted = _ARTICLE_QUOTE.match(text, start, end)
    if quoted:
        start = quoted.end()  # 'the "Exonerated Five"': the quote opens the name
    closing = [m.end() for m in _GLUED_QUOTE.finditer(text, start, end) if _closes_a_quote(text, m.start())]
    if closing:
        start = closing[-1]
    name = POSSESSIVE_END.sub("", text[start:end].rstrip(_CLOSING)).rstrip(_CLOSING)
    return start, start + len(name)


def _closes_a_quote(text: str, at: int) -> bool:
    """The quote at ``at`` closes a quoted title opened earlier on its line. For a quote that is also
    an apostrophe, the word it ends is a whole word (four letters or more: "N'Golo", "Ja'Marr" and
    "O'Brien" open with a short prefix); for a straight quote, an odd number of quotes open a word
    before it there (a possessive "Bengals'" or an apostrophe "It's" opens nothing)."""
    word = re.search(r"[A-Za-z]*$", text[max(0, at - 30):at]).group()
    if text[at] in "'’" and len(word) < 4:  # only these two are also apostrophes
        return False
    line = text[text.rfind("\n", 0, at) + 1:at]
    quote = text[at]
    opener = _OPENER_OF[quote]
    if opener == quote:
        opening = [i for i, c in enumerate(line) if c == quote
                   and not line[i - 1:i].isalnum() and line[i + 1:i + 2].isalnum()]
        return len(opening) % 2 == 1
    return line.rfind(opener) > line.rfind(quote)


def _another_kind_of_place(doc: ArticleText, start: int, end: int, key: tuple[str, ...], head: str) -> bool:
    """The place is named with its kind ("Washington state", "Kandal province", "New York City") and
    that kind is another than the one asked for ("which city"); both are category words of places. Or
    the article writes it beside another place ("Vancouver, Washington"): the one after the comma holds
    the first, so it answers "which state" or "which country", and the first answers "which city"."""
    asked = (words(head)[-1:] or [""])[0].rstrip("s")
    if asked not in PLACE_KINDS:
        return False
    text = doc.article.text
    inside = (words(text[start:end])[-1:] or [""])[0]
    after, following = (words(text[end:end + 40])[:2] + ["", ""])[:2]
    if after.rstrip("s") in DIVISIONS and (following == "of" or following and following not in STOPWORDS):
        after = ""  # "the Ohio village of East Palestine", "a Texas district judge": the state's, not its kind
    if any(kind in PLACE_KINDS and kind != asked for kind in (inside.rstrip("s"), after.rstrip("s"))):
        return True
    sides = place_sides(asked)
    return sides is not None and key in doc.place_pairs[sides[1]]


def place_sides(asked: str) -> tuple[int, int] | None:
    """Which side of ``ArticleText.place_pairs`` (0: the towns, 1: the places that hold them) is the
    kind of place asked for, and which the other; None when it asks for neither a settlement nor a
    realm."""
    return (0, 1) if asked in SETTLEMENTS else (1, 0) if asked in REALMS else None


def _described_as(text: str, end: int, label: str, kind_stems: frozenset[str]) -> bool:
    """The name is followed by an apposition whose head is the kind asked for ("ATACMS, U.S.-provided
    long-range missiles" for "which missiles"): that says what it is more surely than the entity
    recogniser's label, which called ATACMS a person. Only names: a date or a number before a comma
    opens a clause ("In 2023, the country lost ..."), and an apposition with an owner gives a role,
    not a kind ("Sam Altman, the company's chief executive")."""
    if not kind_stems or label in VALUE_LABELS or not text.startswith(", ", end):
        return False
    phrase = _APPOSITION_END.split(text[end + 2:end + 80], maxsplit=1)[0]
    found = words(phrase)
    return (0 < len(found) <= APPOSITION_WORDS and not _POSSESSIVE_START.search(phrase)
            and found[0] not in _NOT_AN_APPOSITION  # ", in San Bernardino County" places it; ", not a Democrat,"
            and stem_all(found[-1:])[0] in kind_stems)


def _verb_follows(text: str, end: int) -> bool:
    """The word after the name is a lower-case word that is no function word ("invaded" in "the country
    Vladimir Putin invaded"): the name opens a clause about the thing rather than naming it."""
    after = re.match(r"\s+([a-z][a-z-]*)", text[end:end + 30])
    return after is not None and after.group(1) not in STOPWORDS


def _ends_with_kind(name: str, kind_noun: str) -> bool:
    """A place's name ends with the kind of place asked for ("San Bernardino County" for "which
    county", "Kandal province" for "which province"): the name says it is one."""
    return bool(kind_noun) and stem_all(words(name)[-1:]) == [kind_noun]


def _named_with_kind(text: str, before: str, end: int, label: str, kind_noun: str, atype: AnswerType) -> bool:
    """The kind asked for stands right before the name ("backup quarterback Cooper Rush", "the
    supermarket chain Rewe", "the planet Uranus"): news says what a name is that way, and says it of
    kinds ("quarterback", "chain") MiniLM's typing of a lone word misses. Only names, and only before:
    a name before a kind mostly qualifies it ("a familiar Delaware restaurant, Bardea Food & Drink").
    A person opening a clause after a kind of thing that is no person is who acted on it ("the country
    Vladimir Putin invaded"); "the fashion brand Ralph Lauren on Monday" still names the brand.
    ``before``: the word right before the name (``_word_before``)."""
    if not kind_noun or label in VALUE_LABELS:
        return False
    if label == "PERSON" and atype.labels and "PERSON" not in atype.labels and _verb_follows(text, end):
        return False
    return bool(before) and stem_all([before])[0] == kind_noun


def _word_before(text: str, start: int) -> str:
    """The word right before ``start``, lower-cased ("" when none)."""
    before = re.search(r"([A-Za-z-]+)\s+$", text[max(0, start - 30):start])
    return before.group(1).lower() if before else ""


def _names_its_kind(name: str, label: str, kind_noun: str, atype: AnswerType) -> bool:
    """The name is the kind asked for and one word that tells which ("Tier 3" for "which tier",
    "Hurricane Ian" for "which hurricane"), or ends with it ("St. George's Cathedral" for "which
    cathedral"): the name says what it is whatever label the recogniser gave it. An organisation or a
    building does not answer for a place ("Ohio State" is no state, "City Hall" no city)."""
    if not kind_noun or label in VALUE_LABELS:
        return False
    if atype.labels and atype.labels <= PLACES and label in ("ORG", "FAC") and label not in atype.labels:
        return False
    stems = stem_all(words(name))
    return len(stems) >= 2 and (_ends_with_kind(name, kind_noun) or (len(stems) == 2 and kind_noun in stems))


def _introduced(text: str, sentence_start: int, start: int, end: int, described: frozenset[str]) -> bool:
    """The sentence introduces the span as a name: after "called", "named", "known as", "its name is"
    or a colon (ending its clause there), as the whole of a quotation ('the "Exonerated Five"'), or
    followed by what it is in the question's own words (``described``: the question's stems beyond the
    kind asked for, its names and owners, at least ``DESCRIBED_MIN_SHARED`` of them): "The Shotline, a
    website that uses these AI-generated monologues" for "the project that uses AI". What a question
    asks to be called is named so where the news first gives it; what someone says or chants is not."""
    before = text[max(sentence_start, start - 40):start]
    closed = bool(_QUOTE_CLOSED.match(text, end))
    introduced = _INTRODUCED_AFTER.search(before)
    if introduced or (_QUOTE_OPENED.search(before) and closed):
        if _QUOTE_OPENS_AT.search(before):
            whole = closed  # the quotation is the name, not a sentence that opens with it
        elif introduced.group().startswith(":"):
            whole = bool(_CLAUSE_ENDS.match(text, end))  # "a flavor: Coca-Cola Move.", not "told us: Sarah built it"
        else:
            whole = True  # "a new deli called Stu & Sammy's on Wednesday"
        lead = text[max(sentence_start, start - 80):start - len(introduced.group()) if introduced else start]
        return whole and not _spoken(lead)
    if not _DEFINED_AFTER.match(text, end):
        return False
    definition = _CLAUSE_END.split(text[end:end + 160].lstrip("”’\"', "), maxsplit=1)[0]
    return len({t for t in index_terms(definition) if term_present(t, described)}) >= DESCRIBED_MIN_SHARED


def _spoken(before: str) -> bool:
    """A reporting verb (``features.REPORTING_VERBS``, the speech the sentence picker knows) stands
    within ``SPEECH_REACH`` words before a colon or quote: what follows is what someone said ('told
    reporters: "Sarah Miller built this company."'), not a name being given."""
    return any(w.lower() in features.REPORTING_VERBS for w in words(before)[-SPEECH_REACH:])


def _asks(sentence: str) -> bool:
    """The sentence is itself a question (a headline's "When is the eclipse?", a quoted one)."""
    return sentence.rstrip(" ”\"'’)").endswith("?")


def _prominence(doc: ArticleText, key: tuple[str, ...], scoring: Scoring) -> float:
    """How much the article is about this answer: times it names it, in its title, and how recent it is.
    A name the whole corpus keeps using ("Cambodia" in articles about Cambodia) is its topic, not news
    about one article, so its title and repetition count for little."""
    particular = 1.0 - scoring.commonness(key) if scoring.commonness is not None else 1.0
    factor = 1.0 + particular * scoring.centrality * math.log(doc.mentions_of(key))
    if scoring.headline and _in_title(doc, key):
        factor *= 1.0 + particular * scoring.headline
    recency = scoring.recency
    if recency is not None:
        factor *= recency.factor(doc.article.published) ** scoring.recency_exponent
        if recency.outside_window(doc.article.published, scoring.window_slack):
            factor *= scoring.out_of_window_fit
    return factor


def _in_title(doc: ArticleText, key: tuple[str, ...]) -> bool:
    title = words(doc.title or "")
    n = len(key)
    return any(tuple(title[i:i + n]) == key for i in range(len(title) - n + 1))


def words_beside(doc: ArticleText, start: int, end: int) -> tuple[list[str], list[str]]:
    """The ``ROLE_REACH`` words before and after a span, within its sentence, as written: where a
    name's title stands ("Interior Minister Sar Kheng", "Chou Bun Eng, its vice-chair")."""
    text = doc.article.text
    sentence = doc.spans[doc.index_at(start)]
    before = re.findall(r"[^\W_]+", text[max(sentence.start, start - 80):start])[-ROLE_REACH:]
    after = re.findall(r"[^\W_]+", text[end:min(sentence.end, end + 80)])[:ROLE_REACH]
    return before, after


def _qualified_role(doc: ArticleText, start: int, end: int, question_stems: frozenset[str]) -> bool:
    """The mention holds another form of the role the question asks about: a qualified one ("vice-chair"
    next to Chou Bun Eng, for "Who chairs the committee?") or, when the question asks for the qualified
    role ("Who is the vice-chair?"), the plain one ("chaired by Sar Kheng")."""
    before, after = words_beside(doc, start, end)
    wanted = question_stems & ROLE_QUALIFIERS
    for side in (before, after):
        lowered = [w.lower() for w in side]
        for i, word in enumerate(lowered):
            if word in ROLE_QUALIFIERS or not term_present(stem_all([word])[0], question_stems):
                continue
            qualifier = lowered[i - 1] if i and lowered[i - 1] in ROLE_QUALIFIERS else None
            if wanted and qualifier is None and _is_role(word):
                return True
            if qualifier is not None and qualifier not in wanted:
                return True
    return False


def _unrealised(doc: ArticleText, start: int, done: frozenset[str]) -> bool:
    """The mention follows, in its clause, a verb the question states as done, written as an
    infinitive ("Prosecutors asked the judge to fine him $3,000" for "How much was he fined?"): the
    event is asked for, planned or expected there, not reported. ``done`` holds the verbs' stems; a
    word after "to" that ends in an "s" its stem lacks is a noun, not an infinitive ("sentenced to
    fines", "according to reports"). The clause starts after the last comma, semicolon, "and" or
    "but" ("asked to fine him, and the judge fined him $9,000" reports it)."""
    if not done:
        return False
    sentence = doc.spans[doc.index_at(start)]
    clause = _CLAUSE_BREAK.split(doc.article.text[sentence.start:start])[-1]
    before = [w.lower() for w in re.findall(r"[A-Za-z]+", clause)]
    return any(w == "to" and stem in done and not (v.endswith("s") and not stem.endswith("s"))
               for w, v, stem in zip(before, before[1:], stem_all(before[1:])))


def _is_role(word: str) -> bool:
    """A word that names a position a qualifier can change: one that "vice", "deputy" or "acting"
    commonly precede ("chair", "chairman", "president", "minister", "director", "head")."""
    return bool(_ROLE_WORD.match(word))


def _in_question(key: tuple[str, ...], label: str, question_stems: frozenset[str],
                 kind_stems: frozenset[str] = frozenset()) -> bool:
    """Every word of the candidate is already in the question, or the candidate is the place whose
    people the kind asked for names ("China" for "Which Chinese city", ``kind_stems`` being the head
    noun phrase's): it cannot be what the question asks. A demonym elsewhere leaves its country free
    ("Afghanistan" for "Where did the Afghan women flee from?")."""
    stems = stem_all([w for w in key if w not in STOPWORDS] or list(key))  # "May", "WHO" are words too
    place = label in PLACE_LABELS  # a place meets its demonym only through the kind asked for (below)
    shared = sum((t in question_stems) if place else term_present(t, question_stems) for t in stems)
    institution = label in ("ORG", "FAC")  # "Martin Luther King III" is not "Martin Luther King"
    if shared == len(stems) or (institution and len(stems) >= 4 and shared >= len(stems) - 1):
        return True  # or all but one word: "the Office of the High Commissioner for Human Rights" for "Who is the High Commissioner for Human Rights?"
    return place and len(stems) == 1 and any(_demonym_of(stems[0], q) for q in kind_stems)


def _demonym_of(place: str, word: str) -> bool:
    """``word`` is ``place``'s demonym ("chines" of "china", "indian" of "india", "mexican" of
    "mexico"): longer than the place, which is at least five letters, and sharing four fifths of
    it, which keeps "austria" from "australian" and "georgia" from "george"."""
    common = next((i for i, (a, b) in enumerate(zip(place, word)) if a != b), min(len(place), len(word)))
    return len(word) > len(place) >= 5 and common >= 0.8 * len(place)


def _date_precision(label: str, text: str, head: str, wants_length: bool = False, before: str = "") -> float:
    """"Tuesday" or "this week" answer a when-question less well than "June 3, 2023", "which year"
    wants a year in it and "which month" a month. "How long" wants a span of time ("four years", "a
    four-year ban", "two centuries"), not a point in it ("2022", "last month"): the recogniser calls
    both a DATE; so does "how many days" ("371 days", not "March 2022"). A range of years ("between
    2019 and 2021") is a span too, and so is a point the span runs from ("since 2019", ``before`` being
    the text before it). ``wants_length``: the question asks for one of those."""
    if label not in ("DATE", "TIME"):
        return 1.0
    if wants_length:
        found = words(text)
        spans = _a_duration(found) or YEAR_RANGE.search(text) is not None
        return 1.0 if spans or _SINCE_END.search(before) or found[:1] == ["since"] else 0.2
    unit = head.lower().rstrip("s")
    if unit == "year" and not YEAR.search(text):
        return 0.2
    if unit == "month" and not any(w in features.MONTHS for w in words(text)):
        return 0.2
    return 1.0 if any(ch.isdigit() for ch in text) else 0.5


def _a_duration(found: list[str]) -> bool:
    """The words hold a unit of time (any plural: "centuries") that is not a point named by it ("last
    month", "this week", "every year"): the words that pick one out are the few English has, so listed."""
    return any(stem in DURATION_STEMS and not (i and found[i - 1] in _POINT_IN_TIME)
               for i, stem in enumerate(stem_all(found)))


def _a_measure_of_numbers(head: str) -> bool:
    """"What magnitude", "what population": a bare number answers only with the measure beside it
    ("A 6.4 magnitude earthquake", not "at least two people")."""
    found = words(head)[-1:]
    return bool(found) and MEASURE_HEADS.get(found[0]) in ({"CARDINAL", "QUANTITY"}, {"CARDINAL"})


def _counts(doc: ArticleText, start: int, end: int, counted: str) -> bool:
    """What the question counts stands within a few words of the number in its sentence: after it
    ("496 requests", "430 Chinese") or before it ("Chinese nationals formed the bulk, with 430")."""
    sentence = doc.spans[doc.index_at(start)]
    after = words(doc.article.text[end:min(sentence.end, end + 60)])[:COUNT_REACH]
    before = words(doc.article.text[max(sentence.start, start - 80):start])[-2 * COUNT_REACH:]
    near = frozenset(stem_all(after + before))
    return any(term_present(t, near) for t in stem_all(words(_counted_words(counted))))


def _counted_words(counted: str) -> str:
    """The words of what is counted that say what it is: its noun and its capitalised modifiers
    ("Vietnamese" of "Vietnamese nationals"), not a lower-case one ("career" of "career rushing yards",
    which "one career start" also has)."""
    found = counted.split()
    return " ".join([w for w in found[:-1] if w[:1].isupper()] + found[-1:])


def _anchor_positions(doc: ArticleText, index: int, question_stems: frozenset[str]) -> list[int]:
    """Character offsets of the sentence's words that are question words."""
    sentence_start = doc.spans[index].start
    text = doc.sentence(index)
    out = []
    for m in re.finditer(r"[^\W_]+", text):
        stem = stem_all([m.group().lower()])[0]
        if len(stem) > 1 and stem in question_stems:
            out.append(sentence_start + m.start())
    return out


def _proximity(doc: ArticleText, index: int, start: int, anchors: list[int]) -> float:
    """1 beside a question word, falling to 0.5 at ``PROXIMITY_REACH`` words; 0.3 with none around."""
    if not anchors:
        return 0.3
    text = doc.article.text
    nearest = min(anchors, key=lambda a: abs(a - start))
    lo, hi = sorted((nearest, start))
    gap_words = len(text[lo:hi].split())
    return 1.0 / (1.0 + gap_words / PROXIMITY_REACH)
