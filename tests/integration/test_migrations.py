"""Each service's migrations build exactly the tables its models describe, on PostgreSQL and SQLite."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from services.catalog import module
from shared.config import SERVICES
from shared.db.engine import make_engine
from shared.db.migrations import upgrade, version_table


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models_on_postgresql(service, make_database):
    engine = make_engine(make_database(service))
    try:
        with engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"version_table": version_table(service)}),
                module(service, "models").Base.metadata,
            )
            assert inspect(connection).has_table(version_table(service))
    finally:
        engine.dispose()
    assert differences == [], f"{service}: models and migrations differ; add a migration"


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_run_on_sqlite_for_embedded_mode(service, tmp_path):
    url = f"sqlite:///{tmp_path / service}.db"
    upgrade(service, url)
    upgrade(service, url)  # a second run is a no-op
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"outbox", "inbox", version_table(service)} <= tables
