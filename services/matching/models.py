"""Matching's tables: member profiles, texts with their theme assignments, member themes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, MetaData, String, Text
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


class Profile(Base):
    """What matching knows of a member: enough to match, nothing to contact them with."""

    __tablename__ = "profiles"

    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    role: Mapped[str] = mapped_column(String(30))
    municipality_code: Mapped[str] = mapped_column(String(6))
    province_code: Mapped[str] = mapped_column(String(4))
    peer_introductions: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MemberText(Base):
    __tablename__ = "texts"

    text_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    submission_id: Mapped[str] = mapped_column(String(36), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("profiles.member_id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    classifier_version: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ThemeAssignment(Base):
    __tablename__ = "theme_assignments"

    text_id: Mapped[str] = mapped_column(ForeignKey("texts.text_id", ondelete="CASCADE"), primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))  # "auto" or "curator"


class MemberTheme(Base):
    __tablename__ = "member_themes"

    member_id: Mapped[str] = mapped_column(ForeignKey("profiles.member_id", ondelete="CASCADE"), primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)


TABLES = define_messaging_tables(Base.metadata)
