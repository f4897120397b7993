"""Back-off, Retry-After parsing and the partner settings."""

from __future__ import annotations

import random
from datetime import timedelta
from email.utils import format_datetime

import pytest

from services.agenda.partners.delivery import retry_delay
from services.agenda.partners.settings import PartnerSettings, parse_networks
from services.agenda.partners.transport import parse_retry_after
from shared.config import ConfigurationError, Settings
from shared.contracts.envelope import utcnow


def test_back_off_doubles_up_to_its_maximum_with_jitter():
    rng = random.Random(7)
    for attempt in range(1, 20):
        ceiling = min(3600.0, 5.0 * 2 ** (attempt - 1))
        delays = {retry_delay(attempt, 5.0, 3600.0, rng) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1


def test_default_retries_span_more_than_a_day():
    settings = PartnerSettings.from_settings(Settings.from_env("agenda", {"BUURT_DATA_DIR": "/tmp/buurt-unit"}))
    assert settings.retry_window >= timedelta(hours=24)
    # Even if every wait were as long as it can be, the window allows many attempts.
    assert settings.retry_window.total_seconds() / settings.backoff_max_seconds >= 24


@pytest.mark.parametrize("value, expected", [("120", 120.0), (" 0 ", 0.0), ("", None), (None, None), ("soon", None), ("-5", None)])
def test_retry_after_in_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_retry_after_as_an_http_date():
    later = utcnow() + timedelta(minutes=10)
    seconds = parse_retry_after(format_datetime(later, usegmt=True))
    assert 590 <= seconds <= 600
    assert parse_retry_after(format_datetime(utcnow() - timedelta(hours=1), usegmt=True)) == 0.0


def _settings(env: dict[str, str]) -> PartnerSettings:
    base = {"BUURT_DATA_DIR": "/tmp/buurt-unit"}
    return PartnerSettings.from_settings(Settings.from_env("agenda", {**base, **env}))


PRODUCTION = {
    "BUURT_ENV": "production",
    "BUURT_DATABASE_URL": "postgresql://agenda@db/agenda",
    "BUURT_AMQP_URL": "amqp://agenda:pw@mq//",
    "BUURT_SECRET_KEY": "k" * 40,
    "BUURT_CURATOR_TOKEN": "c" * 40,
}


def test_embedded_mode_allows_http_and_production_only_https():
    assert _settings({}).allow_http is True
    assert _settings(PRODUCTION).allow_http is False
    with pytest.raises(ConfigurationError, match="WEBHOOK_ALLOW_HTTP"):
        _settings({**PRODUCTION, "BUURT_WEBHOOK_ALLOW_HTTP": "true"})


def test_production_refuses_a_short_curator_token_and_less_than_a_day_of_retries():
    assert _settings({**PRODUCTION, "BUURT_CURATOR_TOKEN": ""}).curator_token is None  # curator API off
    with pytest.raises(ConfigurationError, match="CURATOR_TOKEN"):
        _settings({**PRODUCTION, "BUURT_CURATOR_TOKEN": "short"})
    with pytest.raises(ConfigurationError, match="RETRY_WINDOW"):
        _settings({**PRODUCTION, "BUURT_WEBHOOK_RETRY_WINDOW_HOURS": "6"})
    assert _settings({}).curator_token is None


def test_the_allow_list_is_a_list_of_cidrs():
    assert [str(n) for n in parse_networks("127.0.0.0/8, ::1/128,10.1.2.3")] == ["127.0.0.0/8", "::1/128", "10.1.2.3/32"]
    assert parse_networks("") == ()
    with pytest.raises(ConfigurationError, match="not-a-network"):
        parse_networks("127.0.0.0/8,not-a-network")
