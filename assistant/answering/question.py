"""What a question asks for (its type) and what it is about (topic terms and key terms).

Key terms are the words an answer cannot do without: names, places, acronyms, numbers and years. If
the evidence lacks one of them, the articles are about something else and the answer is declined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.answering import features
from assistant.answering.countries import other_forms
from assistant.sentences import split_spans
from assistant.retrieval.terms import (POSSESSIVE_END, QUESTION_WORDS, STOPWORDS, YEAR, query_terms, stem_all,
                                      term_present, words)

COUNT, WHEN, WHO, WHY, WHERE, ROLE, WHAT = "count", "when", "who", "why", "where", "role", "what"
# Work per question is bounded: every key is looked up in every candidate sentence's article, so a
# 2,000-character question of numbers would cost a hundred times a normal one. Real questions have
# a handful of each; the first ones (names before years before numbers) are kept.
MAX_TERMS = 32
MAX_KEYS = 8

_TYPES = [
    (ROLE, re.compile(r"\b(?:(?:what|which) (?:positions?|roles?|titles?|jobs?|posts?)|(?:role|position|job|title)s? "
                      r"(?:does|did|do|is|was|were|has|had)|’s (?:role|job|position|title)s?|'s (?:role|job|position|title)s?)\b", re.I)),
    (COUNT, re.compile(r"\b(?:how (?:many|much)|what (?:number|percentage|share|proportion|amount|total)"
                       r"|how large|the number of|what was the total)\b", re.I)),
    (WHEN, re.compile(r"\b(?:when|what (?:years?|dates?|months?|days?|time)|which (?:years?|dates?|months?|days?)"
                      r"|since when|how long ago|on what date)\b", re.I)),
    (WHY, re.compile(r"\b(?:why|for what (?:reasons?|purposes?)|(?:what|which) (?:caused|led to|prompted|reasons?|"
                     r"purposes?|motives?|was the reason)|reasons?)\b", re.I)),
    (WHERE, re.compile(r"\b(?:where|which (?:province|country|city|district|village|place|location|countries)"
                       r"|what (?:province|country|city|district|village|place|location))\b", re.I)),
    (WHO, re.compile(r"\b(?:who|whom|whose|which (?:officials?|ministers?|persons?|people|groups?|organi[sz]ations?|"
                     r"ngos?|bod(?:y|ies)|agenc(?:y|ies)|departments?|ministr(?:y|ies)|offices?|institutions?|committees?)"
                     r"|what (?:is the name|official|organi[sz]ation))\b", re.I)),
]
_SPEECH = re.compile(r"\b(?:say|said|says|tell|told|quote|quoted|comment|react|respond|describe|call(?:ed)?)\b", re.I)
# A capitalised first word is a name only if it is not one of the words questions start with.
_OPENERS = STOPWORDS | QUESTION_WORDS | frozenset(
    "and did does do is was were has have can could would list name give tell explain describe summarize "
    "summarise compare according please in on between during".split()
)
_NAME_RUN = re.compile(r"[A-Z][\w’'.-]*(?:\s+(?:of\s+|for\s+|on\s+)?[A-Z][\w’'.-]*)*")
COMMON_NOUNS = frozenset(stem_all("""people person persons national nationals citizen citizens worker workers
    victim victims case cases member members official officials time times year years month months day days
    percent percentage number total""".split()))
_GROUP = re.compile(r"\b(?:which|what) (?:groups?|organi[sz]ations?|ngos?|bod(?:y|ies)|agenc(?:y|ies)|offices?|"
                    r"ministr(?:y|ies)|departments?|institutions?|committees?|countr(?:y|ies))\b", re.I)
_LEAD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.I)
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:(?:st|nd|rd|th)\b)?")
# A numbered edition of a named event ("the 81st Golden Globe Awards", "his 23rd Grand Slam"): like a
# year, it says which one, so an article about the 80th does not answer for the 81st.
_EDITION = re.compile(r"(?<![\w.])\d+(?:st|nd|rd|th)(?=\s+[A-Z])")
_ACRONYM = re.compile(r"[A-Z]{2,6}s?")


# News style spells out first to ninth ("the First Amendment", "its Second Circuit ruling").
_SPELLED_ORDINALS = dict(zip("123456789", stem_all("first second third fourth fifth sixth seventh eighth ninth".split())))


@dataclass(frozen=True)
class Key:
    """A name, year, edition ("81st") or number from the question; ``stems`` are what evidence must contain."""

    surface: str
    stems: tuple[str, ...]
    kind: str

    def found_in(self, doc) -> bool:
        """Whether an article (``ArticleText``) mentions this key: every word of it (stems, so
        inflections and possessives meet; a name's words through ``_name_word_in``), or the last word
        of a longer name ("Lilly" for "Eli Lilly", "Greene" for "Rep. Marjorie Taylor Greene") when the
        article writes it capitalised, as a name ("prize" of "Booker Prize" in lower case is none); an
        acronym may be spelled out there."""
        if self.kind == "year":
            return self.surface in doc.years
        if self.kind == "edition" and self.surface[:-2] in _SPELLED_ORDINALS:  # AP style: "First Amendment"
            if _SPELLED_ORDINALS[self.surface[:-2]] in doc.name_vocabulary:
                return True
        if self.kind != "name":
            return all(term_present(t, doc.vocabulary) for t in self.stems)
        if _every_word_in(self.stems, doc):
            return True
        if len(self.stems) > 1 and len(self.stems[-1]) > 3 and term_present(self.stems[-1], doc.name_vocabulary):
            return True
        if _ACRONYM.fullmatch(self.surface) is not None and doc.spells_out(self.surface):
            return True
        # A country under another of its names, every word of it: "Brits" in "18% of people in the UK".
        return any(_every_word_in(form, doc) for form in other_forms(self.stems))


def _every_word_in(stems: tuple[str, ...], doc) -> bool:
    return all(_name_word_in(t, doc) for t in stems)


def _name_word_in(stem: str, doc) -> bool:
    """A word of a name is in the article as written, or as a capitalised word sharing its stem's
    beginning ("Thai" meets "Thailand"); a lower-case word that begins the same way does not ("Booker"
    is no "book")."""
    return stem in doc.vocabulary or term_present(stem, doc.name_vocabulary)


@dataclass(frozen=True)
class Question:
    text: str
    qtype: str
    terms: list[str]
    keys: list[Key] = field(default_factory=list)
    wants_speech: bool = False
    focus: list[str] = field(default_factory=list)
    asks_for_group: bool = False  # "which organisation ...": an institution's name answers it
    head: str = ""  # the focus word that tells the counted things apart ("Vietnamese" in "Vietnamese nationals")

    @property
    def name_terms(self) -> set[str]:
        """Stems of the question's names and years (the context it is set in), except those it counts
        or asks about ("how many Thai ...")."""
        return {t for k in self.keys if k.kind in ("name", "year", "edition") for t in k.stems} - set(self.focus)

    @property
    def predicate_terms(self) -> list[str]:
        """What the question says about its names: the words the answering sentence itself must carry."""
        names = self.name_terms
        return [t for t in self.terms if t not in names]


def analyse(text: str) -> Question:
    asked = asking_sentence(text)
    qtype, phrase = _question_type(asked)
    focus = _focus(asked, qtype)
    years = sorted(set(YEAR.findall(text)))
    editions = sorted(set(_EDITION.findall(text)))
    numbers = sorted({n.replace(",", "") for n in _NUMBER.findall(text)} - set(years) - set(editions))
    keys = (_key_names(text) + [Key(y, (y,), "year") for y in years] + [Key(e, (e,), "edition") for e in editions]
            + [Key(n, (n,), "number") for n in numbers])
    return Question(
        text=text,
        qtype=qtype,
        terms=[t for t in dict.fromkeys(query_terms(text)) if t not in phrase][:MAX_TERMS],
        keys=keys[:MAX_KEYS],
        wants_speech=bool(_SPEECH.search(text)),
        focus=focus,
        head=_head(focus),
        asks_for_group=bool(_GROUP.search(text)),
    )


def asks_role(text: str) -> bool:
    """The question asks for a position anywhere in it ("What is Kieth Chantharith's job?")."""
    return any(pattern.search(text) for name, pattern in _TYPES if name == ROLE)


def confirmed_by_parse(question: Question, parsed) -> Question:
    """Keep the name keys that spaCy also reads as names: a proper noun, or a capitalised word that
    does not open a sentence ("Chinese"); a capitalised first word ("Because ...", "Since which
    year?") is not one. spaCy splits a possessive off ("China" "’s"), so the key's is dropped too."""
    named = {t.text.lower() for t in parsed
             if t.pos_ == "PROPN" or (t.text[:1].isupper() and not t.is_sent_start)}
    keys = [k for k in question.keys if k.kind != "name" or any(
        POSSESSIVE_END.sub("", w.lower().strip("’'.,")) in named for w in k.surface.split())]
    return replace(question, keys=keys) if len(keys) != len(question.keys) else question


# A capitalised question word after a full stop opens the question even after an abbreviation ("a band
# that toured the U.S. In what year ...?"), which the sentence splitter keeps going over.
_WH_OPENS = re.compile(r"(?<=[.!?])\s+(?=(?:In|On|At|For|By|From|To) (?:what|which|whom|whose)\b"
                       r"|(?:What|Which|Who|Whom|Whose|When|Where|Why|How)\b)")


def asking_sentence(text: str) -> str:
    """The sentence that asks, in a quiz question that first sets the scene ("Lou Reed, who has died at
    71, co-founded the Velvet Underground. In what year was the band inducted ...?"): the last one with
    a question word, so a "who" in the scene does not make it a who-question. The articles' sentence
    splitter is used, which knows "U.S." and "Dr." end no sentence."""
    sentences = [part for span in split_spans(text) for part in _WH_OPENS.split(text[span.start:span.end])]
    return next((s for s in reversed(sentences) if _LEAD.search(s)), text)


def _question_type(text: str) -> tuple[str, set[str]]:
    """The type cued at the question's leading wh-word ("What will inspectors check when they visit?"
    is a what-question; "Who launched a probe into why ..." a who-question), else the first cue; and the
    stems of the cue itself ("what date"), which say what kind of answer, not what it is about."""
    found = sorted((m.start(), name, m.group()) for name, pattern in _TYPES for m in [pattern.search(text)] if m)
    lead = _LEAD.search(text)
    if lead:
        at_lead = [f for f in found if f[0] == lead.start()]
        if at_lead:
            found = at_lead
        elif lead.group().lower() in ("what", "which"):
            return WHAT, set()
    if not found:
        return WHAT, set()
    _, name, cue = found[0]
    return name, set(query_terms(cue))


def _head(focus: list[str]) -> str:
    """The rarest-looking focus word: a name or demonym beats a common noun ("nationals")."""
    return max(focus, key=lambda t: (t not in COMMON_NOUNS, len(t)), default="")


_PARTITIVE = re.compile(r"^\s*of\s+(?:the|them|those|these|whom|which)\b.*?\b(?:were|was|are|is|came|come)\s+"
                        r"(?:from\s+|in\s+)?([\w’'-]+)\W*$", re.I)
_FOCUS_AFTER = {
    COUNT: re.compile(r"\b(?:how (?:many|much)|number of|total of)\b(.*)", re.I),
    WHO: re.compile(r"\bwho(?:m)?\b(?:\s+(?:was|were|is|are|has|have|had|did|does|will|would))?(.*)", re.I),
}


def _focus(text: str, qtype: str) -> list[str]:
    """What the answer must be about: the thing counted in "how many of them were women", the act in
    "who signed the report". The first content words after the question phrase."""
    pattern = _FOCUS_AFTER.get(qtype)
    m = pattern.search(text) if pattern else None
    if not m:
        return []
    partitive = _PARTITIVE.search(m.group(1)) if qtype == COUNT else None
    if partitive:  # "how many of the people involved were Vietnamese": Vietnamese is what is counted
        return stem_all(words(partitive.group(1)))
    focus: list[str] = []
    tokens = re.findall(r"[\w’'-]+", m.group(1))
    for i, raw in enumerate(tokens):
        word = (words(raw) or [""])[0]
        name_word = qtype == WHO and raw[0].isupper() and not features.ROLE_NOUNS.fullmatch(raw)
        if not word or word in STOPWORDS or word in QUESTION_WORDS or name_word:  # a title is no name
            if focus:
                break
            continue
        if qtype == WHO and not focus and i + 1 < len(tokens) and tokens[i + 1].lower() == "as":
            continue  # "who serves as vice-chair": the role, not the linking verb, is what it asks about
        focus.append(word)
        if len(focus) == (3 if qtype == COUNT else 1):
            break
    return stem_all(focus)


def _key_names(text: str) -> list[Key]:
    """Each proper name in the question, its stems minus generic titles ("Minister", "Mr")."""
    out: list[Key] = []
    for m in _NAME_RUN.finditer(text):
        surface = m.group().split()
        if m.start() == 0 or re.search(r"[.?!]\s*$", text[:m.start()]):
            while surface and surface[0].lower() in _OPENERS:
                surface = surface[1:]
        tokens = [w for w in words(" ".join(surface)) if not w.isdigit() and w not in STOPWORDS
                  and w not in QUESTION_WORDS and w not in features.GENERIC_CAPITALISED]
        if tokens:
            out.append(Key(" ".join(surface).strip(".,;:’'"), tuple(stem_all(tokens)), "name"))
    return out
