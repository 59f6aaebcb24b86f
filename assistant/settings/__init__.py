"""One settings object for every part of Byline.

Values come from, in increasing priority: the defaults below, a TOML file (``BYLINE_CONFIG`` or
``./byline.toml``), ``BYLINE_*`` environment variables, and explicit overrides (CLI flags, tests).
Keeping them in one place means no module hides its own constants.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

from assistant.settings.sections import (
    AT_MOST, OLD_NAMES, POSITIVE, SECTIONS, AnsweringSettings, EmbeddingSettings, IngestSettings, LLMSettings,
    RetrievalSettings, ServerSettings, StoreSettings, UISettings,
)


@dataclass(frozen=True)
class Settings(UISettings, ServerSettings, LLMSettings, AnsweringSettings, RetrievalSettings, IngestSettings,
               EmbeddingSettings, StoreSettings):
    """Every section's fields under their flat names (the sections are in ``sections.py``)."""

    def __post_init__(self) -> None:
        """Every choice one of its values and every number in range, the error naming the setting:
        an unchecked ``fusion = "RRF"`` would silently mean the other fusion."""
        from assistant.errors import SettingsError

        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise SettingsError(f"{name} must be one of {', '.join(allowed)}; got {getattr(self, name)!r}")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            if f.name in POSITIVE and not value > 0:
                raise SettingsError(f"{f.name} must be greater than 0; got {value}")
            if not value >= 0:
                raise SettingsError(f"{f.name} must not be negative; got {value}")
            if f.name in AT_MOST and not value <= AT_MOST[f.name]:
                raise SettingsError(f"{f.name} must be at most {AT_MOST[f.name]}; got {value}")
        if self.chunk_overlap >= self.chunk_tokens:
            raise SettingsError(f"chunk_overlap ({self.chunk_overlap}) must be less than chunk_tokens ({self.chunk_tokens})")

    @classmethod
    def load(cls, config: str | Path | None = None, **overrides: Any) -> "Settings":
        """Build settings from defaults, TOML file, environment and ``overrides`` (None = unset)."""
        values: dict[str, Any] = {}
        path = config or os.environ.get("BYLINE_CONFIG")
        if path is None and Path("byline.toml").is_file():
            path = "byline.toml"
        if path:
            with open(path, "rb") as fh:
                values.update(_flattened(tomllib.load(fh)))
        names = {f.name for f in fields(cls)}
        unknown = set(values) - names - set(OLD_NAMES)
        if unknown:
            raise ValueError(f"unknown setting(s) in {path}: {', '.join(sorted(unknown))}")
        coerced = {k: _coerce(cls, k, v, f"{k} in {path}") for k, v in _renamed(values).items()}
        for name, variable in _variables(names):
            env = os.environ.get(variable)
            if env is not None and env != "":
                coerced[name] = _coerce(cls, name, env, variable)
        _warn_unknown_variables(names)
        coerced.update({k: _coerce(cls, k, v) for k, v in _renamed(overrides).items() if v is not None})
        return cls(**coerced)

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **{k: _coerce(Settings, k, v) for k, v in _renamed(changes).items()})

    def section(self, name: str):
        """One section's values (``"retrieval"`` gives a ``RetrievalSettings``), for a part that needs
        no more than its own."""
        kind = SECTIONS[name]
        return kind(**{f.name: getattr(self, f.name) for f in fields(kind)})

    @property
    def max_history_messages(self) -> int:
        """The old name of ``max_messages``."""
        return self.max_messages

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_url)

    @property
    def store_label(self) -> str:
        """Where the store lives, for messages and `byline status`."""
        return self.chroma_url if self.chroma_url else str(self.store)


# Settings that take one of a few values (their ``Literal`` types).
CHOICES = {f.name: get_args(hint) for f in fields(Settings)
           if get_origin(hint := get_type_hints(Settings)[f.name]) is Literal}

# BYLINE_* variables that are not settings fields but are read elsewhere.
OTHER_VARIABLES = frozenset({"BYLINE_CONFIG", "BYLINE_SOAK_SECONDS"})


def _flattened(values: dict[str, Any]) -> dict[str, Any]:
    """A TOML file's keys, flat or grouped in section tables (``[retrieval]`` ``retrieve_k = 8``)."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if key in SECTIONS and isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    return flat


def _renamed(values: dict[str, Any]) -> dict[str, Any]:
    """Old names under their new ones; the new name wins when both are given."""
    renamed = {OLD_NAMES.get(k, k): v for k, v in values.items() if k in OLD_NAMES}
    return {**renamed, **{k: v for k, v in values.items() if k not in OLD_NAMES}}


def _variables(names: set[str]) -> list[tuple[str, str]]:
    """``(field, BYLINE_* variable)`` pairs, old names first so that the new name's variable wins."""
    old = [(new, f"BYLINE_{old.upper()}") for old, new in OLD_NAMES.items()]
    return old + [(name, f"BYLINE_{name.upper()}") for name in sorted(names)]


def _warn_unknown_variables(names: set[str]) -> None:
    """A misspelt variable (BYLINE_UI_PASSWROD) would silently leave its setting at the default."""
    import difflib
    import logging

    known = {variable for _, variable in _variables(names)} | OTHER_VARIABLES
    for variable in sorted(v for v in os.environ if v.startswith("BYLINE_") and v not in known):
        closest = difflib.get_close_matches(variable, sorted(known), n=1)
        hint = f"; did you mean {closest[0]}?" if closest else ""
        logging.getLogger(__name__).warning("unknown setting %s is ignored%s", variable, hint)


def _coerce(cls: type, name: str, value: Any, source: str | None = None) -> Any:
    """Turn strings from env/TOML into the field's declared type; a value that is not one names
    where it came from (``BYLINE_RETRIEVE_K``) and the type expected."""
    kind = _kind(cls, name)
    try:
        return _converted(kind, value)
    except (TypeError, ValueError) as exc:
        from assistant.errors import SettingsError

        expected = {int: "whole number", float: "number"}.get(kind, "value")
        raise SettingsError(f"{source or name}: {value!r} is not a {expected}") from exc


def _kind(cls: type, name: str) -> Any:
    """The field's type without its ``| None``: ``int``, ``Path``, ``tuple``, a ``Literal`` ..."""
    hint = get_type_hints(cls)[name]
    if get_origin(hint) is tuple:
        return tuple
    if get_origin(hint) is not Literal:
        hint = next((arg for arg in get_args(hint) if arg is not type(None)), hint)
    return hint


def _converted(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    if kind is tuple:
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return tuple(value)
    if kind is Path:
        return Path(value).expanduser()
    if kind is bool:
        return str(value).lower() in {"1", "true", "yes", "on"} if isinstance(value, str) else bool(value)
    if kind in (int, float):
        return kind(value)
    return value
