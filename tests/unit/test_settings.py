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
    ({"type_strength_who": 2}, "type_strength_who must be at most 1.0"),
    ({"decline_closest": 0}, "decline_closest must be greater than 0"),
    ({"followup_lookback_turns": 0}, "followup_lookback_turns must be greater than 0"),
    ({"pronoun_fit": 1.5}, "pronoun_fit must be at most 1.0"),
    ({"support_min_predicate": 2}, "support_min_predicate must be at most 1.0"),
    ({"answer_cloze": -0.1}, "answer_cloze must not be negative"),
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


def test_a_toml_file_may_group_settings_in_sections_or_keep_them_flat(tmp_path):
    config = tmp_path / "byline.toml"
    config.write_text('keyword_k = 9\n[retrieval]\nretrieve_k = 5\nfusion = "rrf"\n[server]\nport = 8000\n')
    settings = Settings.load(config)
    assert (settings.retrieve_k, settings.fusion, settings.port, settings.keyword_k) == (5, "rrf", 8000, 9)
    assert settings.section("retrieval").retrieve_k == 5


def test_a_store_path_and_a_store_section_are_told_apart(tmp_path):
    config = tmp_path / "byline.toml"
    config.write_text('[store]\nstore = "/srv/articles"\ncollection = "news"\n')
    settings = Settings.load(config)
    assert (str(settings.store), settings.collection) == ("/srv/articles", "news")


def test_an_unknown_key_inside_a_section_is_refused(tmp_path):
    config = tmp_path / "byline.toml"
    config.write_text("[retrieval]\nretreive_k = 5\n")
    with pytest.raises(ValueError, match="retreive_k"):
        Settings.load(config)


def test_the_old_message_limit_name_still_sets_the_one_limit(monkeypatch, tmp_path):
    monkeypatch.setenv("BYLINE_MAX_HISTORY_MESSAGES", "12")
    assert Settings.load().max_messages == 12
    monkeypatch.setenv("BYLINE_MAX_MESSAGES", "20")
    assert Settings.load().max_messages == 20  # the current name wins
    monkeypatch.delenv("BYLINE_MAX_MESSAGES")
    monkeypatch.delenv("BYLINE_MAX_HISTORY_MESSAGES")
    config = tmp_path / "byline.toml"
    config.write_text("max_history_messages = 8\n")
    assert Settings.load(config).max_messages == 8
    assert Settings.load(max_history_messages=3).max_history_messages == 3
    assert Settings.load().replace(max_history_messages=4).max_messages == 4


def test_the_old_name_is_no_unknown_variable(monkeypatch, caplog):
    monkeypatch.setenv("BYLINE_MAX_HISTORY_MESSAGES", "12")
    Settings.load()
    assert "unknown setting" not in caplog.text


@pytest.mark.parametrize("overrides, message", [
    ({"port": 70000}, "port must be at most 65535"),
    ({"llm_min_overlap": 1.5}, "llm_min_overlap must be at most 1"),
    ({"ui_uploads": "maybe"}, "ui_uploads must be one of auto, on, off"),
    ({"log_level": "loud"}, "log_level must be one of debug, info, warning, error"),
])
def test_ranges_and_choices_cover_the_server_and_the_llm(overrides, message):
    with pytest.raises(SettingsError, match=message):
        Settings.load(**overrides)


def test_every_setting_belongs_to_exactly_one_section():
    from dataclasses import fields

    from assistant.settings import SECTIONS

    owned = [f.name for kind in SECTIONS.values() for f in fields(kind)]
    assert len(owned) == len(set(owned))
    assert sorted(owned) == sorted(f.name for f in fields(Settings))


def test_the_answerers_tuning_lives_in_the_answering_section():
    answering = Settings.load(focus_weight=3.0).section("answering")
    assert answering.focus_weight == 3.0
    assert {"type_strength_count", "candidate_fit_exponent", "decline_closest"} <= set(vars(answering))


def test_the_answerers_new_weights_come_from_the_environment_and_toml(monkeypatch, tmp_path):
    monkeypatch.setenv("BYLINE_ANSWER_CLOZE", "0.2")
    config = tmp_path / "byline.toml"
    config.write_text("[answering]\npronoun_fit = 0.5\nsupport_min_predicate = 0.1\n")
    answering = Settings.load(config).section("answering")
    assert (answering.answer_cloze, answering.pronoun_fit, answering.support_min_predicate) == (0.2, 0.5, 0.1)
