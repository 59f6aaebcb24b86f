"""The eval case file (JSON Lines, see ../shared/CONTRACT.md): reading and checking it.

A malformed case is reported with its line number as bad input (exit 2) rather than silently scored,
because a typo in ``facts`` would otherwise show up as an engine regression.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import InputError

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Case:
    id: str
    turns: tuple[str, ...]
    facts: tuple[tuple[str, ...], ...]
    sources: tuple[str, ...]
    answerable: bool
    kind: str = ""
    as_of: str | None = None  # the date the question is asked (YYYY-MM-DD), passed to the engine
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def question(self) -> str:
        """The scored question: the last turn."""
        return self.turns[-1]


def load_cases(path: Path) -> list[Case]:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read eval cases {path}: {exc.strerror or exc}") from exc
    cases: list[Case] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not JSON: {exc.msg}") from exc
        case = _parse(raw, where)
        if case.id in seen:
            raise InputError(f"{where}: duplicate case id {case.id!r}")
        seen.add(case.id)
        cases.append(case)
    if not cases:
        raise InputError(f"no eval cases in {path}")
    return cases


def _parse(raw: object, where: str) -> Case:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: a case must be a JSON object")
    case_id = raw.get("id")
    if not isinstance(case_id, str) or not case_id:
        raise InputError(f"{where}: missing \"id\"")
    if ("question" in raw) == ("turns" in raw):
        raise InputError(f"{where}: case {case_id} needs exactly one of \"question\" or \"turns\"")
    turns = [raw["question"]] if "question" in raw else raw["turns"]
    if not isinstance(turns, list) or not turns or not all(isinstance(t, str) and t.strip() for t in turns):
        raise InputError(f"{where}: case {case_id} has a blank question or empty turns")
    answerable = raw.get("answerable")
    if not isinstance(answerable, bool):
        raise InputError(f"{where}: case {case_id} needs \"answerable\": true or false")
    facts = raw.get("facts", [])
    if not isinstance(facts, list) or not all(
        isinstance(g, list) and g and all(isinstance(a, str) and a.strip() for a in g) for g in facts
    ):
        raise InputError(f"{where}: case {case_id}: \"facts\" must be a list of non-empty lists of strings")
    sources = raw.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) and s for s in sources):
        raise InputError(f"{where}: case {case_id}: \"sources\" must be a list of file names")
    if answerable and not facts:
        raise InputError(f"{where}: answerable case {case_id} lists no facts")
    if not answerable and facts:
        raise InputError(f"{where}: unanswerable case {case_id} must not list facts")
    as_of = raw.get("as_of")
    if as_of is not None and (not isinstance(as_of, str) or not _ISO_DATE.match(as_of)):
        raise InputError(f"{where}: case {case_id}: \"as_of\" must be a date like 2023-01-05")
    known = {"id", "question", "turns", "facts", "sources", "answerable", "kind", "as_of"}
    return Case(
        id=case_id,
        turns=tuple(turns),
        facts=tuple(tuple(g) for g in facts),
        sources=tuple(sources),
        answerable=answerable,
        kind=str(raw.get("kind", "")),
        as_of=as_of,
        extra={k: v for k, v in raw.items() if k not in known},
    )
