"""What kind of thing answers a question: entity labels from the wh-word and the head noun.

The question is parsed by spaCy. Its wh-word decides most types ("who" wants a PERSON, "when" a DATE,
"how many" a CARDINAL); "which"/"what" take their type from the noun they determine ("which team",
"what breed of dog", "the name of the volcano"). That noun is open vocabulary, so it is typed by
MiniLM: the label whose category words ("judge", "rider", "publisher") the head phrase is nearest.
A head nearest a kind of thing that is not a name ("which sport", "what colour") is answered with a
noun phrase, and "why", "how" and "what did X say" questions have no short answer at all: they are
answered with sentences. A question asking what something is called ("What is the name of ...", "What
is it called?") is marked as naming: a name the news introduces as one answers it best.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.answering import features
from assistant.retrieval.terms import stem_all

PEOPLE = frozenset({"PERSON"})
GROUPS = frozenset({"ORG", "NORP"})
PLACES = frozenset({"GPE", "LOC", "FAC"})
DATES = frozenset({"DATE", "TIME"})
AMOUNTS = frozenset({"CARDINAL", "MONEY", "QUANTITY", "PERCENT"})
DURATIONS = frozenset({"year", "month", "week", "day", "hour", "minute", "second", "decade", "century", "season", "term"})
DURATION_STEMS = frozenset(stem_all(sorted(DURATIONS)))  # "centuries" and "century" meet
NAMED = PEOPLE | GROUPS | PLACES | frozenset({"PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"})

# A game's result ("39-38"): the small recogniser calls it a date or splits it, so it is found by its
# form (``candidates.score_spans``) and answers only a question asking for a score.
SCORE = "SCORE"
# Head nouns whose type is a measure, not a name: MiniLM's sentence similarity is unreliable on them.
MEASURE_HEADS = {
    "percentage": {"PERCENT"}, "percent": {"PERCENT"}, "share": {"PERCENT"}, "proportion": {"PERCENT"},
    "number": {"CARDINAL", "QUANTITY"}, "total": {"CARDINAL", "MONEY", "QUANTITY"},
    "amount": {"MONEY", "QUANTITY", "CARDINAL"}, "sum": {"MONEY", "CARDINAL"}, "price": {"MONEY"},
    "cost": {"MONEY"}, "money": {"MONEY"}, "cash": {"MONEY"}, "funding": {"MONEY"}, "aid": {"MONEY"},
    "year": DATES, "date": DATES, "day": DATES, "month": DATES, "decade": DATES,
    "century": DATES, "time": DATES, "period": DATES, "era": DATES, "week": DATES,
    "age": {"DATE", "CARDINAL"},
    "fine": {"MONEY"}, "fee": {"MONEY"}, "salary": {"MONEY"}, "budget": {"MONEY"},
    "rate": {"PERCENT", "CARDINAL"}, "magnitude": {"CARDINAL", "QUANTITY"}, "population": {"CARDINAL"},
    "score": {SCORE, "PERCENT", "CARDINAL"},  # a game's, or a rating's ("93%"), or a test's ("scored 90")
}
# Category nouns per entity label (OntoNotes' own definitions, spelled out as the words questions use for
# them), compared with the head phrase by MiniLM (see ``HeadTyper``). A head is typed by its nearest
# category word, which tells "rider" and "justice" (people) from "publisher" (an organisation) far better
# than one long description per label did. ``NOUN_PHRASE`` holds kinds of thing that are not names
# ("which sport": skateboarding), so a head nearest one of those is answered with a noun phrase.
NOUN_PHRASE = "NP"
# A run of proper nouns the entity recogniser gave no label ("the Met Gala", 'the "Central Park Five"'):
# a name of some kind, so it answers a question that wants a name at a stretch (``short_answer`` offers
# them when no entity of the asked kind is found).
UNLABELLED_NAME = "NAME"
LABEL_PROTOTYPES = {
    "PERSON": "person, people, man, woman, player, athlete, actor, actress, singer, musician, artist, "
              "politician, official, leader, candidate, judge, author, writer, executive, celebrity, star, "
              "host, designer, character, rider, driver, coach, doctor, lawyer, scientist, president, "
              "mayor, priest, soldier, student, teacher, founder, chief executive, influencer, nominee, "
              "reporter, journalist, correspondent, editor, anchor, lawmaker, senator, governor, comedian, "
              "rapper, chef, pilot, astronaut",
    "ORG": "organization, company, business, firm, corporation, team, club, agency, network, publisher, "
           "brand, airline, party, union, university, school, charity, league, studio, group, "
           "office, department, committee, commission, court, government, ministry, police force, army, "
           "bank, newspaper, broadcaster",
    "GPE": "country, nation, state, city, town, province, capital",
    "LOC": "region, continent, mountain, river, lake, sea, ocean, island, volcano, desert, park",
    "FAC": "building, airport, bridge, stadium, landmark, monument, museum, hotel, restaurant, hospital, road",
    "NORP": "nationality, nationals, citizens, religion, ethnic group, political movement",
    "PRODUCT": "product, device, vehicle, car, phone, drink, food, weapon, missile, software, app",
    "EVENT": "event, war, battle, storm, hurricane, festival, tournament, championship, election, summit",
    "WORK_OF_ART": "book, film, movie, show, series, song, album, musical, play, painting",
    "LAW": "law, act, bill, treaty",
    NOUN_PHRASE: "sport, colour, color, disease, illness, species, animal, plant, tree, insect, substance, "
                 "material, condition, emotion, activity, technology, industry, profession, breed, ingredient",
}
HEAD_MIN_SIMILARITY = 0.5  # below this the head noun is typed as a plain noun phrase
HEAD_MARGIN = 0.08  # labels this close to the best one are accepted too
HEAD_WORD_SIMILARITY = 0.7  # a head noun this near a category word types a phrase MiniLM could not
# Labels this close to the best are accepted at a discount: the small entity recogniser often gives a
# show's title ORG or PERSON rather than WORK_OF_ART.
HEAD_SECONDARY_MARGIN = 0.15
# Places below a nation: news names their people by party or faith more often than by place, so a
# nationality or group does not answer "which city" or "which state".
SUBNATIONAL = frozenset(LABEL_PROTOTYPES["GPE"].split(", ")) - {"country", "nation"}
SECONDARY_FIT = 0.35  # a label that can answer at a stretch ("who" answered by an organisation)
# Nouns that stand for the answer without saying what kind it is ("the name of ...", "what type of").
_PLACEHOLDERS = frozenset({"name", "type", "kind", "sort", "form", "title"})
_SPEECH_LEMMAS = frozenset({"say", "tell", "describe", "react", "respond", "feel", "comment", "think",
                            "explain", "argue", "warn"})
_SUBORDINATE = ("relcl", "advcl", "acl")
NAMING_VERBS = frozenset({"called", "named", "dubbed", "nicknamed", "titled"})  # "... called what?"
_NAME_SLOTS = ("dobj", "oprd", "attr", "nsubjpass", "xcomp")  # where the small parser puts the name a naming verb gives
# The particles that make "call" another verb ("call on", "call for", "call off"); the parser often
# takes them for prepositions.
_PARTICLES = frozenset({"on", "for", "off", "up", "out"})
_WH_WORDS = ("which", "what", "who", "whom", "whose", "when", "where", "why", "how")


@dataclass(frozen=True)
class AnswerType:
    """``labels``: entity labels that can answer (empty: a noun phrase); ``short``: whether the question
    has a short answer at all; ``head``: the head noun phrase ("NFL star"); ``wh``: the cue word(s)."""

    wh: str
    labels: frozenset[str] = frozenset()
    head: str = ""
    short: bool = True
    secondary: frozenset[str] = field(default_factory=frozenset)  # accepted at a discount ("who" → ORG)
    naming: bool = False  # it asks what something is called ("What is the name of ...", "What is it called?")

    def weight(self, label: str) -> float:
        """How well an entity of ``label`` fits: 1 for the expected labels, less for the rest. With no
        label to expect, a noun phrase ("NP") is as good a guess as a name when the question names the
        kind of thing it wants ("which sport": "skateboarding"), and a weaker one when it does not."""
        if not self.labels:
            if label == NOUN_PHRASE:
                return 1.0 if self.head else 0.5
            return 0.6 if label in NAMED else 0.3
        if label in self.labels:
            return 1.0
        if label == UNLABELLED_NAME:
            return SECONDARY_FIT  # a name, of some kind: at a stretch
        return SECONDARY_FIT if label in self.secondary else 0.0


class HeadTyper:
    """Types a head noun phrase by its MiniLM similarity to each label's category words (the best one
    per label); results are cached."""

    def __init__(self, encoder) -> None:
        self._encoder = encoder
        self._labels: list[str] = []
        self._vectors: np.ndarray | None = None
        self._cache: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()

    def labels(self, head: str) -> frozenset[str]:
        return self.typed(head)[0]

    @staticmethod
    def kind_words(label: str) -> tuple[str, ...]:
        """The category words of ``label``: the kinds of thing it names."""
        return tuple(LABEL_PROTOTYPES[label].split(", ")) if label in LABEL_PROTOTYPES else ()

    def kind_vectors(self, label: str) -> np.ndarray:
        """MiniLM vectors of ``label``'s category words, in ``kind_words(label)`` order."""
        labels, vectors = self._prototypes()
        return vectors[[i for i, l in enumerate(labels) if l == label]]

    def typed(self, head: str) -> tuple[frozenset[str], frozenset[str]]:
        """The labels that answer ``head`` and those that answer it at a stretch; both empty when its
        nearest category is not a name at all."""
        per_label = dict(self._similarity_per_label(head))
        best_label = max(per_label, key=per_label.get)
        best = per_label.pop(best_label)
        if best < HEAD_MIN_SIMILARITY or best_label == NOUN_PHRASE:
            return frozenset(), frozenset()
        per_label.pop(NOUN_PHRASE, None)
        primary = {best_label} | {l for l, s in per_label.items() if s >= best - HEAD_MARGIN}
        secondary = {l for l, s in per_label.items() if s >= best - HEAD_SECONDARY_MARGIN} - primary
        return frozenset(primary), frozenset(secondary)

    def nearest(self, head: str) -> tuple[str, float]:
        """The label of the category word ``head`` is nearest, and that cosine."""
        per_label = self._similarity_per_label(head)
        best_label = max(per_label, key=per_label.get)
        return best_label, per_label[best_label]

    def _similarity_per_label(self, head: str) -> dict[str, float]:
        """``head``'s cosine with each label's nearest category word, in prototype order; cached, so a
        head typed and then asked for its nearest kind is encoded once."""
        found = self._cache.get(head)
        if found is None:
            labels, vectors = self._prototypes()
            similarity = vectors @ np.asarray(self._encoder.encode([head]))[0]
            found = {}
            for label, s in zip(labels, similarity.tolist()):
                found[label] = max(s, found.get(label, -1.0))
            if len(self._cache) < 4096:
                self._cache[head] = found
        return found

    def _prototypes(self) -> tuple[list[str], np.ndarray]:
        """Each category word's label and its MiniLM vector, encoded once (under the lock: server
        threads share the typer)."""
        with self._lock:
            if self._vectors is None:
                words = [(label, w) for label, text in LABEL_PROTOTYPES.items() for w in text.split(", ")]
                self._labels = [label for label, _ in words]
                self._vectors = np.asarray(self._encoder.encode([w for _, w in words]))
            return self._labels, self._vectors


def in_present_tense(doc) -> bool:
    """The question's main verb is in the present or future ("Which state is considering ...", "Which
    airline will begin ..."): it asks about now."""
    roots = [t for t in doc if t.dep_ == "ROOT"]
    return any(t.tag_ in ("VBZ", "VBP") or any(c.tag_ in ("VBZ", "VBP", "MD") and c.dep_ in ("aux", "auxpass")
                                               for c in t.children) for t in roots)


def answer_type(doc, typer: HeadTyper | None) -> AnswerType:
    """The answer type of a parsed question (a spaCy ``Doc``)."""
    wh = wh_token(doc)
    found = _answer_type(doc, wh, typer)
    if found.short and wh is not None and _asks_for_name(wh):
        return replace(found, naming=True)
    return found


def _asks_for_name(wh) -> bool:
    """"What is the name of the project", "What is it called?", "known as what": the question asks
    what something is called, so a name the text introduces as one answers it best."""
    if wh.lower_ != "what":
        return False
    if _naming_verb(wh) is not None:
        return True
    verb = _governor(wh)
    return any(c.lemma_.lower() == "name" and c.pos_ == "NOUN" for c in verb.children
               if c.dep_ in ("nsubj", "attr"))  # "What is the name of ...", "What's the penguin's name?"


def _governor(wh):
    """The word the wh-word hangs from, past an auxiliary of it: the small parser hangs "What" on the
    "is" of "What is the show called?". Not past a coordination ("Which official called on the
    government, and what is his role?": that "is" is a conjunct of "called")."""
    verb = wh.head
    return verb.head if verb.pos_ == "AUX" and verb.dep_ in ("aux", "auxpass") else verb


def _naming_verb(wh):
    """The naming verb ("called", "named", "known as") the wh-word itself is the name given by: "What
    is it called?", "What is the new flavor called?" (the verb qualifying the subject), "... named
    what?", "known as what". A naming verb in another clause ("What did police find after they were
    called?") or a phrasal one ("called on the government", "called for", "called off") asks nothing
    of the kind."""
    if wh.lower_ != "what":
        return None
    doc = wh.doc
    if wh.i >= 2 and doc[wh.i - 2:wh.i].text.lower() == "known as":
        return doc[wh.i - 2]  # the parser may hang "what" on the next verb ("known as what is taking hold")
    if wh.i and doc[wh.i - 1].lower_ in NAMING_VERBS:
        return doc[wh.i - 1]  # "... named what?"
    verb = _governor(wh)
    if wh.dep_ == "attr" and verb.lemma_ == "be":  # "What is the new flavor called?": "called" qualifies "flavor"
        verb = next((a for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") for a in c.children
                     if a.dep_ == "acl" and a.lower_ in NAMING_VERBS), verb)
    if verb.lower_ not in NAMING_VERBS or verb.tag_ not in ("VBN", "VBD") or wh.dep_ not in _NAME_SLOTS:
        return None
    following = doc[verb.i + 1] if verb.i + 1 < len(doc) else None
    if any(c.dep_ == "prt" for c in verb.children) or (following is not None and following.lower_ in _PARTICLES
                                                         and following.head is verb):
        return None
    return verb


def _answer_type(doc, wh, typer: HeadTyper | None) -> AnswerType:
    if wh is None:
        return _headless(doc, typer)
    word = wh.lower_
    nxt = doc[wh.i + 1] if wh.i + 1 < len(doc) else None
    if word == "why":
        return AnswerType("why", short=False)
    if word == "how":
        follower = nxt.lower_ if nxt is not None else ""
        if _asks_speech(wh):
            return AnswerType("how", short=False)
        if follower in ("many", "much"):
            counted = _counted(nxt)
            if follower == "many":
                if counted and stem_all([counted.split()[-1].lower()])[0] in DURATION_STEMS:
                    # "how many years": spaCy reads "three years" and "2019 to 2021" as dates
                    return AnswerType("how many", frozenset({"CARDINAL", "QUANTITY"} | DATES), counted)
                return AnswerType("how many", frozenset({"CARDINAL", "QUANTITY"}), counted)
            measured = MEASURE_HEADS.get(counted.split()[-1].lower()) if counted else None
            # "How much" asks for an amount (money, a quantity, a share); a bare number fits at a stretch.
            return AnswerType("how much", frozenset(measured or AMOUNTS - {"CARDINAL"}), counted,
                              secondary=frozenset() if measured else frozenset({"CARDINAL"}))
        if follower == "long" and wh.i + 2 < len(doc) and doc[wh.i + 2].lower_ == "ago":
            return AnswerType("when", DATES)  # "How long ago did ...": a point in time, "in 1976"
        if follower in ("long", "old", "often", "far", "big", "large", "tall", "high"):
            return AnswerType(f"how {follower}", frozenset(DATES | AMOUNTS))
        return AnswerType("how", short=False)
    if word == "when":
        return AnswerType("when", DATES)
    if word == "where":
        return AnswerType("where", PLACES, secondary=frozenset({"ORG"}))  # "at the Police Academy"
    if word in ("who", "whom"):
        if _asks_speech(wh):
            return AnswerType(word, short=False)
        return AnswerType(word, PEOPLE, secondary=GROUPS)
    if word == "whose":
        return AnswerType(word, PEOPLE, secondary=GROUPS)
    named = _named_thing(wh)
    if named is not None:  # a name: of the kind named when it is typed, else any named entity
        found = _typed_head(word, named, typer) if named is not wh else AnswerType(word, NAMED)
        return found if found.labels else AnswerType(word, NAMED, found.head)
    # which / what
    head = _determined_noun(wh)
    if head is None and _asks_speech(wh):
        return AnswerType(word, short=False)
    if head is None:
        return _headless(doc, typer, word, wh)
    return _typed_head(word, head, typer)


def _named_thing(wh):
    """"A trend known as what", "the species was named what": the question asks for a name. Returns the
    noun that is named (to type it), the wh-word itself when none is found, or None for other questions."""
    doc = wh.doc
    before = [t.lower_ for t in doc[max(0, wh.i - 2):wh.i]]
    if wh.lower_ != "what" or not before or not (before[-1] in NAMING_VERBS or before[-2:-1] == ["known"] and before[-1] == "as"):
        return None
    verb = doc[wh.i - 1] if before[-1] in NAMING_VERBS else doc[wh.i - 2]
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    subjects = [c for c in verb.children if c.dep_ in ("nsubjpass", "nsubj") and c.pos_ in ("NOUN", "PROPN")]
    return subjects[0] if subjects else wh


def _typed_head(word: str, head, typer: HeadTyper | None) -> AnswerType:
    lemma = head.lemma_.lower()
    if lemma in MEASURE_HEADS:
        return AnswerType(word, frozenset(MEASURE_HEADS[lemma]), head.text)
    phrase = _phrase(head)
    if features.POSITION.fullmatch(head.text):
        return AnswerType(word, PEOPLE, phrase)  # "which minister": the office's holder, a person
    labels, secondary = typer.typed(phrase) if typer is not None else (frozenset(), frozenset())
    if not labels and typer is not None and phrase != head.text and typer.nearest(phrase)[0] != NOUN_PHRASE \
            and typer.nearest(head.text)[1] >= HEAD_WORD_SIMILARITY:
        # The modifiers pulled the phrase away from every kind ("Egyptian resort city" sits between
        # "hotel" and "city"): its head noun, when it is all but a category word itself, says which.
        labels, secondary = typer.typed(head.text)
    secondary |= GROUPS if labels == PEOPLE else (PEOPLE if "ORG" in labels else frozenset())
    if "FAC" in labels:
        secondary |= {"ORG"}  # a restaurant, hotel or hospital is often tagged by the business that runs it
    if "GPE" in labels:
        if _people_of(head, typer):
            labels = labels | {"NORP"}  # "nationals of which country": "Chinese nationals formed the bulk"
        elif head.lemma_.lower() not in SUBNATIONAL:
            secondary = secondary | {"NORP"}  # "which country": "Chinese" at a stretch; a city has no demonym in news
    return AnswerType(word, labels, phrase, secondary=secondary)


def _people_of(head, typer: HeadTyper | None) -> bool:
    """The question asks whose people they are ("nationals of which country", "which country's
    citizens"): the place is the possessor or "of" object of a noun typed as a nationality (not
    "which country's president")."""
    if head.dep_ == "poss":
        owner = head.head
    elif head.dep_ == "pobj" and head.head.lower_ == "of":
        owner = head.head.head
    else:
        return False
    return owner.pos_ == "NOUN" and typer is not None and "NORP" in typer.labels(owner.lower_)


def _headless(doc, typer: HeadTyper | None, word: str = "", wh=None) -> AnswerType:
    """"What is it?", "... since at least:": the thing the question names with "the name of", or "X
    called", decides; else any named entity or noun phrase may answer."""
    verb = _naming_verb(wh) if wh is not None else None
    if verb is not None:
        subjects = [c for c in verb.children if c.dep_ in ("nsubjpass", "nsubj")] or (
            [verb.head] if verb.dep_ == "acl" else [])
        if subjects and subjects[0].pos_ in ("NOUN", "PROPN") and subjects[0].lower_ not in _PLACEHOLDERS:
            return _typed_head(word or "what", subjects[0], typer)
        named = _antecedent(subjects[0]) if subjects and subjects[0].pos_ == "PRON" else None
        if named is not None:  # "Coca-Cola is making a new flavor permanent. What is it called?"
            found = _typed_head(word or "what", named, typer)
            return found if found.labels else AnswerType(found.wh, NAMED, found.head)
    tail = [t.lower_ for t in doc[-5:]]
    if tail and tail[-1] == ":" and any(w in ("since", "until", "before", "year") for w in tail):
        return AnswerType(word or ":", DATES)  # "... since at least:"
    if word == "what" and _copular(doc):
        return AnswerType("what")  # "What is it?", "... sharks were what?": a thing, named or not
    # "What will inspectors check ...?", "Did Cambodia ...?": answered in sentences
    return AnswerType(word or "", short=False)


def _antecedent(pronoun):
    """The thing a question's "it" or "they" stands for: the last common noun that is a subject or
    object in the sentence before it (quiz questions set the scene, then ask about it)."""
    if not pronoun.sent.start:
        return None
    previous = pronoun.doc[pronoun.sent.start - 1].sent
    before = [t for t in previous if t.pos_ == "NOUN" and t.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "oprd", "pobj")]
    return before[-1] if before else None


def _copular(doc) -> bool:
    """The question's main verb is "be": it asks what something is."""
    return any(t.dep_ == "ROOT" and t.lemma_ == "be" for t in doc)


def wh_token(doc):
    """The question's wh-word: in "He is a valued member of which team?", "which". Quiz questions often
    carry a subordinate "when" or "who" ("... this week when it announced it would part ways with which
    host?"), so words that open a relative or adverbial clause, or an embedded question after a
    preposition ("his inquiry into why ..."), give way to another, and of the rest the last one asks
    the question; "how many" always does."""
    found = [t for t in doc if t.tag_ in ("WDT", "WP", "WP$", "WRB") and t.lower_ in _WH_WORDS
             and not (t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to")]  # "learn how to use"
    for token in found:
        if token.lower_ == "how" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ in ("many", "much"):
            return token
    main = [t for t in found if not any(a.dep_ in _SUBORDINATE for a in [t, *t.ancestors])
            and not (t.tag_ == "WRB" and any(a.dep_ == "pcomp" for a in t.ancestors))]
    chosen = main or found
    return chosen[-1] if chosen else None


# Words after "which"/"what" in which its noun is looked for: "which three-time Olympic field hockey
# player" puts it eight tokens on.
HEAD_REACH = 9


def _determined_noun(wh):
    """The noun a "which"/"what" points at; a placeholder ("the name of the X", "what type of Y") gives
    way to what it names. The small parser often attaches "which" wrongly, so the words right after it
    come first: the last noun of the run of adjectives, numbers and nouns that follows it."""
    head = None
    doc = wh.doc
    chosen_among = _partitive(wh)
    if chosen_among is not None:
        return chosen_among
    joined = False  # the word after a hyphen belongs to the modifier ("US-supplied missiles")
    skip_to = -1
    for token in doc[wh.i + 1: wh.i + 1 + HEAD_REACH]:
        if token.i < skip_to:
            continue
        if token.i + 1 < len(doc) and doc[token.i + 1].tag_ == "HYPH":
            continue  # the first half of a hyphenated modifier ("would-be nominee", "so-called")
        if token.tag_ == "POS" and token.text[-1:] == "s" and doc[token.i - 1].tag_ == "NNS":
            head = None  # a plural with "'s" (children's, women's) says what kind: "which children's toy"
            continue     # asks for a toy; "which country's nationals" and "which ministries' officials" do not
        if token.tag_ == "HYPH":
            head, joined = None, True
            continue
        if joined:
            joined = False
            continue
        if token.pos_ in ("NOUN", "PROPN"):
            head = token
        elif token.pos_ in ("ADJ", "NUM", "ADV") or token.tag_ == "HYPH" or token.dep_ == "compound":
            if head is not None and token.pos_ != "ADJ":
                break
            continue
        elif head is not None and head.pos_ == "PROPN" and token.pos_ == "ADP" \
                and (kind := _kind_after_name(token)) is not None:
            skip_to = kind.i  # "Which Washington University in St. Louis epidemiologist"
        else:
            break
    if head is None and wh.dep_ == "det" and wh.head.pos_ in ("NOUN", "PROPN"):
        head = wh.head
    if head is None and wh.dep_ in ("nsubj", "attr", "dobj", "pobj", "nsubjpass"):
        verb = wh.head
        attrs = [c for c in verb.children if c.dep_ in ("attr", "nsubj") and c.i != wh.i and c.pos_ == "NOUN"]
        # "What is the name of ...", "What was the final score of the game?": the noun it equates with
        # the answer says what kind of answer, when it names a placeholder or a measure.
        head = attrs[0] if attrs and (attrs[0].lemma_.lower() in _PLACEHOLDERS
                                      or attrs[0].lemma_.lower() in MEASURE_HEADS) else None
    if head is None:
        return None
    while head.dep_ in ("compound", "nmod") and head.head.pos_ == "NOUN" and 0 < head.head.i - head.i <= HEAD_REACH:
        head = head.head  # a modifier coordinated with another: "which detergent and cleaning-products brand"
    if head.lemma_.lower() in _PLACEHOLDERS:
        named = [t for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                 for t in c.children if t.dep_ == "pobj" and t.pos_ in ("NOUN", "PROPN")]
        return named[0] if named else head
    return head


def _kind_after_name(preposition):
    """The common noun after a name's prepositional phrase ("in"/"of"/... ("Washington University in St. Louis
    epidemiologist"): quiz questions put a whole institution before the kind of person they ask for."""
    doc = preposition.doc
    i = preposition.i + 1
    while i < len(doc) and doc[i].pos_ == "PROPN":
        i += 1
    return doc[i] if preposition.i + 1 < i < len(doc) and doc[i].pos_ == "NOUN" else None


def _partitive(wh):
    """"Which of the original characters", "which of these companies": the noun after "of" is what is
    chosen among, so it is the head (the small parser hangs it off the wh-word)."""
    doc = wh.doc
    if wh.i + 1 >= len(doc) or doc[wh.i + 1].lower_ != "of" or doc[wh.i + 1].head.i != wh.i:
        return None
    named = [t for t in doc[wh.i + 1].children if t.dep_ == "pobj" and t.pos_ in ("NOUN", "PROPN")]
    return named[0] if named else None


def _phrase(head) -> str:
    """The head noun with its compounds and adjectives: "NFL star", "social media platform"."""
    left = [t for t in head.lefts if t.dep_ in ("compound", "amod", "nmod") and t.i >= head.i - 3
            and t.pos_ not in ("NUM", "PROPN") and not _hyphenated(t)]  # "NFL star" is typed as "star"
    of = [t for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
          for t in c.children if t.dep_ == "pobj" and t.pos_ == "NOUN"]  # "breed of dog", not "of State"
    words = [t.text for t in left] + [head.text] + ([f"of {of[0].text}"] if of else [])
    return " ".join(words)


def _hyphenated(token) -> bool:
    """Part of a hyphenated modifier ("US-supplied", "state-owned"): it says whose, not what kind."""
    doc = token.doc
    return any(0 <= j < len(doc) and doc[j].tag_ == "HYPH" for j in (token.i - 1, token.i + 1))


def _counted(token) -> str:
    """What "how many" counts: the words after it up to their noun ("how many Chinese nationals")."""
    if token is None:
        return ""
    run = []
    for word in token.doc[token.i + 1: token.i + 5]:
        if word.pos_ not in ("ADJ", "NOUN", "PROPN", "NUM"):
            break
        run.append(word.text)
        if word.pos_ in ("NOUN", "PROPN") and word.dep_ != "compound":
            break
    return " ".join(run)


def _asks_speech(wh) -> bool:
    """"What did he say about ...", "How did Sar Kheng describe ...": the verb the wh-word belongs to is
    one of saying, so the answer is what was said."""
    verb = wh.head
    return verb.lemma_.lower() in _SPEECH_LEMMAS or any(
        c.lemma_.lower() in _SPEECH_LEMMAS for c in verb.children if c.dep_ in ("xcomp", "ccomp"))
