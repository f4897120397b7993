"""The outbox and inbox tables that every service keeps in its own database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text, text

from shared.db.types import UTCDateTime


@dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    inbox: Table


def define_messaging_tables(metadata: MetaData) -> MessagingTables:
    outbox = Table(
        "outbox",
        metadata,
        # The sequence gives the relay a stable publishing order; the event id is the message id.
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(120), nullable=False),
        Column("envelope", Text, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("published_at", UTCDateTime(), nullable=True),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("next_attempt_at", UTCDateTime(), nullable=True),
        Column("last_error", Text, nullable=True),
        Index(
            "ix_outbox_unpublished",
            "seq",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", String(60), primary_key=True),
        Column("event_id", String(100), primary_key=True),
        Column("event_type", String(120), nullable=False),
        Column("processed_at", UTCDateTime(), nullable=False, index=True),
    )
    return MessagingTables(outbox=outbox, inbox=inbox)
