"""INSERT statements that can say what happens on a conflict (ON CONFLICT DO NOTHING / DO UPDATE).

PostgreSQL (production) and SQLite (embedded mode) both speak it, through different
SQLAlchemy constructs; this picks the one of the database's dialect. Callers build their
statement once per dialect (functools.cache): building one costs more than running it.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite


def insert_for(dialect: str, model):
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
