"""The fast tier: pure unit tests of one part each, with the real spaCy pipeline and MiniLM encoder
loaded once, and articles built in memory (no store, no processes)."""

from __future__ import annotations

import pytest

from assistant.offline import go_offline

go_offline()


@pytest.fixture(scope="session")
def encoder():
    from assistant.embedding import load_encoder
    from assistant.settings import Settings

    return load_encoder(Settings.load())


@pytest.fixture(scope="session")
def typer(encoder):
    from assistant.answering.answer_type import HeadTyper

    return HeadTyper(encoder)
