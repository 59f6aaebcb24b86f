"""Boilerplate removal on the real sample files: each kind named in the issue, and the article text kept."""

from __future__ import annotations

import pytest

from byline.index.cleaner import clean
from byline.index.loader import read_sidecar, sidecar_metadata
from tests.conftest import CORPUS

SIDECAR, _ = read_sidecar(CORPUS)


def cleaned(name: str):
    raw = (CORPUS / name).read_text(encoding="utf-8")
    return raw, clean(raw, "text", sidecar_metadata(SIDECAR[name])["title"])


def test_widget_shortcode_and_read_time_marker_are_removed():
    raw, article = cleaned("001_ddf65abcec06f887.txt")
    assert "[responsivevoice_button" in raw and "2 min read" in raw
    assert "responsivevoice" not in article.text
    assert "min read" not in article.text
    assert article.text.startswith("Interior Minister Sar Kheng presents a national action plan")


def test_reproduction_notice_is_kept_as_metadata_not_as_answerable_text():
    _, article = cleaned("001_ddf65abcec06f887.txt")
    assert "No part of this article may be reproduced" not in article.text
    assert "VOD is not responsible" not in article.text
    assert article.notice and article.notice.startswith("VOD. No part of this article may be reproduced")
    assert article.text.endswith("in order to crack down on trafficking.")


def test_sponsor_words_byline_share_line_and_photo_credit_are_removed():
    raw, article = cleaned("003_4d63d15f2f6ef595.txt")
    for boilerplate in ("cellcard cellcard", "Taing Vida / Khmer Times Share:", "KT/Chor Sokunthea"):
        assert boilerplate in raw
        assert boilerplate not in article.text
    assert "cellcard" not in article.text and "Share:" not in article.text
    assert article.text.startswith("Interior Minister Sar Kheng yesterday blamed anti-human trafficking officials")


def test_previous_next_navigation_and_other_headlines_are_cut():
    raw, article = cleaned("003_4d63d15f2f6ef595.txt")
    for nav in ("Previous Article", "Next Article", "Government seeks to reunite deportees",
                "Meas Muth’s hearing scheduled for next month"):
        assert nav in raw
        assert nav not in article.text
    assert article.text.endswith("or else the problem will become serious.”")


def test_a_read_more_link_between_paragraphs_does_not_cut_the_rest_of_the_article():
    paragraph = "The justices heard the case on a cold morning, and the lawyers for both sides argued " \
                "for more than an hour about what a fair use of a photograph is. "
    before = [paragraph + "First.", paragraph + "Second.", paragraph + "More.", paragraph + "And more.",
              paragraph + "Fifth.", paragraph + "Sixth."]
    after = [paragraph + "Seventh, after the link.", paragraph + "Eighth.", paragraph + "Ninth."]
    bio = "Jane Doe covers the courts for the paper and has written about the justices, their rulings and " \
          "the lawyers who argue before them since she joined the newsroom in 2015."
    text = clean("\n\n".join(before + ["Read more:", "Court rules on photos"] + after
                              + ["Related stories", "Another headline", bio])).text
    assert "Seventh, after the link." in text and "Ninth." in text  # the article goes on after "Read more:"
    assert "Another headline" not in text and bio not in text  # a trailing block goes, a bio among its lines


def test_duplicated_photo_caption_appears_once_without_its_credit():
    raw, article = cleaned("002_7f55eb3e11389810.txt")
    caption = "Suspects detained following raids in Preah Sihanouk province."
    assert raw.count(caption) == 2
    assert article.text.count(caption) == 1
    assert "Kiripost/supplied" not in article.text


def test_title_line_is_metadata_and_not_repeated_in_the_text():
    _, article = cleaned("002_7f55eb3e11389810.txt")
    assert article.metadata["title"] == "Cambodia Defends Efforts to Stamp Out Human Trafficking"
    assert "Cambodia Defends Efforts" not in article.text
    assert article.text.startswith("Authorities have responded to OHCHR’s grave concerns")


def test_headline_is_found_without_sidecar_title():
    raw = (CORPUS / "003_4d63d15f2f6ef595.txt").read_text(encoding="utf-8")
    article = clean(raw, "text", None)
    assert article.metadata["title"] == "Officials blamed for Kingdom’s watch list placing"
    assert not article.text.startswith("Officials blamed")


@pytest.mark.parametrize("name, bracketed", [
    ("004_4bffa7ea486c87aa.txt", "then [the US] is also defeated"),
    ("004_4bffa7ea486c87aa.txt", "then so are [the efforts of the US]"),
    ("004_4bffa7ea486c87aa.txt", "Trafficking in Persons [TIP] Report"),
    ("002_7f55eb3e11389810.txt", "“[This] opened up the opportunity"),
    ("003_4d63d15f2f6ef595.txt", "did not have [updated] information"),
    ("000_01c3a06e8fece3df.txt", "We’ve tried very hard [to work on this] at every level"),
])
def test_editorial_brackets_in_quotes_are_article_text(name, bracketed):
    _, article = cleaned(name)
    assert bracketed in article.text


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_every_article_sentence_survives_cleaning(name):
    """Cleaning only drops boilerplate lines: every long line of prose is still there, verbatim."""
    raw, article = cleaned(name)
    boilerplate = ("VOD. No part of this article", "Suspects detained following raids")  # notice; caption credit
    for line in raw.splitlines():
        line = " ".join(line.replace("\u00a0", " ").split())
        if len(line.split()) > 15 and not line.startswith(boilerplate):
            assert line in article.text


def test_paragraphs_are_separated_by_blank_lines_and_whitespace_is_normalised():
    _, article = cleaned("001_ddf65abcec06f887.txt")
    assert "\u00a0" not in article.text
    assert "\n\n\n" not in article.text
    assert all(p == p.strip() and p for p in article.text.split("\n\n"))


def test_percent_escaped_punctuation_of_a_pasted_subtitle_is_decoded_and_a_percent_sign_stays():
    text = clean("Heat records fall%2C and it%27s %22freaky%22%3a a 50% rise in 20%2 of towns, "
                 "see https://example.com/q?a%2Fb%3Fc=1 or www.example.com/x%2Cy.").text
    assert text == ('Heat records fall, and it\'s "freaky": a 50% rise in 20%2 of towns, '
                    'see https://example.com/q?a%2Fb%3Fc=1 or www.example.com/x%2Cy.')


def test_markdown_front_matter_and_markup():
    raw = (
        "---\ntitle: Flood waters recede\npublication: The River Post\ndate: 2023-05-02\n---\n"
        "# Flood waters recede\n\n"
        "Water levels fell by **two metres** overnight, officials said, according to\n"
        "a [statement](https://example.org/x) from the _provincial_ office.\n\n"
        "![a photo](pic.jpg)\n\n"
        "> “We are relieved [by the news],” a farmer said.\n\n"
        "Share this:\n"
    )
    article = clean(raw, "markdown")
    assert article.metadata == {"title": "Flood waters recede", "publication": "The River Post",
                                "published": "2023-05-02"}
    assert article.text == (
        "Water levels fell by two metres overnight, officials said, according to a statement from the "
        "provincial office.\n\n“We are relieved [by the news],” a farmer said."
    )


def test_html_main_text_without_scripts_styles_menus_or_share_widgets():
    raw = """<!doctype html><html><head><title>Flood waters recede | River Post</title>
    <meta property="og:site_name" content="The River Post">
    <meta property="article:published_time" content="2023-05-02T08:00:00Z">
    <style>body { font-family: SecretFont; }</style><script>var tracker = "SECRET_SCRIPT";</script></head>
    <body><nav><a href="/">Home</a> <a href="/news">News menu</a></nav>
    <article><h1>Flood waters recede</h1>
    <p>Water levels fell by two metres overnight, officials said.</p>
    <div class="share-buttons"><a>Facebook</a><a>Twitter</a></div>
    <p>“We are relieved [by the news],” a farmer said &amp; smiled.</p>
    <script>document.write("INLINE_SCRIPT")</script></article>
    <aside><h3>Related</h3><p>Another headline entirely</p></aside>
    <footer>Copyright footer text</footer></body></html>"""
    article = clean(raw, "html")
    assert article.text == ("Water levels fell by two metres overnight, officials said.\n\n"
                            "“We are relieved [by the news],” a farmer said & smiled.")
    assert article.metadata == {"title": "Flood waters recede", "publication": "The River Post",
                                "published": "2023-05-02"}
