"""``byline chat``: a conversation in the terminal.

Each line is a question; the answer streams in, its citations follow underneath, and the turn joins
the history so that follow-ups ("And how many were Vietnamese?") are understood. Lines that start with
``/`` are commands (``COMMANDS``), never questions. In a terminal, Python's ``readline`` gives line
editing and history (the Up arrow recalls earlier questions, kept across sessions in the cache
directory); Ctrl-C stops the answer being written, or clears the line, and the session goes on; Ctrl-D
or ``/quit`` leaves. Piped input works the same, without the prompt.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from assistant.errors import BylineError
from assistant.settings import Settings
from assistant.types import Answer

COMMANDS = {
    "/help": "list these commands",
    "/new": "start a new conversation (earlier questions no longer count)",
    "/save FILE": "write the conversation, with its sources, to FILE as Markdown",
    "/quit": "leave (Ctrl-D does too)",
}
HELP = "Ask about the articles. Commands:\n" + "\n".join(f"  {c:<11} {d}" for c, d in COMMANDS.items())
HISTORY_LINES = 1000


def run_chat(settings: Settings, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    from assistant.engine import Assistant

    bot = Assistant.from_settings(settings)
    session = _Session(settings, stdin, stdout)
    history: list[dict] = []
    turns: list[tuple[str, Answer]] = []
    if session.interactive:
        print(HELP, file=stdout)
    while True:
        line = session.read()
        if line is None:
            return 0
        question = line.strip()
        if not question:
            continue
        if question.startswith("/"):
            command, _, argument = question.partition(" ")
            if command == "/quit":
                return 0
            if command == "/new":
                history, turns = [], []
                print("(new conversation)", file=stdout, flush=True)
            elif command == "/help":
                print(HELP, file=stdout, flush=True)
            elif command == "/save":
                _save(argument.strip(), turns, stdout)
            else:
                print(f"unknown command {command}; /help lists the commands", file=stdout, flush=True)
            continue
        try:
            answer = _answer(bot, question, history, stdout)
        except BylineError as exc:  # a bad question or a store hiccup ends the turn, not the chat
            print(f"byline: {exc}", file=sys.stderr, flush=True)
            continue
        if answer is None:  # stopped with Ctrl-C: nothing joins the history
            continue
        turns.append((question, answer))
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]
        history = history[-settings.max_messages:]


class _Session:
    """Where lines come from: ``input()`` with readline in a terminal, plain lines from a pipe."""

    def __init__(self, settings: Settings, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin, self.stdout = stdin, stdout
        self.interactive = stdin is sys.stdin and stdin.isatty() and stdout is sys.stdout
        self.history_file = Path(settings.cache_dir) / "chat_history"
        if self.interactive:
            self._readline = _load_readline(self.history_file)

    def read(self) -> str | None:
        """The next line, or None at the end of input."""
        if not self.interactive:
            line = self.stdin.readline()
            return line if line else None
        while True:
            try:
                line = input("\nyou> ")
            except EOFError:
                print(file=self.stdout)
                return None
            except KeyboardInterrupt:  # Ctrl-C at the prompt clears the line, as in a shell
                print("^C", file=self.stdout)
                continue
            self._remember()
            return line

    def _remember(self) -> None:
        if self._readline is None:
            return
        try:
            self.history_file.parent.mkdir(parents=True, exist_ok=True)
            self._readline.set_history_length(HISTORY_LINES)
            self._readline.write_history_file(str(self.history_file))
        except OSError:
            pass  # an unwritable cache loses the history across sessions, not the chat


def _load_readline(history_file: Path):
    try:
        import readline
    except ImportError:  # not every Python build has it; input() still works
        return None
    try:
        readline.read_history_file(str(history_file))
    except OSError:
        pass
    return readline


def _answer(bot, question: str, history: list[dict], out: TextIO) -> Answer | None:
    """Stream one answer with its citations; None if Ctrl-C stopped it."""
    reply = bot.reply(question, history)
    try:
        for piece in reply:
            print(piece, end="", file=out, flush=True)
        answer = reply.answer()
    except KeyboardInterrupt:
        reply.close()
        print("\n(stopped)", file=out, flush=True)
        return None
    print(file=out)
    for line in citation_lines(answer):
        print(line, file=out)
    out.flush()
    return answer


def citation_lines(answer: Answer, quotes: str = "“”") -> list[str]:
    """One line per citation, as the terminal shows them under an answer (``byline ask`` keeps
    straight quotes)."""
    return [f"  [{c.n}] {c.where}: {quotes[0]}{c.passage}{quotes[1]}" for c in answer.citations]


def conversation_markdown(turns: list[tuple[str, Answer]]) -> str:
    """The conversation as Markdown: each question a heading, its answer, then its sources."""
    parts = ["# Byline conversation\n"]
    for question, answer in turns:
        parts.append(f"## {question}\n\n{answer.answer}\n")
        if answer.citations:
            parts.append("Sources:\n\n" + "\n".join(f"- {line.strip()}" for line in citation_lines(answer)) + "\n")
    return "\n".join(parts)


def _save(target: str, turns: list[tuple[str, Answer]], out: TextIO) -> None:
    if not target:
        print("/save needs a file name: /save notes.md", file=out, flush=True)
        return
    path = Path(target).expanduser()
    try:
        path.write_text(conversation_markdown(turns), encoding="utf-8")
    except OSError as exc:
        print(f"could not save to {path}: {exc.strerror or exc}", file=out, flush=True)
        return
    print(f"(saved {len(turns)} questions to {path})", file=out, flush=True)
