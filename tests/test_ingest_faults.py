"""Faults during ingest: a real ``kill -9`` halfway, two ingests on one store, and crashes at the exact
points where a store is between states. Each run must end in the store a clean ingest builds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from byline.index import ingest as ingest_module
from byline.index.ingest import ingest
from tests.conftest import ROOT, run_byline
from tests.helpers.ingest import (CountingEmbedder, assert_same_store, generated_corpus, sample_sentences,
                                  store_contents)

pytestmark = pytest.mark.process

ARTICLES = 30
# Runs ``ingest`` in its own process, printing each article as it is stored; with a pause file it
# waits after the first article (holding the store's lock) until that file exists.
DRIVER = """
import os, sys, time
from pathlib import Path
from assistant.offline import go_offline
go_offline()
from assistant.settings import Settings
from byline.index.ingest import ingest
corpus, store, pause = sys.argv[1], sys.argv[2], sys.argv[3]
def stored(source):
    print(source, flush=True)
    while pause and not os.path.exists(pause):
        time.sleep(0.05)
ingest(Path(corpus), Settings.load(store=Path(store), ingest_batch_chunks=4), on_article=stored)
print("DONE", flush=True)
"""


@pytest.fixture(scope="module")
def embedder():
    from assistant.embedding import load_embedder

    return CountingEmbedder(load_embedder(Settings()))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return generated_corpus(tmp_path_factory.mktemp("generated") / "corpus", ARTICLES)


@pytest.fixture(scope="module")
def clean_store(corpus, tmp_path_factory, embedder) -> dict:
    """What a clean, uninterrupted ingest of the generated corpus stores."""
    store = tmp_path_factory.mktemp("clean") / "store"
    report = ingest(corpus, Settings.load(store=store), embedder=embedder)
    assert report.added == ARTICLES
    return store_contents(store)


def start_driver(corpus: Path, store: Path, pause: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", DRIVER, str(corpus), str(store), str(pause or "")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def read_line(proc: subprocess.Popen) -> str:
    line = proc.stdout.readline().strip()
    assert line, f"ingest process ended early: {proc.stderr.read()}"
    return line


def test_kill_9_halfway_then_rerun_equals_a_clean_ingest(corpus, clean_store, tmp_path):
    store = tmp_path / "store"
    proc = start_driver(corpus, store)
    stored = [read_line(proc) for _ in range(ARTICLES // 3)]
    time.sleep(0.2)  # let it get into the next group: embedding, writing chunks or records
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    status = run_byline("status", "--store", str(store), "--json")
    assert status.returncode == 0, status.stderr
    partial = json.loads(status.stdout)
    assert len(stored) <= partial["articles"] < ARTICLES
    assert partial["complete"] is False

    rerun = run_byline("ingest", "--corpus", str(corpus), "--store", str(store), "--json")
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["documents"] == ARTICLES
    assert report["unchanged"] >= len(stored)
    assert report["added"] + report["updated"] + report["unchanged"] == ARTICLES
    assert report["chunks"] == len(clean_store["chunks"])
    assert_same_store(store_contents(store), clean_store)


def test_second_ingest_on_the_same_store_refuses_and_nothing_is_corrupted(corpus, clean_store, tmp_path):
    store, pause = tmp_path / "store", tmp_path / "release"
    first = start_driver(corpus, store, pause)
    try:
        read_line(first)  # the first ingest holds the lock, mid-run
        second = run_byline("ingest", "--corpus", str(corpus), "--store", str(store), "--json")
        assert second.returncode == 1
        assert second.stderr.strip() == (f"byline: another ingest is running on store {store}; "
                                         "try again when it ends")
        assert second.stdout == ""
    finally:
        pause.touch()
    lines = first.communicate(timeout=300)[0].split()
    assert first.returncode == 0 and lines[-1] == "DONE"
    assert len(lines) == ARTICLES
    assert_same_store(store_contents(store), clean_store)


class Crash(BaseException):
    """Stands in for the process dying: not an Exception, so nothing on the way up handles it."""


def crash_before_record_of(monkeypatch, source: str) -> None:
    """Die after an article's new chunks are written and before its record is (the widest window)."""
    write_record = ingest_module._article_record

    def record(digest, meta, *rest):
        if meta.get("title") == source:
            raise Crash(source)
        return write_record(digest, meta, *rest)

    monkeypatch.setattr(ingest_module, "_article_record", record)


def subset(contents: dict, without: set[str]) -> dict:
    return {
        "chunks": {i: c for i, c in contents["chunks"].items() if c[1]["source"] not in without},
        "articles": {s: a for s, a in contents["articles"].items() if s not in without},
        "meta": contents["meta"],
    }


def test_crash_in_a_new_article_whose_file_is_then_deleted_leaves_no_orphans(
        corpus, clean_store, tmp_path, embedder, monkeypatch):
    mine = tmp_path / "corpus"
    shutil.copytree(corpus, mine)
    settings = Settings.load(store=tmp_path / "store", ingest_batch_chunks=1)
    crash_before_record_of(monkeypatch, "Generated report number 12")
    with pytest.raises(Crash):
        ingest(mine, settings, embedder=embedder)
    monkeypatch.undo()
    crashed = store_contents(settings.store)
    assert crashed["meta"]["dirty"] is True
    assert any(m["source"] == "gen_012.txt" for _, m, _ in crashed["chunks"].values())
    assert "gen_012.txt" not in crashed["articles"]

    (mine / "gen_012.txt").unlink()
    report = ingest(mine, settings, embedder=embedder)
    assert (report.documents, report.removed) == (ARTICLES - 1, 0)
    assert_same_store(store_contents(settings.store), subset(clean_store, {"gen_012.txt"}))


def test_crash_in_a_new_article_whose_file_is_then_edited_keeps_only_the_new_version(
        corpus, clean_store, tmp_path, embedder, monkeypatch):
    mine = tmp_path / "corpus"
    shutil.copytree(corpus, mine)
    settings = Settings.load(store=tmp_path / "store", ingest_batch_chunks=1)
    crash_before_record_of(monkeypatch, "Generated report number 7")
    with pytest.raises(Crash):
        ingest(mine, settings, embedder=embedder)
    monkeypatch.undo()
    (mine / "gen_007.txt").write_text("Generated report number 7\n\nOnly this short text remains.", encoding="utf-8")
    report = ingest(mine, settings, embedder=embedder)
    assert report.documents == ARTICLES
    after = store_contents(settings.store)
    text, record = after["articles"]["gen_007.txt"]
    assert text == "Only this short text remains."
    assert [doc for doc, m, _ in after["chunks"].values() if m["source"] == "gen_007.txt"] == [text]
    assert record["chunks"] == 1
    assert_same_store(subset(after, {"gen_007.txt"}), subset(clean_store, {"gen_007.txt"}))


def test_crash_while_replacing_an_article_then_reverting_its_file_still_completes(
        corpus, clean_store, tmp_path, embedder, monkeypatch):
    mine = tmp_path / "corpus"
    shutil.copytree(corpus, mine)
    settings = Settings.load(store=tmp_path / "store")
    ingest(mine, settings, embedder=embedder)
    path = mine / "gen_005.txt"
    original = path.read_bytes()
    path.write_bytes(original + b"\n\nAn added paragraph that changes the article.")
    crash_before_record_of(monkeypatch, "Generated report number 5")
    with pytest.raises(Crash):
        ingest(mine, settings, embedder=embedder)
    monkeypatch.undo()
    crashed = store_contents(settings.store)
    assert crashed["articles"]["gen_005.txt"][1]["doc_hash"] == ""  # invalidated before its chunks changed

    path.write_bytes(original)
    report = ingest(mine, settings, embedder=embedder)
    assert (report.updated, report.unchanged) == (1, ARTICLES - 1)
    assert_same_store(store_contents(settings.store), clean_store)


def test_an_uninterrupted_store_is_never_swept(corpus, tmp_path, embedder, monkeypatch):
    """The full chunk scan is for recovery only; a normal re-run or edit must not pay for it."""
    mine = tmp_path / "corpus"
    shutil.copytree(corpus, mine)
    settings = Settings.load(store=tmp_path / "store")
    ingest(mine, settings, embedder=embedder)

    def no_sweep(*args):
        raise AssertionError("orphan sweep on a store that was not interrupted")

    monkeypatch.setattr(ingest_module, "_sweep_orphans", no_sweep)
    (mine / "gen_001.txt").write_text("A short replacement article about the budget.", encoding="utf-8")
    (mine / "gen_002.txt").unlink()
    report = ingest(mine, settings, embedder=embedder)
    assert (report.updated, report.removed) == (1, 1)
    assert ingest(mine, settings, embedder=embedder).unchanged == ARTICLES - 1
    assert store_contents(settings.store)["meta"]["dirty"] is False


@pytest.fixture
def small_disk(tmp_path):
    """A 1.5 MB tmpfs, mounted for the test when this user may mount (root in CI); else skipped."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1500k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'mount failed'}): "
                    "the disk-full test needs it")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_is_one_clear_line_and_the_store_keeps_answering(small_disk, corpus_copy):
    from tests.conftest import run_byline

    store = small_disk / "store"
    first = run_byline("ingest", "--corpus", str(corpus_copy), "--store", str(store))
    assert first.returncode == 0, first.stderr
    sentences = sample_sentences()
    paragraphs = [f"Report {i}: " + " ".join(sentences[(i + j) % len(sentences)] for j in range(4))
                  for i in range(600)]
    (corpus_copy / "long.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    full = run_byline("ingest", "--corpus", str(corpus_copy), "--store", str(store))
    assert full.returncode == 1
    assert "disk holding the store" in full.stderr and "is full" in full.stderr
    assert "InternalError" not in full.stderr and "Traceback" not in full.stderr
    status = run_byline("status", "--store", str(store), "--json")
    assert json.loads(status.stdout)["articles"] == 5
    answer = run_byline("ask", "How many requests were lodged countrywide?", "--store", str(store), "--json")
    assert answer.returncode == 0 and "496" in json.loads(answer.stdout)["answer"]


def crash_before_new_chunks(monkeypatch) -> None:
    """Die after the old record is invalidated and the old chunks deleted, before the new ones."""
    def add_chunks(self, group, vectors):
        raise Crash("before the new chunks")

    monkeypatch.setattr(ingest_module._Writer, "_add_chunks", add_chunks)


@pytest.mark.parametrize("step", ["before the new chunks", "between the new chunks and the record"])
def test_a_reader_at_each_step_of_an_update_cites_only_exact_spans(
        corpus_copy, store_copy, embedder, monkeypatch, step):
    """An update invalidates the article's record, deletes its old chunks, writes the new ones, then
    its record with the new text (the commit point). A reader stopped at any step between must never
    pair one version's chunk offsets with another's text."""
    from assistant import Assistant
    from assistant.store import Store

    kiripost = corpus_copy / "002_7f55eb3e11389810.txt"
    preface = "\n\n".join(" ".join(sample_sentences()[i:i + 4]) + f" (Note {i}.)" for i in range(0, 100, 4))
    kiripost.write_text(preface + "\n\n" + kiripost.read_text(encoding="utf-8"), encoding="utf-8")
    settings = Settings.load(store=store_copy)
    if step == "before the new chunks":
        crash_before_new_chunks(monkeypatch)
    else:
        crash_before_record_of(monkeypatch, "Cambodia Defends Efforts to Stamp Out Human Trafficking")
    with pytest.raises(Crash):
        ingest(corpus_copy, settings, embedder=embedder)
    monkeypatch.undo()

    reader = Assistant.from_settings(settings)
    store = Store.open(settings)
    for question in ("How many requests were lodged countrywide?", "How many of them were Vietnamese?",
                     "What did the NCCT report say about fake complaints?", "Who signed the NCCT report?"):
        answer = reader.ask(question)
        for c in answer.citations:
            assert c.passage, f"{question}: an empty citation"
            assert store.article(c.source).text[c.start:c.end] == c.passage

    ingest(corpus_copy, settings, embedder=embedder)  # the next run completes the update
    after = Assistant.from_settings(settings).ask("How many requests were lodged countrywide?")
    assert "496" in after.answer
    assert all(store.article(c.source).text[c.start:c.end] == c.passage for c in after.citations)
