"""Ingest into a real Chroma store on disk with the real model: exact passages, incremental sync,
bad input, model mismatch, status and the progress bar."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios

import pytest

from assistant.embedding import MAX_WORD_PIECES, word_pieces
from assistant.errors import InputError, StoreError
from assistant.settings import Settings
from byline.index.ingest import ingest
from tests.conftest import CORPUS, ROOT, run_byline
from tests.helpers.ingest import CountingEmbedder, store_contents

pytestmark = pytest.mark.process

EDITED = "002_7f55eb3e11389810.txt"


@pytest.fixture(scope="module")
def embedder():
    from assistant.embedding import load_embedder

    return CountingEmbedder(load_embedder(Settings()))


@pytest.fixture
def fresh(corpus_copy, tmp_path, embedder):
    """A corpus copy ingested into a new store; returns (corpus, settings)."""
    settings = Settings.load(store=tmp_path / "fresh-store")
    report = ingest(corpus_copy, settings, embedder=embedder)
    assert (report.documents, report.added) == (5, 5)
    embedder.reset()
    return corpus_copy, settings


def test_stored_passages_are_exact_slices_of_the_stored_cleaned_text(sample_store):
    contents = store_contents(sample_store)
    articles = contents["articles"]
    assert sorted(articles) == sorted(p.name for p in CORPUS.glob("*.txt"))
    per_source: dict[str, int] = {}
    for doc, meta, _ in contents["chunks"].values():
        text = articles[meta["source"]][0]
        assert text[meta["start"]:meta["end"]] == doc
        assert len(word_pieces(doc)) + 2 <= MAX_WORD_PIECES
        per_source[meta["source"]] = per_source.get(meta["source"], 0) + 1
    assert {s: m["chunks"] for s, (_, m) in articles.items()} == per_source


def test_article_records_carry_display_metadata_and_the_notice(sample_store):
    articles = store_contents(sample_store)["articles"]
    text, meta = articles["001_ddf65abcec06f887.txt"]
    assert meta["publication"] == "VOD"
    assert meta["title"] == "Gov’t Launches Plan After Cambodia’s Anti-Trafficking Rank Falls"
    assert meta["notice"].startswith("VOD. No part of this article may be reproduced")
    assert "No part of this article" not in text and "responsivevoice" not in text
    assert articles["000_01c3a06e8fece3df.txt"][1]["publication"] == "The Phnom Penh Post"
    assert articles["004_4bffa7ea486c87aa.txt"][1]["publication"] == ""


def test_rerun_is_idempotent_and_embeds_nothing(fresh, embedder):
    corpus, settings = fresh
    before = store_contents(settings.store)
    report = ingest(corpus, settings, embedder=embedder)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 5)
    assert report.chunks == len(before["chunks"])
    assert embedder.calls == 0 and embedder.texts == []
    after = store_contents(settings.store)
    assert after == before  # same ids, texts, vectors, records; generation not bumped


def test_editing_one_article_updates_exactly_that_article(fresh, embedder):
    corpus, settings = fresh
    before = store_contents(settings.store)
    path = corpus / EDITED
    path.write_text(path.read_text(encoding="utf-8") + "\n\nA late correction was issued on Friday.",
                    encoding="utf-8")
    report = ingest(corpus, settings, embedder=embedder)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, 4)
    after = store_contents(settings.store)
    new_chunks = {i: c for i, c in after["chunks"].items() if c[1]["source"] == EDITED}
    assert sorted(embedder.texts) == sorted(doc for doc, _, _ in new_chunks.values())
    assert after["articles"][EDITED][0].endswith("A late correction was issued on Friday.")
    untouched = {i: c for i, c in before["chunks"].items() if c[1]["source"] != EDITED}
    assert {i: c for i, c in after["chunks"].items() if c[1]["source"] != EDITED} == untouched
    assert len({m["doc_hash"] for _, m, _ in new_chunks.values()}) == 1  # no chunk of the old version left
    assert after["meta"]["generation"] > before["meta"]["generation"]
    assert after["meta"]["dirty"] is False


def test_changing_sidecar_metadata_updates_that_article(fresh, embedder):
    corpus, settings = fresh
    sidecar = json.loads((corpus / "articles.json").read_text(encoding="utf-8"))
    sidecar["articles"]["004_4bffa7ea486c87aa.txt"]["publication"] = "Khmer Times"
    (corpus / "articles.json").write_text(json.dumps(sidecar), encoding="utf-8")
    report = ingest(corpus, settings, embedder=embedder)
    assert (report.updated, report.unchanged) == (1, 4)
    after = store_contents(settings.store)
    assert after["articles"]["004_4bffa7ea486c87aa.txt"][1]["publication"] == "Khmer Times"
    assert {m["publication"] for _, m, _ in after["chunks"].values()
            if m["source"] == "004_4bffa7ea486c87aa.txt"} == {"Khmer Times"}


def test_deleting_one_article_removes_it_and_its_chunks(fresh, embedder):
    corpus, settings = fresh
    (corpus / EDITED).unlink()
    report = ingest(corpus, settings, embedder=embedder)
    assert (report.documents, report.added, report.updated, report.removed, report.unchanged) == (4, 0, 0, 1, 4)
    after = store_contents(settings.store)
    assert EDITED not in after["articles"]
    assert all(m["source"] != EDITED for _, m, _ in after["chunks"].values())
    assert report.chunks == len(after["chunks"])
    assert embedder.calls == 0


def test_bad_files_are_skipped_with_reasons_while_the_rest_is_ingested(corpus_copy, tmp_path, embedder):
    (corpus_copy / "scan.txt").write_bytes(bytes((i * 73 + 5) % 256 for i in range(5000)))
    (corpus_copy / "blank.txt").write_bytes(b"")
    (corpus_copy / "spaces.txt").write_text("   \n\n  \t\n")
    (corpus_copy / "report.pdf").write_bytes(b"%PDF-1.7\n")
    (corpus_copy / "widgets.txt").write_text("[responsivevoice_button voice=\"US English Female\"]\n2 min read\n")
    report = ingest(corpus_copy, Settings.load(store=tmp_path / "store"), embedder=embedder)
    assert (report.documents, report.added) == (5, 5)
    assert {s["path"]: s["reason"] for s in report.skipped} == {
        "scan.txt": "binary or undecodable content",
        "blank.txt": "empty file",
        "spaces.txt": "no text",
        "report.pdf": "unsupported file type '.pdf'",
        "widgets.txt": "no article text left after removing boilerplate",
    }
    assert sorted(store_contents(tmp_path / "store")["articles"]) == sorted(p.name for p in CORPUS.glob("*.txt"))


def test_missing_or_empty_corpus_exits_2_with_a_clear_message(tmp_path):
    store = str(tmp_path / "store")
    missing = run_byline("ingest", "--corpus", str(tmp_path / "nope"), "--store", store, "--json")
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"byline: corpus directory not found: {tmp_path / 'nope'}"
    assert missing.stdout == ""
    (tmp_path / "empty").mkdir()
    empty = run_byline("ingest", "--corpus", str(tmp_path / "empty"), "--store", store)
    assert empty.returncode == 2
    assert empty.stderr.strip() == f"byline: no articles found in {tmp_path / 'empty'}"
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "a.txt").write_bytes(b"")
    junk = run_byline("ingest", "--corpus", str(tmp_path / "junk"), "--store", store)
    assert junk.returncode == 2
    assert "no articles found" in junk.stderr and "1 file(s) skipped" in junk.stderr
    assert "Traceback" not in missing.stderr + empty.stderr + junk.stderr


def test_store_built_with_another_model_is_refused(tmp_path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    store = tmp_path / "other-model-store"
    client = chromadb.PersistentClient(path=str(store), settings=ChromaSettings(anonymized_telemetry=False))
    client.create_collection("byline_articles", embedding_function=None,
                             metadata={"embed_model": "bge-base-en", "embed_dim": 768, "schema": 1, "generation": 3})
    client.create_collection("byline_chunks", embedding_function=None)
    done = run_byline("ingest", "--corpus", str(CORPUS), "--store", str(store), "--json")
    assert done.returncode == 1
    assert "built with embedding model 'bge-base-en' (dimension 768)" in done.stderr
    assert "all-MiniLM-L6-v2" in done.stderr and "Traceback" not in done.stderr
    assert client.get_collection("byline_chunks").count() == 0
    assert client.get_collection("byline_articles").metadata["generation"] == 3
    with pytest.raises(StoreError, match="bge-base-en"):
        ingest(CORPUS, Settings.load(store=store), embedder=object())


def test_corpus_that_is_a_file_is_bad_input(tmp_path):
    with pytest.raises(InputError, match="not a directory"):
        ingest(CORPUS / "000_01c3a06e8fece3df.txt", Settings.load(store=tmp_path / "s"))


def test_status_reports_articles_chunks_store_and_model(sample_store):
    chunks = len(store_contents(sample_store)["chunks"])
    done = run_byline("status", "--store", str(sample_store), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"store": str(sample_store), "articles": 5, "chunks": chunks,
                                       "model": "all-MiniLM-L6-v2", "complete": True}
    text = run_byline("status", "--store", str(sample_store))
    assert "articles: 5" in text.stdout and f"chunks: {chunks}" in text.stdout


def test_status_without_a_store_exits_2(tmp_path):
    done = run_byline("status", "--store", str(tmp_path / "none"))
    assert done.returncode == 2
    assert "no articles ingested" in done.stderr


def run_on_terminal(*args: str) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal (as in an interactive shell); stdout piped."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "assistant", *args], stdout=subprocess.PIPE,
                            stderr=slave, cwd=ROOT)
    os.close(slave)
    terminal = b""
    while True:
        ready, _, _ = select.select([master], [], [], 300)
        if not ready:
            proc.kill()
            raise TimeoutError("byline did not finish")
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        terminal += data
    os.close(master)
    stdout = proc.stdout.read().decode()
    return proc.wait(), stdout, terminal.decode(errors="replace")


def test_progress_bar_on_a_terminal_and_quiet_under_json(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:2]:
        (corpus / path.name).write_bytes(path.read_bytes())
    code, stdout, terminal = run_on_terminal("ingest", "--corpus", str(corpus), "--store", str(tmp_path / "a"))
    assert code == 0
    assert "ingest: 100%" in terminal and "2/2" in terminal and "article" in terminal
    assert stdout.startswith("2 articles")
    code, stdout, terminal = run_on_terminal("ingest", "--corpus", str(corpus), "--store", str(tmp_path / "b"),
                                             "--json")
    assert code == 0
    assert terminal == ""
    assert json.loads(stdout)["added"] == 2


def test_ingest_add_keeps_the_articles_the_folder_lacks(store_copy, tmp_path):
    import json as _json

    from tests.conftest import run_byline

    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "new.txt").write_text("The hotline in Siem Reap received 312 calls in November, officials said today.\n")
    added = run_byline("ingest", "--corpus", str(extra), "--store", str(store_copy), "--add", "--json")
    assert added.returncode == 0, added.stderr
    report = _json.loads(added.stdout)
    assert (report["added"], report["removed"]) == (1, 0)
    status = _json.loads(run_byline("status", "--store", str(store_copy), "--json").stdout)
    assert status["articles"] == 6
    synced = _json.loads(run_byline("ingest", "--corpus", str(extra), "--store", str(store_copy), "--json").stdout)
    assert synced["removed"] == 5
