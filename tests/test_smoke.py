import json

import pytest

from tests.conftest import CORPUS, run_byline

pytestmark = pytest.mark.process


def test_ingest_then_ask_from_the_command_line(tmp_path):
    store = tmp_path / "store"
    done = run_byline("ingest", "--corpus", str(CORPUS), "--store", str(store), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["documents"] == 5 and report["added"] == 5

    asked = run_byline("ask", "How many requests were lodged countrywide?", "--store", str(store), "--json")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert "496" in answer["answer"]
    assert answer["citations"][0]["source"] == "002_7f55eb3e11389810.txt"


def test_ask_whose_reader_has_gone_away_exits_quietly(sample_store):
    """Like `byline ask … | head`: the pipe is closed before the answer is written."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ask", "Who is Keo Vanthan?", "--store", str(sample_store)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert stderr == ""
