"""Alembic environment for notifications: its own history, its own version table."""

from alembic import context

from services.notifications.models import Base
from shared.db.engine import make_engine
from shared.db.migrations import run_env

run_env(context, "notifications", Base.metadata, make_engine)
