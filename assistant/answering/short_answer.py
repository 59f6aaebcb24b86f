"""Finding the short answer: type the question, pool candidate spans, re-rank the best with MiniLM.

The picker's sentence scores say which sentences talk about what the question asks; the candidates say
which spans in them can be the answer (``candidates``). The few best are then re-ranked by how similar
their sentence is to the question in MiniLM's space, which tells "Kheng chairs the committee" from
"Chou Bun Eng, its vice-chair, said" better than shared words do. When the question names no kind of
thing ("which sport", "what colour"), noun phrases of the best sentences compete too, and so do the
"-ing" words that name an activity before them ("skateboarding" of "the first skateboarding world
champion"); how much a candidate resembles the head noun ("purple" a colour) joins its score. When
the question wants a name and no entity of a kind that answers is found, runs of proper nouns the
recogniser left unlabelled, or took only a piece of, compete instead ("The Met Gala", "Minute Maid
Zero Sugar Lemonade").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assistant.answering.answer_type import (NAMED, NOUN_PHRASE, SCORE, UNLABELLED_NAME, AnswerType, HeadTyper,
                                             wh_token)
from assistant.answering.candidates import (SLOT_WORDS, CandidateAnswer, ScoredSentence, Scoring,
                                            find_candidates, place_sides, score_spans)
from assistant.answering.question import asking_sentence
from assistant.nlp import parse, parse_phrases
from assistant.retrieval.dates import Recency
from assistant.retrieval.terms import YEAR, index_terms, stem_all, words
from assistant.settings import Settings

NOUN_PHRASE_SENTENCES = 3  # sentences parsed for noun phrases when no entity label fits
KIND_MIN = 0.5
KIND_MARGIN = 0.05
# A winner this much nearer another category word than the asked one, and near no thing of the asked
# kind at all, is that other thing, however little known ("National Committee for Counter
# Trafficking": committee 0.41, school 0.10), and answers nothing: the question is declined. Kinds
# overlap ("London" is a capital, nearest "city" 0.66, capital 0.32; "Fox News" a network, nearest
# "newspaper"), so the asked word's own cosine must be under KIND_DECLINE_CEILING (the overlapping
# ones measured 0.30-0.50). Measured: a gap of 0.15 declines a right province, 0.25 keeps the committee.
KIND_DECLINE_GAP = 0.2
KIND_DECLINE_CEILING = 0.2
# Labels whose category words name distinct kinds (a state is no city, a league no club); a work's
# ("show", "musical", "play") overlap too much to tell apart.
KIND_LABELS = frozenset({"GPE", "ORG"})


@dataclass
class Finding:
    """The typed question and its candidate answers, best first; ``winner`` is None when none fits.
    ``similarity`` is the MiniLM cosine between the question and the winner's sentence."""

    atype: AnswerType
    candidates: list[CandidateAnswer] = field(default_factory=list)
    winner: CandidateAnswer | None = None
    similarity: float = 0.0
    predicate: float = 0.0  # the best predicate coverage among the sentences that give the winner
    other_kind: str | None = None  # the kind of thing the winner clearly is instead ("committee" for "which school")


class ShortAnswerFinder:
    def __init__(self, settings: Settings, encoder) -> None:
        self.settings = settings
        self.encoder = encoder
        self.typer = HeadTyper(encoder)

    def run(self, atype: AnswerType, question_text: str, sentences: list[ScoredSentence],
            query_vector: list[float] | None, recency: Recency | None = None,
            context_terms: list[str] = (), keyword=None, parsed=None) -> Finding:
        """``context_terms``: stems a follow-up borrowed from earlier turns; like the question's own
        words they name what is asked about ("he" in "Whom did he appoint?"), not the answer.
        ``parsed``: the question's spaCy ``Doc`` when the caller has one (else it is parsed here)."""
        if not atype.short or not sentences:
            return Finding(atype)
        cfg = self.settings
        parsed = parsed if parsed is not None else parse(question_text)
        question_stems = frozenset(index_terms(question_text)) | frozenset(context_terms)
        extra = self._noun_phrases(sentences, atype.head, question_stems) if not atype.labels else None
        if SCORE in atype.labels:
            extra = score_spans(sentences)
        scoring = Scoring(
            agreement=cfg.answer_agreement, centrality=cfg.answer_centrality, headline=cfg.answer_headline,
            recency=recency, window_slack=cfg.support_window_slack,
            commonness=_commonness(keyword) if keyword is not None else None,
            fit_exponent=cfg.candidate_fit_exponent, closeness_exponent=cfg.candidate_closeness_exponent,
            recency_exponent=cfg.candidate_recency_exponent, qualified_role_fit=cfg.qualified_role_fit,
            unbound_count_fit=cfg.unbound_count_fit, out_of_window_fit=cfg.out_of_window_fit,
            asked_year=_one_year(question_text), other_year_fit=cfg.other_year_fit,
            pronoun_fit=cfg.pronoun_fit, cloze=cfg.answer_cloze, introduced=cfg.answer_introduced_name,
            slot=asked_slot(question_text, atype),
            done=done_verbs(parsed), described=described_terms(parsed), elsewhere=other_clauses(parsed))
        found = find_candidates(atype, sentences, question_stems, scoring, extra)
        if not found and atype.labels and atype.labels <= NAMED:
            # No entity of a kind that answers: the recogniser may have missed the name itself.
            found = find_candidates(atype, sentences, question_stems, scoring, _unlabelled_names(sentences))
        if not found:
            return Finding(atype)
        # Cosines lie in [0, 1] here, so a candidate further than the re-rank weights below the best
        # cannot overtake it: only the winner's own sentence is then compared (the support check needs it).
        by_head = not atype.labels and bool(atype.head)  # "which sport": how sport-like it is
        reach = cfg.w_sentence_similarity + (cfg.w_head_similarity if by_head else 0.0)
        head = found[: cfg.answer_rerank]
        kinds = self._kinds(head, atype)
        # A clear call (nearest word at least KIND_MIN and ahead by KIND_MARGIN) marks a candidate
        # down: little-known names sit near no word and are left alone.
        other_kind = {i for i, (_, near, gap) in kinds.items() if near >= KIND_MIN and gap >= KIND_MARGIN}
        discount = cfg.qualified_role_fit ** cfg.candidate_fit_exponent
        scores = [c.score * (discount if i in other_kind else 1.0) for i, c in enumerate(head)]
        kept = [i for i, v in enumerate(scores) if v > max(scores) - reach]
        top = [head[i] for i in kept]
        similarity = self._sentence_similarity(top, query_vector)
        head_fit = self._head_fit(top, atype) if by_head else [0.0] * len(top)
        w_sim, w_head = self.settings.w_sentence_similarity, self.settings.w_head_similarity
        final = [scores[i] + w_sim * sim + w_head * fit for i, sim, fit in zip(kept, similarity, head_fit)]
        order = sorted(range(len(top)), key=lambda i: -final[i])
        ranked = [top[i] for i in order] + [c for c in found if all(c is not t for t in top)]
        winner = ranked[0]
        at = kept[order[0]]
        nearest, near, gap = kinds.get(at, (None, 0.0, 0.0))
        elsewhere = nearest if gap >= KIND_DECLINE_GAP and near - gap < KIND_DECLINE_CEILING else None
        coverage = {(s.doc.article.source, s.index): s.predicate for s in sentences}
        predicate = max(coverage.get((m.source, m.sentence), 0.0) for m in winner.mentions)
        return Finding(atype, ranked, winner, similarity[order[0]], predicate, elsewhere)

    def _sentence_similarity(self, top: list[CandidateAnswer], query_vector) -> list[float]:
        if query_vector is None:
            return [0.0] * len(top)
        keys = list(dict.fromkeys((c.best.doc.article.source, c.best.sentence) for c in top))
        texts = {k: next(c.best.doc.sentence(c.best.sentence) for c in top
                         if (c.best.doc.article.source, c.best.sentence) == k) for k in keys}
        vectors = np.asarray(self.encoder.encode([texts[k] for k in keys]))
        sims = dict(zip(keys, (vectors @ np.asarray(query_vector)).tolist()))
        return [sims[(c.best.doc.article.source, c.best.sentence)] for c in top]

    def _kinds(self, top: list[CandidateAnswer], atype: AnswerType) -> dict[int, tuple[str, float, float]]:
        """For each candidate MiniLM puts nearer another category word of its label than the one asked
        for, that word and how far ahead of the asked one it is: MiniLM puts "Chicago" nearest "city"
        and "California" nearest "state" among the category words of places, so "Chicago" is a poor
        answer to "which state", as "the Transportation Department" (nearest "department") is to "which
        airline". Only when the head is itself one of the label's category words, and not for a place
        its article writes as the kind asked for: "Vancouver, Washington" makes Vancouver a city there,
        however near "province" MiniLM puts the bare name (``ArticleText.place_pairs``)."""
        head = (words(atype.head)[-1:] or [""])[0]
        out: dict[int, tuple[str, float, float]] = {}  # index: (nearest word, its cosine, lead over the asked)
        for label in {c.best.label for c in top}:
            kinds = self.typer.kind_words(label)
            asked = head if head in kinds else head.rstrip("s")
            if label not in KIND_LABELS or label not in atype.labels or asked not in kinds:
                continue
            found = [i for i, c in enumerate(top) if c.best.label == label]
            near = np.asarray(self.encoder.encode([top[i].best.text for i in found])) @ self.typer.kind_vectors(label).T
            at = kinds.index(asked)
            for i, row in zip(found, near):
                if row.max() > row[at] and not _written_as(top[i], asked):
                    out[i] = (kinds[int(row.argmax())], float(row.max()), float(row.max() - row[at]))
        return out

    def _head_fit(self, top: list[CandidateAnswer], atype: AnswerType) -> list[float]:
        """How much each candidate resembles the head noun: "purple" is a colour, "skateboarding" a sport."""
        vectors = np.asarray(self.encoder.encode([atype.head] + [c.best.text for c in top]))
        return np.clip(vectors[1:] @ vectors[0], 0.0, 1.0).tolist()

    def _noun_phrases(self, sentences: list[ScoredSentence], head: str, question_stems: frozenset[str],
                      ) -> dict[tuple[str, int], list[tuple[int, int, str]]]:
        """Noun phrases of the best few sentences, as spans of their articles. A phrase that overlaps a
        named entity is left to the entity (its label says more), and one built on the head noun itself
        restates the question ("a canned drink" for "which drink"), so neither competes. But a name that
        only qualifies a kind of thing that is no name (MiniLM types the phrase's head word so: "hornets"
        an insect, unlike "village" a place) makes a kind of thing: "the Asian hornets" are a species,
        not a nationality, so that phrase competes beside the name. The question's own words at a
        phrase's edges are trimmed: they say what is asked ("invasive hornets" for "which invasive
        species"), the rest answers it, and so pools with the same answer named in full elsewhere. The
        noun that qualifies a phrase's head competes too (``_noun_modifier``)."""
        head_stem = (stem_all(words(head)[-1:]) or [""])[0]
        out: dict[tuple[str, int], list[tuple[int, int, str]]] = {}
        for s, doc, base, entities in _best_parsed(sentences):
            spans = []
            for chunk in _noun_groups(doc):
                gerund = _gerund_before(chunk)
                if gerund is not None and stem_all([gerund.lower_])[0] not in question_stems:
                    a, b = base + gerund.idx, base + gerund.idx + len(gerund.text)
                    if not _overlaps(entities, a, b):
                        spans.append((a, b, NOUN_PHRASE))
                kept = _trimmed_of(question_stems, [t for t in chunk if t.pos_ not in ("DET", "PRON", "PUNCT")])
                if not any(t.pos_ in ("NOUN", "PROPN") for t in kept) or chunk.root.pos_ not in ("NOUN", "PROPN"):
                    continue
                if head_stem and stem_all([chunk.root.lower_])[0] == head_stem:
                    continue
                start, end = base + kept[0].idx, base + kept[-1].idx + len(kept[-1].text)
                root = base + chunk.root.idx
                if any(a <= root < b for a, b, _ in entities):
                    continue
                if _overlaps(entities, start, end) and self.typer.labels(chunk.root.lower_):
                    continue
                spans.append((start, end, NOUN_PHRASE))
                modifier = _noun_modifier(kept, chunk.root)
                if modifier:
                    a, b = base + modifier[0].idx, base + modifier[-1].idx + len(modifier[-1].text)
                    if not _overlaps(entities, a, b):  # a name competes as itself
                        spans.append((a, b, NOUN_PHRASE))
            out[(s.doc.article.source, s.index)] = spans
        return out


def _unlabelled_names(sentences: list[ScoredSentence]) -> dict[tuple[str, int], list[tuple[int, int, str]]]:
    """Runs of proper nouns in the best few sentences that no entity covers, or that hold only pieces
    of entities: the small recogniser misses names it has not seen in that shape ("The Met Gala, the
    annual fundraiser ...") or takes a piece of one ("Maid Zero", a person, in "Minute Maid Zero Sugar
    Lemonade"), and a question that wants a name should still see them. A run built on an entity it
    holds whole only qualifies that entity ("President Joe Biden", "First Lady Jill Biden"): the words
    around it are titles, not another name, and the entity competes as itself, so the run does not."""
    out: dict[tuple[str, int], list[tuple[int, int, str]]] = {}
    for s, doc, base, entities in _best_parsed(sentences):
        spans = []
        run: list = []
        for token in [*doc, None]:
            if token is not None and token.pos_ == "PROPN":
                run.append(token)
                continue
            if run:
                start, end = base + run[0].idx, base + run[-1].idx + len(run[-1].text)
                touching = [(a, b) for a, b, _ in entities if a < end and start < b]
                head = base + _run_head(run).idx
                if all(start <= a and b <= end and (a, b) != (start, end) for a, b in touching) \
                        and not any(a <= head < b for a, b in touching):
                    spans.append((start, end, UNLABELLED_NAME))  # or the recogniser took a piece of it
            run = []
        out[(s.doc.article.source, s.index)] = spans
    return out


def _best_parsed(sentences: list[ScoredSentence]):
    """The best ``NOUN_PHRASE_SENTENCES`` sentences, each with its parse, where it starts in its
    article and its entities: what the noun-phrase and unlabelled-name finders read."""
    best = sorted(sentences, key=lambda s: -s.score)[:NOUN_PHRASE_SENTENCES]
    for s, doc in zip(best, parse_phrases([s.doc.sentence(s.index) for s in best])):
        yield s, doc, s.doc.spans[s.index].start, s.doc.entities_in(s.index)


def _run_head(run: list):
    """The word of a run of tokens that the rest of it hangs on: the last one whose parse head lies
    outside the run ("Biden" of "President Joe Biden", "Lemonade" of "Minute Maid Zero Sugar Lemonade")."""
    inside = {t.i for t in run}
    return [t for t in run if t.head.i not in inside or t.head.i == t.i][-1]


def _overlaps(spans: list[tuple[int, int, str]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b, _ in spans)


def _written_as(cand: CandidateAnswer, asked: str) -> bool:
    """An article writes the candidate as the kind of place asked for: first in "Vancouver, Washington"
    for a city or town, after the comma for a state, country or province."""
    sides = place_sides(asked)
    return sides is not None and any(cand.key in m.doc.place_pairs[sides[0]] for m in cand.mentions)


_MODIFIERS = frozenset({"det", "amod", "compound", "nmod", "nummod", "poss", "quantmod"})


def _noun_groups(doc):
    """Every noun with the run of modifiers before it: spaCy's ``noun_chunks`` skip nouns the small
    parser attaches oddly ("cloned a wild Andean wolf – and ...", with "wolf" an adverbial modifier)."""
    for word in doc:
        if word.pos_ not in ("NOUN", "PROPN") or word.dep_ in _MODIFIERS and word.head.i > word.i:
            continue
        start = word.i
        for child in reversed(list(word.lefts)):
            if child.dep_ not in _MODIFIERS or child.right_edge.i != start - 1:
                break
            start = child.left_edge.i
        yield doc[start:word.i + 1]


def _noun_modifier(tokens: list, root) -> list:
    """The noun that qualifies a phrase's head word, with its own modifiers: "nuclear power" of "nuclear
    power options", not "massive data" of "massive data centers" ("massive" qualifies the centers). A
    kind of thing is often named as the modifier of a vaguer word ("options", "plant", "category"), so
    it competes on its own, and MiniLM's likeness to the head noun tells which reading fits."""
    if root not in tokens or tokens.index(root) == 0:
        return []
    at = tokens.index(root)
    noun = tokens[at - 1]
    if noun.head != root or noun.dep_ not in ("compound", "nmod") or noun.pos_ not in ("NOUN", "PROPN"):
        return []
    start = at - 1
    while start > 0 and tokens[start - 1].dep_ in ("compound", "amod", "nmod") \
            and tokens[start - 1].head in tokens[start:at]:
        start -= 1
    return tokens[start:at]


def _gerund_before(chunk):
    """The "-ing" word that qualifies a noun group, "skateboarding" of "the UK's first skateboarding
    world champion": a sport or an activity is often named so, and the small parser reads the word as
    a verb (with the group its object, or as its adjective), so the group's nouns never include it. Not
    a verb with an auxiliary ("were eating lunch") or after a preposition or "to" ("by recalling
    products"), which is a verb indeed."""
    doc = chunk.doc
    for word in doc[max(0, chunk.start - 1):chunk.end - 1]:
        if word.tag_ != "VBG" or doc[word.i + 1].pos_ not in ("NOUN", "PROPN"):
            continue
        if any(c.dep_ in ("aux", "auxpass") for c in word.children):
            return None
        if word.i > 0 and (doc[word.i - 1].tag_ in ("IN", "TO") or doc[word.i - 1].pos_ == "AUX"):
            return None
        return word
    return None


def _trimmed_of(stems: frozenset[str], tokens: list) -> list:
    """``tokens`` without the leading and trailing ones whose stem is in ``stems``, nor a possessive
    left at an edge by them ("'s solid-state battery" of "the company's solid-state battery")."""
    inside = [stem_all([t.lower_])[0] not in stems and t.tag_ != "POS" for t in tokens]
    if not any(inside):
        return []
    first, last = inside.index(True), len(inside) - inside[::-1].index(True)
    return tokens[first:last]


def asked_slot(question: str, atype: AnswerType) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The question's stemmed words just before its wh-phrase (nearest first) and just after it
    ("which team" and its head): what a sentence stating the answer would have around it. Only the
    asking sentence's: a quiz question's scene before it ("... co-founded the Velvet Underground. In
    what year ...?") is no part of the slot."""
    tokens = words(asking_sentence(question))
    cue = atype.wh.split()[0] if atype.wh else ""
    if cue == ":":
        return tuple(stem_all(tokens[::-1][:SLOT_WORDS])), ()
    at = max((i for i, t in enumerate(tokens) if t == cue), default=None)
    if at is None:
        return (), ()
    end = at + (2 if cue == "how" else 1)  # "how many", "how much"
    for word in words(atype.head):
        if end < len(tokens) and tokens[end] == word:
            end += 1
    return tuple(stem_all(tokens[:at][::-1][:SLOT_WORDS])), tuple(stem_all(tokens[end:end + SLOT_WORDS]))


def other_clauses(parsed) -> frozenset[str]:
    """Content stems of the question's words outside the clause that asks: a fronted phrase ("After
    his speech at the Democratic National Convention, Biden left for a vacation in which state?"),
    another clause beside it ("... after the game ended"), a clause inside one of its noun phrases
    ("the Olympics that opened in July"), and the clause it is coordinated with ("Biden spoke at the
    convention and then left for ..."). A mention right after one of those words sits where that
    clause's thing is, not in the asked slot. The asking wh-word is ``answer_type.wh_token``'s (not
    "who" in "the president who visited Paris")."""
    wh = wh_token(parsed)
    head = wh
    while head is not None and head.pos_ not in _VERBS and head.head.i != head.i:
        head = head.head  # spaCy makes a new Token object on each access: compare positions
    if head is None or head.pos_ not in _VERBS:
        return frozenset()
    outside = []
    for child in head.children:
        if wh in child.subtree:
            continue
        if child.pos_ in _VERBS or (child.dep_ == "prep" and child.i < head.i):
            outside += child.subtree
        else:
            outside += [t for d in child.subtree if d.dep_ in _CLAUSES and d.pos_ in _VERBS for t in d.subtree]
    if head.dep_ in ("conj", "advcl") and head.head.i != head.i:
        outside += [t for t in head.head.subtree if t not in head.subtree]
    return frozenset(index_terms(" ".join(t.text for t in outside)))


_VERBS = ("VERB", "AUX")
_CLAUSES = ("relcl", "acl", "advcl", "pcomp", "ccomp", "xcomp", "conj", "csubj")


def done_verbs(parsed) -> frozenset[str]:
    """Stems of a parsed question's inflected main verbs ("fined" in "How much was he fined?"), which
    state what happened; auxiliaries ("have" in "have died") and bare forms are left out, so "How much
    did he agree to pay?" marks no "to pay" down. Stems, not lemmas: the small model lemmatises
    "fined" as "fin"."""
    return frozenset(stem_all([t.lower_ for t in parsed
                               if t.tag_ in ("VBD", "VBN", "VBZ", "VBP") and t.pos_ != "AUX"]))


def described_terms(parsed) -> frozenset[str]:
    """Stems of what a parsed question says about the thing it asks to be named ("uses", "recreate",
    "voices" in "What is the name of the project that uses AI to recreate the voices of victims?"):
    its common words, without its names (proper nouns), owners ("company" in "the company's new
    CEO"), "name" and the naming verbs, which any description of anything in the story may share."""
    owned = {t.i for p in parsed if p.dep_ == "poss" for t in p.subtree}
    kept = [t.lower_ for t in parsed if t.pos_ in ("NOUN", "VERB", "ADJ", "NUM") and t.i not in owned
            and t.lemma_.lower() not in ("name", "call", "know", "dub", "nickname", "title")]
    return frozenset(index_terms(" ".join(kept)))


def _commonness(keyword):
    """The share of the corpus's chunks that use a key's rarest word (its document frequency)."""
    def share(key: tuple[str, ...]) -> float:
        stems = index_terms(" ".join(key))  # stop words ("of" in "bank of america") are not indexed
        return min((keyword.share(t) for t in stems), default=0.0)
    return share


def _one_year(question_text: str) -> str | None:
    """The year the question is set in, when it names exactly one ("in July 2022")."""
    years = set(YEAR.findall(question_text))
    return years.pop() if len(years) == 1 else None
