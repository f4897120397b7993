"""Agenda's tables: de-identified submissions and questions, and the live per-theme counts.

Agenda keeps no names or e-mail addresses: member ids, municipality, role and scrubbed texts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Integer, MetaData, String, Text
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
    # Sorted, distinct normalised words (see similar_questions.signature), made once when folded.
    signature: Mapped[str | None] = mapped_column(Text)


class QuestionTheme(Base):
    """Which themes a question is about, to read a theme's questions without scanning JSON."""

    __tablename__ = "question_themes"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    text_id: Mapped[str] = mapped_column(ForeignKey("questions.text_id", ondelete="CASCADE"), primary_key=True, index=True)


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


ALL_THEMES = "_all"  # pseudo-theme in the counter tables: the whole platform (distinct members overall)


class ThemeCell(Base):
    """Distinct members per theme and municipality, province or role, kept up to date per fold."""

    __tablename__ = "theme_cells"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)  # municipality, province or role
    value: Mapped[str] = mapped_column(String(30), primary_key=True)
    members: Mapped[int] = mapped_column(Integer, default=0)


class MemberCell(Base):
    """Which members a ThemeCell counts, so each is counted once and erasure can take them off."""

    __tablename__ = "member_cells"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(30), primary_key=True)


class ThemeDay(Base):
    """Texts (learning questions and urgent-issue mentions) per theme and day: the trend."""

    __tablename__ = "theme_days"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    texts: Mapped[int] = mapped_column(Integer, default=0)


class ErasedMember(Base):
    """Members erased here: an event of theirs that arrives late is ignored (ids only, no content)."""

    __tablename__ = "erased_members"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CachedRepresentative(Base):
    """The worker's last grouping of questions: per theme, the clearest question of its largest groups."""

    __tablename__ = "representative_questions"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    text_id: Mapped[str] = mapped_column(String(100), index=True)
    member_id: Mapped[str] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text)  # scrubbed
    similar_count: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Draft(Base):
    """A curator's draft: a snapshot of the live agenda plus the curator's order, notes and hidden questions."""

    __tablename__ = "agenda_drafts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # open, published
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    order: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    hidden_questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_version: Mapped[int | None] = mapped_column(Integer)


class Version(Base):
    """A published version: immutable, except that an erased member's quoted question is taken out."""

    __tablename__ = "agenda_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    reissue_of: Mapped[int | None] = mapped_column(Integer)
    event_id: Mapped[str] = mapped_column(String(36))
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VersionQuote(Base):
    """Whose question a version quotes, so erasure finds the versions to redact and re-issue."""

    __tablename__ = "agenda_version_quotes"

    version: Mapped[int] = mapped_column(ForeignKey("agenda_versions.version", ondelete="CASCADE"), primary_key=True)
    text_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)


TABLES = define_messaging_tables(Base.metadata)

# The partner tables live in their own package but in this metadata and migration history.
from services.agenda.partners import models as partner_models  # noqa: E402,F401
