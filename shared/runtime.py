"""What one service needs at run time: its settings, its database and its units of work.

Built by the composition roots (app factories, worker entrypoints, the embedded runner),
never at import time. In embedded mode a service's web app and worker share one runtime,
so a commit in a request wakes the relay in the same process.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from shared.config import Settings
from shared.db.engine import make_engine
from shared.db.messaging_tables import MessagingTables
from shared.db.uow import UnitOfWorkFactory


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    uow_factory: UnitOfWorkFactory

    @classmethod
    def create(cls, settings: Settings, tables: MessagingTables) -> "Runtime":
        engine = make_engine(settings.database_url, pool_size=settings.integer("DB_POOL_SIZE", 5))
        return cls(settings=settings, engine=engine, uow_factory=UnitOfWorkFactory(settings.service, engine, tables))

    @property
    def service(self) -> str:
        return self.settings.service
