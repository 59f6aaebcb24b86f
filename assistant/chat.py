"""``byline chat``: a conversation in the terminal.

Each line is a question; the answer streams in, its citations follow underneath, and the turn joins
the history so that follow-ups ("And how many were Vietnamese?") are understood. ``/new`` starts a
new conversation, ``/quit`` (or end of input) leaves. Works the same with stdin piped in.
"""

from __future__ import annotations

import sys
from typing import TextIO

from assistant.errors import BylineError
from assistant.settings import Settings
from assistant.types import Answer

HELP = "Ask about the articles. /new starts a new conversation, /quit leaves."


def run_chat(settings: Settings, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    from assistant.engine import Assistant

    bot = Assistant.from_settings(settings)
    interactive = stdin.isatty()
    history: list[dict] = []
    if interactive:
        print(HELP, file=stdout)
    while True:
        if interactive:
            print("\nyou> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            return 0
        question = line.strip()
        if not question:
            continue
        if question == "/quit":
            return 0
        if question == "/new":
            history = []
            print("(new conversation)", file=stdout, flush=True)
            continue
        try:
            answer = _answer(bot, question, history, stdout)
        except BylineError as exc:  # a bad question or a store hiccup ends the turn, not the chat
            print(f"byline: {exc}", file=sys.stderr, flush=True)
            continue
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]
        history = history[-settings.max_history_messages:]


def _answer(bot, question: str, history: list[dict], out: TextIO) -> Answer:
    answer = None
    for piece in bot.stream(question, history):
        if isinstance(piece, Answer):
            answer = piece
        else:
            print(piece, end="", file=out, flush=True)
    print(file=out)
    for line in citation_lines(answer):
        print(line, file=out)
    out.flush()
    return answer


def citation_lines(answer: Answer) -> list[str]:
    lines = []
    for c in answer.citations:
        where = ", ".join(x for x in (c.title or c.source, c.publication, c.published) if x)
        lines.append(f"  [{c.n}] {where}: “{c.passage}”")
    return lines
