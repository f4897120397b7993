"""Alembic environment for intake: its own history, its own version table."""

from alembic import context

from services.intake.models import Base
from shared.db.engine import make_engine
from shared.db.migrations import run_env

run_env(context, "intake", Base.metadata, make_engine)
