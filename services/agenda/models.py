"""Agenda's tables: de-identified submissions and questions, and the live per-theme counts.

Agenda keeps no names or e-mail addresses: member ids, municipality, role and scrubbed texts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db.messaging_tables import define_messaging_tables
from shared.db.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PendingSubmission(Base):
    """Confirmed and classified events may arrive in either order; this row joins them."""

    __tablename__ = "submissions"

    submission_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    confirmed: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # de-identified part only
    classified: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    folded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Question(Base):
    __tablename__ = "questions"

    text_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.submission_id", ondelete="CASCADE"), index=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)  # scrubbed
    themes: Mapped[list[str]] = mapped_column(JSON)
    role: Mapped[str] = mapped_column(String(30))
    municipality_code: Mapped[str] = mapped_column(String(6))
    province_code: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class MemberThemeSeen(Base):
    """Which members already count towards a theme, so members are counted once."""

    __tablename__ = "member_themes"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), primary_key=True)


class ThemeStat(Base):
    __tablename__ = "theme_stats"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    members: Mapped[int] = mapped_column(Integer, default=0)
    questions: Mapped[int] = mapped_column(Integer, default=0)
    urgent_mentions: Mapped[int] = mapped_column(Integer, default=0)


TABLES = define_messaging_tables(Base.metadata)

# The partner tables live in their own package but in this metadata and migration history.
from services.agenda.partners import models as partner_models  # noqa: E402,F401
