"""Fixtures for notifications' integration tests: a harness on a fresh database and a real SMTP sink."""

from __future__ import annotations

import pytest

from tests.integration.notifications.support import Harness


@pytest.fixture
def make_harness(make_database, smtp_sink, tmp_path):
    made: list[Harness] = []

    def make(env: dict[str, str] | None = None, smtp: dict[str, str] | None = None) -> Harness:
        harness = Harness(make_database("notifications"), tmp_path / "data", {**(smtp if smtp is not None else smtp_sink.env()), **(env or {})})
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.close()


@pytest.fixture
def harness(make_harness):
    return make_harness()
