"""Settings refuse values they cannot take, naming the setting, from every source."""

from __future__ import annotations

import pytest

from assistant.errors import InputError, SettingsError
from assistant.settings import Settings


@pytest.mark.parametrize("overrides, message", [
    ({"fusion": "RRF"}, "fusion must be one of relative, rrf"),
    ({"embed_backend": "gpu"}, "embed_backend must be one of auto, onnx, torch"),
    ({"llm_mode": "chatty"}, "llm_mode must be one of combined, llm"),
    ({"retrieve_k": 0}, "retrieve_k must be greater than 0"),
    ({"w_lexical": -0.5}, "w_lexical must not be negative"),
    ({"retrieve_k": "eight"}, "retrieve_k: 'eight' is not a whole number"),
    ({"support_threshold": "high"}, "support_threshold: 'high' is not a number"),
    ({"chunk_overlap": 180}, "chunk_overlap .180. must be less than chunk_tokens .180."),
])
def test_a_bad_value_is_refused_with_the_settings_name(overrides, message):
    with pytest.raises(SettingsError, match=message):
        Settings.load(**overrides)


def test_environment_values_are_checked_too(monkeypatch):
    monkeypatch.setenv("BYLINE_FUSION", "reciprocal")
    with pytest.raises(SettingsError, match="fusion"):
        Settings.load()


def test_a_bad_setting_is_bad_input_exit_code_2():
    assert issubclass(SettingsError, InputError) and SettingsError.exit_code == 2


def test_good_values_pass_and_zero_is_allowed_where_it_means_off():
    settings = Settings.load(fusion="rrf", keyword_cache_mb=0, ui_examples=0, retrieve_k="5")
    assert (settings.fusion, settings.keyword_cache_mb, settings.retrieve_k) == ("rrf", 0, 5)
