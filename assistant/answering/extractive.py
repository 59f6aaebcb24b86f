"""The default answerer: picks the sentences that answer the question and cites each one exactly.

No instruction-tuned model ships offline here, so answers are composed of article sentences. A sentence
is scored on how much of the question's topic it carries (weighted by rarity), whether it holds what the
question type asks for (a count, a date, a person, a reason, a place), whether the question's names and
years occur around it, and how well its chunk was retrieved. Further sentences join when they cover a
name or year the first one lacks (the two-article case) and when a quote needs its speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Iterator

from assistant.answering import features
from assistant.answering.citations import CitationList, Evidence, strip_markers, with_marker
from assistant.answering.base import Rewrite
from assistant.answering.decline import declined
from assistant.answering.question import COUNT, ROLE, WHAT, WHEN, WHERE, WHO, WHY, Key, Question
from assistant.retrieval.hybrid import Candidate
from assistant.retrieval.keyword import KeywordIndex
from assistant.answering.article_text import ArticleText
from assistant.retrieval.terms import index_terms, term_present, years_covered
from assistant.settings import Settings
from assistant.types import Answer, ShortAnswer

if TYPE_CHECKING:
    from assistant.answering.base import Grounds
    from assistant.answering.short_answer import Finding

SPEAKER_LOOKBACK = 4
FOLLOW_MIN_COVERAGE = 0.2
_AFTER_MARKERS = re.compile(r"(?<=\])\s+(?=[^\[])")
_POINTS_BACK = re.compile(r"^[“\"]?(?:This|That|These|Those|It|They|He|She|Some|Others|Such|Most|Many|The rest)\b"
                          r"|^\S+(?: \S+)? also\b")
MIN_WORDS = 4


@dataclass
class Sentence:
    doc: ArticleText
    index: int
    retrieval: float
    rank: int
    score: float = 0.0
    predicate: float = 0.0
    fit: float = 0.0
    type_met: bool = False
    focus_ok: bool = True
    follow: int | None = None  # a neighbouring sentence (next or previous) that completes the answer
    missing: list[Key] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.doc.sentence(self.index)

    @property
    def key(self) -> tuple[str, int]:
        return self.doc.article.source, self.index


@dataclass
class Pick:
    """The outcome of picking: the chosen sentences (best first) or why nothing fits."""

    chosen: list[Sentence]
    best_score: float
    missing: list[Key]
    pool: list[Sentence]
    predicate: float = 0.0
    type_met: bool = False
    has_predicate: bool = True
    focus_ok: bool = True


class ExtractiveAnswerer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def pick(self, question: Question, context: Rewrite, candidates: list[Candidate],
             docs: dict[str, ArticleText], keyword: KeywordIndex) -> Pick:
        pool = self._pool(candidates, docs)
        weights = _Weights.of(question, context, keyword, self.settings)
        fresh_weights = _Weights.of(question, replace(context, recalled=[]), keyword, self.settings)
        for s in pool:
            s.missing = [k for k in question.keys if not k.found_in(s.doc)]
            if context.shown and s.text in context.shown:
                self._score(s, question, fresh_weights)  # its own words must not vouch for it again
            else:
                self._score(s, question, weights)
        ranked = sorted(pool, key=lambda s: (-s.score, s.rank, s.index))
        if not ranked:
            return Pick([], 0.0, list(question.keys), [])
        best = ranked[0]
        chosen = [best]
        if best.missing:
            chosen, missing = self._cover(chosen, list(best.missing), ranked, lambda s: s.missing)
        else:
            missing = []
            local = self._local_missing(best, question)
            if local:
                chosen, _ = self._cover(chosen, local, ranked, lambda s: self._local_missing(s, question))
            chosen = self._complement(chosen, ranked, weights.all)
        return Pick(chosen, best.score, missing, ranked, best.predicate,
                    best.type_met, bool(question.predicate_terms or question.focus), best.focus_ok)

    def compose(self, pick: Pick, citations: CitationList) -> str:
        """Answer text from the picked sentences, speakers added, one marker per contiguous span."""
        parts = []
        seen: set[tuple[str, int]] = set()
        for s in pick.chosen:
            for span in self._spans(s, seen):
                text = strip_markers(" ".join(span.doc.sentence(i) for i in span.indexes))
                parts.append(with_marker(text, [citations.number(span.evidence)]))
        return " ".join(parts)

    def _spans(self, s: Sentence, seen: set[tuple[str, int]]) -> list["_Span"]:
        """The sentence with its speaker and continuation, as runs of adjacent sentences not yet used."""
        wanted = {s.index, *self._speaker(s), *([s.follow] if s.follow is not None else [])}
        fresh = sorted(i for i in wanted if (s.doc.article.source, i) not in seen)
        seen.update((s.doc.article.source, i) for i in fresh)
        runs: list[list[int]] = []
        for i in fresh:
            if runs and runs[-1][-1] + 1 == i:
                runs[-1].append(i)
            else:
                runs.append([i])
        return [_Span(s.doc, run) for run in runs]

    def answer(self, pick: Pick) -> Answer:
        citations = CitationList()
        text = self.compose(pick, citations)
        return Answer(text, False, citations.citations())

    def run(self, grounds: Grounds) -> Iterator[str | Answer]:
        """The answerer interface: text pieces, one cited span at a time, then the ``Answer``; a
        decline, as the support check decided, in one piece."""
        if not grounds.support.supported:
            answer = declined(grounds.support.reason, grounds.closest)
            yield answer.answer
            yield answer
            return
        finding = grounds.finding
        if grounds.support.short and finding.winner is not None:
            answer = self.short_answer(finding, grounds.pick, grounds.question)
        else:
            answer = self.answer(grounds.pick)
        if grounds.support.note:
            answer.answer = f"{answer.answer} {grounds.support.note}"
        yield from answer_pieces(answer.answer)
        yield answer

    def short_answer(self, finding: Finding, pick: Pick, question: Question) -> Answer:
        """The winning candidate first (in full, "Buffalo Bills" rather than "Bills"), then the sentence it
        stands in and the one that names it in full, then the same answer in a second article when one
        agrees; a question pairing years also gets the sentences that cover them."""
        winner = finding.winner
        best = winner.best
        # The sentence that names it in full comes second, so it is cited whenever two may be.
        shown = (winner.full_form() if self.settings.answer_max_sentences > 1 else None) or best
        citations = CitationList()
        seen: set[tuple[str, int]] = set()
        sentences: list[tuple[ArticleText, int]] = [(best.doc, best.sentence)]
        # The sentence that holds the shown name: its own, or the one before "He ..." that names him.
        named_in = (shown.doc, shown.doc.index_at(shown.start))
        if named_in not in sentences:
            sentences.append(named_in)
        # A second article is cited where it says what the question says, not where it only names the answer.
        for other in [m for m in [winner.mentions[0], *winner.agreeing] if m.source != best.source]:
            if other.score >= self.settings.agreeing_mention_ratio * best.score:
                sentences.append((other.doc, other.sentence))
                break
        if sum(1 for k in question.keys if k.kind == "year") >= 2:
            sentences += [(s.doc, s.index) for s in pick.chosen]
        kept = sentences[: self.settings.answer_max_sentences]
        if named_in not in kept:
            kept.append(named_in)  # the short answer must stand in a cited passage, beside what it rests on
        parts = []
        for doc, index in kept:
            for span in self._spans(Sentence(doc, index, 0.0, 0), seen):
                text = strip_markers(" ".join(span.doc.sentence(i) for i in span.indexes))
                parts.append(with_marker(text, [citations.number(span.evidence)]))
        n = next(c.n for c in citations.citations()
                 if c.source == shown.source and c.start <= shown.start and shown.end <= c.end)
        lead = shown.text.rstrip(".")
        return Answer(f"{lead}. " + " ".join(parts), False, citations.citations(),
                      short_answer=ShortAnswer(shown.text, n, shown.start, shown.end))

    # -- scoring -------------------------------------------------------------------------------

    def _pool(self, candidates: list[Candidate], docs: dict[str, ArticleText]) -> list[Sentence]:
        """Sentences of the top passages, each with its passage's retrieval strength in 0..1: cosine
        similarity relative to the best passage (fused RRF scores are too flat to tell passages apart)."""
        seen: dict[tuple[str, int], Sentence] = {}
        top = max((c.dense or 0.0 for c in candidates), default=0.0) or 1.0
        for rank, cand in enumerate(candidates[: self.settings.answer_passages]):
            strength = max(0.0, cand.dense or 0.0) / top
            doc = docs.get(cand.chunk.source)
            if doc is None:
                continue
            for i in doc.overlapping(cand.chunk.start, cand.chunk.end):
                key = (cand.chunk.source, i)
                if key in seen:
                    continue
                if len(doc.sentence(i).split()) < MIN_WORDS and not features.counts(doc.sentence(i)):
                    continue
                seen[key] = Sentence(doc, i, strength, rank)
        return list(seen.values())

    def _score(self, s: Sentence, question: Question, weights: "_Weights") -> None:
        cfg = self.settings
        doc, i = s.doc, s.index
        own = doc.stems(i)
        near = own.union(*(doc.stems(j) for j in _around(doc, i, 1)))
        speaker = self._speaker(s)
        context = near.union(*(doc.stems(j) for j in _around(doc, i, 2)), *(doc.stems(j) for j in speaker),
                             doc.header_stems)
        s.predicate = _coverage(weights.predicate, own)
        fit = type_fit(question, doc.sentence(i))
        if speaker and question.qtype == WHO:
            fit = max(fit, type_fit(question, doc.sentence(speaker[0])))
        s.type_met = fit >= 1.0
        follow, lead = i + 1, i - 1
        if fit < 1.0 and follow < len(doc.spans) and s.predicate > 0 and self._continues(s, follow, weights):
            follow_fit = type_fit(question, doc.sentence(follow))
            if cfg.follow_fit_discount * follow_fit > fit:
                fit, s.follow, s.type_met = cfg.follow_fit_discount * follow_fit, follow, follow_fit >= 1.0
        if fit < 1.0 and lead >= 0 and s.predicate > 0 and _POINTS_BACK.search(doc.sentence(i)):
            lead_fit = type_fit(question, doc.sentence(lead))
            if cfg.follow_fit_discount * lead_fit > fit:
                fit, s.follow, s.type_met = cfg.follow_fit_discount * lead_fit, lead, lead_fit >= 1.0
        context_of_answer = own.union(*(doc.stems(j) for j in [*speaker, *([s.follow] if s.follow is not None else [])]))
        s.focus_ok = all(term_present(t, context_of_answer) for t in question.focus)
        s.fit = fit
        names = 0.5 * (_coverage(weights.names, own) + _coverage(weights.names, context))
        s.score = (cfg.w_lexical * s.predicate + cfg.w_names * names
                   + cfg.w_nearby * _coverage(weights.all, near) + cfg.w_retrieval * s.retrieval)
        s.score *= 1.0 - getattr(cfg, f"type_strength_{question.qtype}") * (1.0 - fit)
        penalised = [k for k in s.missing if not (k.kind == "year" and _alternative_years(question, s))]
        s.score *= cfg.missing_key_penalty ** len(penalised)

    def _continues(self, s: Sentence, follow: int, weights: "_Weights") -> bool:
        """The next sentence carries on from this one: it opens by pointing back ("This was due to",
        "Some did so because") or it shares the question's terms."""
        text = s.doc.sentence(follow)
        return bool(_POINTS_BACK.search(text)) or _coverage(weights.predicate, s.doc.stems(follow)) >= FOLLOW_MIN_COVERAGE

    def _local_missing(self, s: Sentence, question: Question) -> list[Key]:
        """Years and names the question pairs ("in 2019 and in 2022") that the sentence's own
        neighbourhood does not mention, even if its article does."""
        if sum(1 for k in question.keys if k.kind == "year") < 2:
            return []
        doc = s.doc
        text = " ".join(doc.sentence(j) for j in _around(doc, s.index, 1)) + " " + doc.header
        years = frozenset(years_covered(text))
        return [k for k in question.keys if k.kind == "year" and k.surface not in years]

    def _cover(self, chosen: list[Sentence], missing: list[Key], ranked: list[Sentence], lacks):
        """Add sentences that hold the names or years the best one lacks (often from another article)."""
        for s in ranked[1:]:
            if len(chosen) >= self.settings.answer_max_sentences or not missing:
                break
            gaps = lacks(s)
            if any(k not in gaps for k in missing) and s.score >= self.settings.cover_min_ratio * chosen[0].score:
                chosen.append(s)
                missing = [k for k in missing if k in gaps]
        return chosen, missing

    def _complement(self, chosen: list[Sentence], ranked: list[Sentence], weights: dict[str, float]) -> list[Sentence]:
        """Add a close runner-up that carries question terms the best sentence lacks."""
        best = chosen[0]
        have = set(best.doc.stems(best.index))
        for s in ranked[1:]:
            if len(chosen) >= self.settings.answer_max_sentences or s.score < self.settings.complement_ratio * best.score:
                break
            new = {t for t in weights if term_present(t, s.doc.stems(s.index)) and not term_present(t, frozenset(have))}
            gain = sum(weights[t] for t in new) / (sum(weights.values()) or 1.0)
            if gain >= self.settings.complement_min_gain:
                chosen.append(s)
                have |= s.doc.stems(s.index)
        return chosen

    def _speaker(self, s: Sentence) -> list[int]:
        """The neighbouring sentence that names who is speaking, when this one is a quote or claim
        whose speaker is only "he", "she", "it" or missing."""
        text = s.text
        if not features.is_attributable(text) or features.names_its_speaker(text):
            return []
        for i in range(s.index - 1, max(-1, s.index - 1 - SPEAKER_LOOKBACK), -1):
            if features.names_its_speaker(s.doc.sentence(i)):
                return [i]
        after = s.index + 1
        if after < len(s.doc.spans) and features.names_its_speaker(s.doc.sentence(after)):
            return [after]
        return []


@dataclass
class _Weights:
    """Question terms weighted by rarity: all of them, the names, and the rest (the predicate)."""

    all: dict[str, float]
    names: dict[str, float]
    predicate: dict[str, float]

    @classmethod
    def of(cls, question: Question, context: Rewrite, keyword: KeywordIndex, cfg: Settings) -> "_Weights":
        names = question.name_terms
        focus, carried_weight = cfg.focus_weight, cfg.carried_term_weight
        own = {t: keyword.idf(t) * (focus if t in question.focus else 1.0) for t in question.terms}
        own.update({t: focus * keyword.idf(t) for t in question.focus if t not in own})
        borrowed = {t: carried_weight * keyword.idf(t) for t in context.carried if t not in own}
        borrowed.update({t: cfg.recalled_weight * carried_weight * keyword.idf(t) for t in context.recalled
                         if t not in own and t not in borrowed})
        own_total, borrowed_total = sum(own.values()), sum(borrowed.values())
        if own_total and borrowed_total > own_total:  # the context must not outvote the question itself
            scale = own_total / borrowed_total
            borrowed = {t: w * scale for t, w in borrowed.items()}
        every = {**own, **borrowed}
        return cls(
            all=every,
            names={t: w for t, w in own.items() if t in names},
            predicate={t: w for t, w in every.items() if t not in names},
        )


def answer_pieces(text: str) -> list[str]:
    """An extractive answer in the pieces a reader sees arrive: one cited span at a time."""
    parts = _AFTER_MARKERS.split(text)
    return [p if i == 0 else f" {p}" for i, p in enumerate(parts)]


_WHEN_UNIT = re.compile(r"\b(?:what|which) (month|year)s?\b", re.IGNORECASE)


def type_fit(question: Question, text: str) -> float:
    """How well a sentence holds what the question type asks for, 0..1."""
    qtype = question.qtype
    if qtype == COUNT:
        if not features.counts(text):
            return 0.0
        if not question.focus or features.count_near(text, [question.head]):
            return 1.0
        return 0.4 if term_present(question.head, frozenset(index_terms(text))) else 0.1
    if qtype == WHEN:
        unit = _WHEN_UNIT.search(question.text)
        if unit is not None and unit.group(1).lower() == "month":  # "Wednesday" says no month
            return 1.0 if features.names_month(text) else 0.0
        if unit is not None:  # a year
            return 1.0 if features.names_year(text) else 0.0
        return 1.0 if features.has_date(text) else 0.0
    if qtype == ROLE:
        return 1.0 if features.has_role(text) else 0.0
    if qtype == WHO:
        if features.has_person(text):
            return 1.0
        return (1.0 if question.asks_for_group else 0.6) if features.proper_names(text) else 0.0
    if qtype == WHY:
        return features.reason_strength(text, [t for t in question.predicate_terms if not t.isdigit()])
    if qtype == WHERE:
        return 1.0 if features.has_place(text) else 0.0
    if question.wants_speech:
        return 1.0 if features.is_attributable(text) else 0.3
    return 0.5 if qtype == WHAT else 0.0


def _alternative_years(question: Question, s: Sentence) -> bool:
    """A question pairing years ("in 2019 and in 2022") needs each sentence to cover one of them."""
    years = [k.surface for k in question.keys if k.kind == "year"]
    return len(years) >= 2 and any(y in s.doc.years for y in years)


def _coverage(weights: dict[str, float], stems: frozenset[str]) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    return sum(w for t, w in weights.items() if term_present(t, stems)) / total


def _around(doc: ArticleText, index: int, width: int) -> range:
    return range(max(0, index - width), min(len(doc.spans), index + width + 1))


@dataclass(frozen=True)
class _Span:
    """Adjacent sentences of one article, cited as one passage."""

    doc: ArticleText
    indexes: list[int]

    @property
    def evidence(self) -> Evidence:
        spans = self.doc.spans
        return Evidence(self.doc.article, spans[self.indexes[0]].start, spans[self.indexes[-1]].end)
