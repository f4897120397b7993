"""Alembic environment for matching: its own history, its own version table."""

from alembic import context

from services.matching.models import Base
from shared.db.engine import make_engine
from shared.db.migrations import run_env

run_env(context, "matching", Base.metadata, make_engine)
