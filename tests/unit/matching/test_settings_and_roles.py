"""Matching's settings from the environment, and which roles complement each other."""

from __future__ import annotations

import pytest

from services.matching.peers import complementary
from services.matching.settings import MatchingSettings
from shared.config import ConfigurationError, Settings


def settings(**env: str) -> MatchingSettings:
    return MatchingSettings.from_settings(Settings.from_env("matching", {"BUURT_DATA_DIR": "/tmp/buurt-unit", **env}))


def test_defaults_keep_the_curator_api_off():
    own = settings()
    assert own.curator_token is None
    assert (own.review_threshold, own.peers_per_question, own.peer_monthly_limit) == (0.5, 3, 4)


def test_service_specific_names_win_over_plain_ones():
    own = settings(BUURT_REVIEW_THRESHOLD="0.3", BUURT_MATCHING_REVIEW_THRESHOLD="0.7", BUURT_MATCHING_PEER_MONTHLY_LIMIT="2")
    assert own.review_threshold == 0.7 and own.peer_monthly_limit == 2


def test_a_threshold_outside_zero_to_one_is_refused():
    with pytest.raises(ConfigurationError, match="REVIEW_THRESHOLD"):
        settings(BUURT_MATCHING_REVIEW_THRESHOLD="1.5")


def test_production_refuses_a_short_curator_token():
    production = {
        "BUURT_ENV": "production",
        "BUURT_DATABASE_URL": "postgresql://x/y",
        "BUURT_AMQP_URL": "amqp://x",
        "BUURT_SECRET_KEY": "k" * 40,
    }
    with pytest.raises(ConfigurationError, match="CURATOR_TOKEN"):
        settings(**production, BUURT_MATCHING_CURATOR_TOKEN="short")
    assert settings(**production).curator_token is None


@pytest.mark.parametrize(
    "asking, offering, expected",
    [
        ("bewoner", "wijkprofessional", 1.0),
        ("beleidsmaker", "buurtmaker", 1.0),
        ("bewoner", "buurtmaker", 0.0),
        ("bestuurder", "wijkprofessional", 0.0),
        ("anders", "wijkprofessional", 0.5),
    ],
)
def test_residents_and_professionals_complement_each_other(asking, offering, expected):
    assert complementary(asking, offering) == expected
