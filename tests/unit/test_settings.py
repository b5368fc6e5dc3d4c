"""Operator settings: each ATTNVIZ_* variable, the shared preset, and clear errors for bad values."""
from pathlib import Path

import pytest

from attnviz.core.settings import Settings, SettingsError, VARIABLES, describe, from_environment


def test_personal_defaults():
    s = from_environment({})
    assert (s.shared, s.custom_models, s.remote_code, s.max_tokens, s.private_paths, s.error_details) == \
        (False, "any", True, 0, False, "full")


def test_shared_preset_switches_every_setting():
    s = from_environment({"ATTNVIZ_SHARED": "1"})
    assert s.shared and s.custom_models == "off" and not s.remote_code
    assert s.private_paths and s.error_details == "none"
    assert (s.max_tokens, s.max_train_steps, s.max_jobs, s.max_jobs_per_session, s.capture_cache_mb) == \
        (512, 2000, 2, 1, 1024)
    assert s.max_measure_tokens == 128 and from_environment({}).max_measure_tokens == 0
    assert from_environment({"ATTNVIZ_SHARED": "1", "ATTNVIZ_MAX_MEASURE_TOKENS": "64"}).max_measure_tokens == 64


def test_explicit_variable_wins_over_the_preset():
    s = from_environment({"ATTNVIZ_SHARED": "yes", "ATTNVIZ_MAX_TOKENS": "128", "ATTNVIZ_ERROR_DETAILS": "type",
                          "ATTNVIZ_MAX_JOBS": "6", "ATTNVIZ_CAPTURE_CACHE_MB": "300"})
    assert (s.max_tokens, s.error_details, s.max_jobs, s.capture_cache_mb) == (128, "type", 6, 300)


def test_remote_code_can_never_be_turned_on_with_the_preset():
    assert not from_environment({"ATTNVIZ_SHARED": "1", "ATTNVIZ_REMOTE_CODE": "1"}).remote_code
    assert not from_environment({"ATTNVIZ_REMOTE_CODE": "0"}).remote_code
    assert from_environment({"ATTNVIZ_REMOTE_CODE": "1"}).remote_code


def test_model_roots_imply_roots_mode(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    s = from_environment({"ATTNVIZ_SHARED": "1", "ATTNVIZ_MODEL_ROOTS": f"a:{tmp_path / 'b'}"}, base=tmp_path)
    assert s.custom_models == "roots"
    assert s.model_roots == ((tmp_path / "a").resolve(), (tmp_path / "b").resolve())
    assert from_environment({"ATTNVIZ_MODEL_ROOTS": "a", "ATTNVIZ_CUSTOM_MODELS": "off"},
                            base=tmp_path).custom_models == "off"


def test_custom_models_modes_and_checkpoint_dir(tmp_path):
    assert from_environment({"ATTNVIZ_CUSTOM_MODELS": "OFF"}).custom_models == "off"
    assert from_environment({"ATTNVIZ_SHARED": "1", "ATTNVIZ_CUSTOM_MODELS": "any"}).custom_models == "any"
    assert from_environment({"ATTNVIZ_CHECKPOINT_DIR": "/srv/ckpt"}).checkpoint_dir == Path("/srv/ckpt")
    assert from_environment({"ATTNVIZ_PRIVATE_PATHS": "1"}).private_paths


@pytest.mark.parametrize("env, names", [
    ({"ATTNVIZ_MAX_TOKENS": "lots"}, "ATTNVIZ_MAX_TOKENS"),
    ({"ATTNVIZ_MAX_TRAIN_STEPS": "-5"}, "ATTNVIZ_MAX_TRAIN_STEPS"),
    ({"ATTNVIZ_CUSTOM_MODELS": "some"}, "ATTNVIZ_CUSTOM_MODELS"),
    ({"ATTNVIZ_CUSTOM_MODELS": "roots"}, "ATTNVIZ_MODEL_ROOTS"),
    ({"ATTNVIZ_MODEL_ROOTS": "/no/such/root"}, "ATTNVIZ_MODEL_ROOTS"),
    ({"ATTNVIZ_ERROR_DETAILS": "all"}, "ATTNVIZ_ERROR_DETAILS"),
])
def test_a_bad_value_names_its_variable(env, names):
    with pytest.raises(SettingsError, match=names):
        from_environment(env)


def test_every_setting_has_a_variable_and_is_described():
    fields = set(Settings.__dataclass_fields__) - {"extra"}
    assert set(VARIABLES) == fields
    rows = describe(from_environment({"ATTNVIZ_SHARED": "1"}))
    assert ("ATTNVIZ_REMOTE_CODE", "0") in [(v, shown) for v, shown, _ in rows]
    assert ("ATTNVIZ_MAX_TOKENS", "512") in [(v, shown) for v, shown, _ in rows]


def test_the_settings_command_prints_what_the_app_would_use(monkeypatch, capsys):
    from attnviz.cli import main

    monkeypatch.setenv("ATTNVIZ_SHARED", "1")
    monkeypatch.setenv("ATTNVIZ_MAX_TOKENS", "300")
    assert main(["settings"]) == 0
    lines = {line.split()[0]: line.split()[1] for line in capsys.readouterr().out.splitlines()}
    assert lines["ATTNVIZ_MAX_TOKENS"] == "300" and lines["ATTNVIZ_REMOTE_CODE"] == "0"
    monkeypatch.setenv("ATTNVIZ_MAX_TOKENS", "lots")
    assert main(["settings"]) == 2
    assert "ATTNVIZ_MAX_TOKENS='lots' is not a whole number." in capsys.readouterr().err


def test_the_log_level_is_a_setting_and_a_bad_one_names_the_variable():
    from attnviz.core.settings import SettingsError, describe, from_environment

    assert from_environment({}).log_level == "INFO"
    assert from_environment({"ATTNVIZ_LOG_LEVEL": " debug "}).log_level == "DEBUG"
    assert ("ATTNVIZ_LOG_LEVEL", "WARNING") in [row[:2] for row in describe(from_environment({"ATTNVIZ_LOG_LEVEL": "warning"}))]
    with pytest.raises(SettingsError) as bad:
        from_environment({"ATTNVIZ_LOG_LEVEL": "verbose"})
    assert str(bad.value) == "ATTNVIZ_LOG_LEVEL='VERBOSE': use one of DEBUG, INFO, WARNING, ERROR, CRITICAL."
