"""Typed errors. The CLI maps ``InputError`` to exit code 2 and everything else to 1."""


class BylineError(Exception):
    """Base class: the message is shown to the user as is, on one line."""

    exit_code = 1


class InputError(BylineError):
    """The caller's input is unusable: blank or oversized question, bad history, missing corpus."""

    exit_code = 2


class StoreMissingError(InputError):
    """No articles have been ingested into the configured store."""


class StoreError(BylineError):
    """The store exists but cannot be used: corrupt, locked, unreachable, or built by another model."""


class StoreLockedError(StoreError):
    """Another ingest holds the store's write lock."""


class LLMError(BylineError):
    """The configured LLM failed or could not be reached."""


class SettingsError(InputError, ValueError):
    """A setting has a value it cannot take; the message names the setting."""
