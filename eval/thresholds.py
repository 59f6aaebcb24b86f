"""The accuracy gate: compare metrics with the limits in ``eval/thresholds.toml``.

Limits live in that file, not in code, so its git history is the accuracy record. Each case file has
its own gate (the sample cases and the news cases score very differently): a table per gate with
``min`` (metrics that must not fall below a value) and ``max`` (those that must not rise above one,
such as ``false_decline_rate``), and a ``[gates]`` table naming the gate of each case file by its file
name (``default`` for any other file). A file with plain ``[min]``/``[max]`` tables is one gate for
every case file. A metric the engine could not measure (None) fails its limit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputError

DEFAULT_PATH = Path(__file__).resolve().parent / "thresholds.toml"


@dataclass(frozen=True)
class Limit:
    metric: str
    bound: str  # "min" or "max"
    value: float

    def passes(self, measured: float | None) -> bool:
        if measured is None:
            return False
        return measured >= self.value if self.bound == "min" else measured <= self.value

    @property
    def label(self) -> str:
        return f"{'>=' if self.bound == 'min' else '<='} {self.value:g}"


def load_limits(path: Path | None, known_metrics: set[str], cases_file: Path | None = None,
                gate: str | None = None) -> list[Limit]:
    """The limits for ``cases_file`` (or the named ``gate``)."""
    path = Path(path) if path else DEFAULT_PATH
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except OSError as exc:
        raise InputError(f"cannot read thresholds {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"thresholds {path} is not valid TOML: {exc}") from exc
    if "gates" in raw:
        raw = _gate_table(raw, path, cases_file, gate)
    unknown_sections = set(raw) - {"min", "max"}
    if unknown_sections:
        raise InputError(f"thresholds {path}: unknown section(s) {', '.join(sorted(unknown_sections))}")
    limits = []
    for bound in ("min", "max"):
        for metric, value in raw.get(bound, {}).items():
            if metric not in known_metrics:
                raise InputError(f"thresholds {path}: unknown metric {metric!r}")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InputError(f"thresholds {path}: {bound}.{metric} must be a number")
            limits.append(Limit(metric, bound, float(value)))
    return limits


def _gate_table(raw: dict, path: Path, cases_file: Path | None, gate: str | None) -> dict:
    gates = raw["gates"]
    if not isinstance(gates, dict):
        raise InputError(f"thresholds {path}: [gates] must map case file names to gate names")
    name = gate or gates.get(Path(cases_file).name if cases_file else "", gates.get("default"))
    if not name:
        raise InputError(f"thresholds {path}: no gate for {cases_file} (add it to [gates] or pass --gate)")
    table = raw.get(name)
    if not isinstance(table, dict):
        raise InputError(f"thresholds {path}: gate {name!r} has no table")
    return table
