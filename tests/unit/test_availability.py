"""Database-unavailable errors are told apart from the rest and waited out, within a limit."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from shared.db.availability import database_unavailable, retry_while_unavailable


def unavailable() -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception("connection refused"))


def test_only_connection_trouble_counts_as_unavailable():
    assert database_unavailable(unavailable())
    assert not database_unavailable(IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not database_unavailable(ValueError("bad input"))


def test_the_action_runs_again_until_the_database_is_back():
    outcomes = [unavailable(), unavailable(), "marked"]
    waits = []

    def action():
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert retry_while_unavailable(action, patience=60, sleep=waits.append) == "marked"
    assert waits == [0.5, 1.0]


def test_other_errors_and_an_outage_beyond_the_patience_go_through():
    def broken():
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    with pytest.raises(IntegrityError):
        retry_while_unavailable(broken, patience=60, sleep=lambda _: None)

    def away():
        raise unavailable()

    with pytest.raises(OperationalError):
        retry_while_unavailable(away, patience=0.1, sleep=lambda _: None)
