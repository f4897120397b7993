"""Fixtures for matching's integration tests: a harness on a fresh PostgreSQL database."""

from __future__ import annotations

import pytest

from tests.integration.matching.support import Harness


@pytest.fixture
def make_harness(make_database, tmp_path):
    made: list[Harness] = []

    def make(env: dict[str, str] | None = None) -> Harness:
        harness = Harness(make_database("matching"), tmp_path / "data", env)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.close()


@pytest.fixture
def harness(make_harness):
    return make_harness()
