"""Alembic environment for agenda: its own history, its own version table."""

from alembic import context

from services.agenda.models import Base
from shared.db.engine import make_engine
from shared.db.migrations import run_env

run_env(context, "agenda", Base.metadata, make_engine)
