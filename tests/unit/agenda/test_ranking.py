"""The priority score, the trend, the changelog and the settings that shape them."""

from __future__ import annotations

import pytest

from services.agenda.publication import changelog
from services.agenda.ranking import breakdown, score, trend_label
from services.agenda.settings import DEFAULT_WEIGHTS, AgendaSettings
from shared.config import ConfigurationError, Settings


def test_score_is_the_weighted_average_of_its_parts():
    parts = {"members": 1.0, "municipalities": 0.5, "roles": 0.5, "urgency": 0.0, "recency": 1.0}
    assert score(parts, DEFAULT_WEIGHTS) == round(0.30 + 0.125 + 0.05 + 0 + 0.15, 4)
    only_urgency = {p: 0.0 for p in DEFAULT_WEIGHTS} | {"urgency": 2.0}
    assert score(parts, only_urgency) == 0.0
    assert score({**parts, "urgency": 1.0}, only_urgency) == 1.0


@pytest.mark.parametrize(
    ("recent", "earlier", "earlier_days", "expected"),
    [(0, 0, 0, "steady"), (4, 0, 0, "new"), (10, 10, 60, "rising"), (3, 12, 60, "falling"), (5, 10, 60, "steady")],
)
def test_trend(recent, earlier, earlier_days, expected):
    assert trend_label(recent, earlier, earlier_days, 30) == expected


def test_breakdown_suppresses_cells_below_the_minimum():
    assert breakdown({"PV26": 5, "PV20": 4, "PV27": 0}, 5) == [{"key": "PV20", "members": None}, {"key": "PV26", "members": 5}]


def test_changelog():
    before = [{"slug": "wonen", "rank": 1}, {"slug": "overlast", "rank": 2}, {"slug": "groen-natuur", "rank": 3}]
    after = [{"slug": "overlast", "rank": 1}, {"slug": "wonen", "rank": 2}, {"slug": "jeugd-jongeren", "rank": 3}]
    assert changelog(after, before) == {"rose": ["overlast"], "fell": ["wonen"], "appeared": ["jeugd-jongeren"], "disappeared": ["groen-natuur"]}
    assert changelog(after, None)["appeared"] == ["overlast", "wonen", "jeugd-jongeren"]


def _settings(**env) -> AgendaSettings:
    return AgendaSettings.from_settings(Settings.from_env("agenda", {"BUURT_DATA_DIR": "/tmp/buurt-agenda-unit", **env}))


def test_weights_and_limits_come_from_the_environment():
    settings = _settings(BUURT_AGENDA_WEIGHT_URGENCY="2", BUURT_AGENDA_WEIGHT_RECENCY="0", BUURT_AGENDA_QUESTIONS_PER_THEME="3")
    assert settings.weights["urgency"] == 2.0 and settings.weights["recency"] == 0.0 and settings.weights["members"] == 0.30
    assert settings.questions_per_theme == 3 and settings.min_group == 5
    assert settings.public_url == "http://127.0.0.1:8000/agenda"


@pytest.mark.parametrize(
    "env",
    [
        {"BUURT_AGENDA_MIN_GROUP": "3"},
        {"BUURT_AGENDA_WEIGHT_MEMBERS": "-1"},
        {f"BUURT_AGENDA_WEIGHT_{p.upper()}": "0" for p in DEFAULT_WEIGHTS},
        {"BUURT_AGENDA_SIMILARITY": "1.5"},
    ],
)
def test_unsafe_or_meaningless_settings_stop_the_service(env):
    with pytest.raises(ConfigurationError):
        _settings(**env)
