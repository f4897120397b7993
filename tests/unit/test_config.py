from __future__ import annotations

import pytest

from shared.config import ConfigurationError, Settings


def test_embedded_defaults_need_no_environment(tmp_path):
    settings = Settings.from_env("intake", {"BUURT_DATA_DIR": str(tmp_path)})
    assert settings.embedded
    assert settings.amqp_url == "memory://"
    assert settings.database_url == f"sqlite:///{tmp_path / 'intake.db'}"
    # The generated key is kept, so links in e-mails survive a restart.
    assert Settings.from_env("agenda", {"BUURT_DATA_DIR": str(tmp_path)}).secret_key == settings.secret_key


def test_service_specific_setting_wins_over_the_general_one(tmp_path):
    env = {"BUURT_DATA_DIR": str(tmp_path), "BUURT_DATABASE_URL": "sqlite:///a.db", "BUURT_AGENDA_DATABASE_URL": "sqlite:///b.db"}
    assert Settings.from_env("agenda", env).database_url == "sqlite:///b.db"
    assert Settings.from_env("intake", env).database_url == "sqlite:///a.db"


@pytest.mark.parametrize(
    "env, complaint",
    [
        ({}, "DATABASE_URL"),
        ({"BUURT_DATABASE_URL": "postgresql://x/y", "BUURT_AMQP_URL": "amqp://x"}, "SECRET_KEY"),
        (
            {"BUURT_DATABASE_URL": "postgresql://x/y", "BUURT_AMQP_URL": "amqp://x", "BUURT_SECRET_KEY": "changeme"},
            "at least 32",
        ),
    ],
)
def test_production_refuses_to_start_without_real_secrets(env, complaint, tmp_path):
    with pytest.raises(ConfigurationError, match=complaint):
        Settings.from_env("intake", {"BUURT_ENV": "production", "BUURT_DATA_DIR": str(tmp_path), **env})


def test_unknown_service_is_refused():
    with pytest.raises(ConfigurationError):
        Settings.from_env("billing", {})
