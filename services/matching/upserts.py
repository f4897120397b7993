"""INSERT statements that can say what happens on a conflict (ON CONFLICT DO NOTHING / DO UPDATE).

PostgreSQL (production) and SQLite (embedded mode) both speak it, through different
SQLAlchemy constructs; this picks the one of the database the connection is on.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite


def insert_into(connection: Connection, model):
    return (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(model)
