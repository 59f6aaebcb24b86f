"""A store records the precision of its vectors; one of another precision is refused like another model."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.errors import StoreError
from assistant.store import Store
from byline.index.ingest import ingest
from tests.conftest import CORPUS


def test_a_store_is_refused_to_an_engine_of_the_other_precision(sample_settings):
    assert Store.open(sample_settings).state()["embed_precision"] == "fp32"
    with pytest.raises(StoreError, match="at fp32 precision, not 'all-MiniLM-L6-v2' \\(384\\) at int8"):
        Assistant.from_settings(sample_settings, embed_precision="int8")


def test_ingest_refuses_to_mix_precisions_and_changes_nothing(sample_settings, store_copy):
    settings = sample_settings.replace(store=store_copy, embed_precision="int8")
    before = Store.open(settings).state()
    with pytest.raises(StoreError, match="int8"):
        ingest(CORPUS, settings)
    assert Store.open(settings).state() == before
