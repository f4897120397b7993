"""Databases ready for a service: migrated and, for matching, with an active classifier version.

Without one, every matching worker would train the bundled model when it starts (10-20 s of
CPU on this machine); the test session and the benchmarks train it once per process and store
the same deterministic version in each database instead.
"""

from __future__ import annotations

from shared.db.engine import make_engine
from shared.db.migrations import upgrade
from shared.db.uow import UnitOfWorkFactory


def prepare_database(service: str, url: str) -> str:
    upgrade(service, url)
    if service == "matching":
        from services.matching.models import TABLES
        from services.matching.versions import ensure_active

        engine = make_engine(url)
        try:
            ensure_active(UnitOfWorkFactory("matching", engine, TABLES))
        finally:
            engine.dispose()
    return url
