"""Guessed metadata stays marked as a guess: estimated dates, inferred publications, derived titles."""

from __future__ import annotations

from assistant.types import Citation
from byline.index.ingest import derived_title
from byline.index.loader import sidecar_metadata


def test_an_estimated_date_and_an_inferred_publication_are_flagged():
    meta = sidecar_metadata({"publication": "The Phnom Penh Post (inferred: the article quotes 'told The Post')",
                             "published_estimated": "2022-07"})
    assert meta["publication"] == "The Phnom Penh Post" and meta["publication_inferred"]
    assert meta["published"] == "2022-07" and meta["published_estimated"]


def test_a_named_publication_and_an_exact_date_are_facts():
    meta = sidecar_metadata({"publication": "VOD (named in the article's closing notice)",
                             "published": "2022-08-09", "published_estimated": "2022-08"})
    assert meta["publication"] == "VOD" and not meta["publication_inferred"]
    assert meta["published"] == "2022-08-09" and not meta["published_estimated"]


def test_a_derived_title_is_the_first_real_sentence_cut_at_a_word():
    text = ("Share this. Cambodia’s interior minister said on Saturday that he was shocked by the US decision "
            "to downgrade the Kingdom in its annual report on human trafficking. More follows.")
    title = derived_title(text)
    assert title.startswith("Cambodia’s interior minister said on Saturday")
    assert len(title) <= 81 and title.endswith("…") and not title[:-1].endswith(" ")
    assert derived_title("Short one here.") == "Short one here"
    assert derived_title("") is None


def test_a_citation_reads_with_its_guesses_marked():
    c = Citation(n=1, source="a.txt", passage="p", start=0, end=1, title="First sentence", publication="Kiripost",
                 published="2022-10", title_derived=True, published_estimated=True, publication_inferred=True)
    assert c.where == "First sentence (title from its first sentence), Kiripost (publication inferred), about 2022-10"
    assert c.to_dict()["published_estimated"] is True
    plain = Citation(n=1, source="a.txt", passage="p", start=0, end=1, title="T", publication="VOD", published="2022-08-09")
    assert plain.where == "T, VOD, 2022-08-09"
