"""Erasing a member: every row that holds their texts, themes or introductions goes."""

from __future__ import annotations

from sqlalchemy import delete, or_, select

from services.matching.models import (
    LabelFeedback,
    MemberText,
    MemberTheme,
    ModelVersion,
    PeerExposure,
    PeerIndexChange,
    PeerOffer,
    PeerSuggestion,
    Profile,
    ThemeAssignment,
    ThemeOverride,
)
from services.matching.peer_index import record_changes
from shared.db.uow import UnitOfWork


def erase_member(uow: UnitOfWork, member_id: str) -> None:
    # Explicit deletes rather than relying on cascades: suggestions and exposure have no foreign
    # key (the other side of a suggestion is another member), and the order keeps SQLite happy.
    text_ids = select(MemberText.text_id).where(MemberText.member_id == member_id).scalar_subquery()
    session = uow.session
    session.execute(
        delete(PeerSuggestion).where(
            or_(PeerSuggestion.asking_member_id == member_id, PeerSuggestion.offering_member_id == member_id)
        )
    )
    session.execute(delete(PeerExposure).where(PeerExposure.member_id == member_id))
    session.execute(delete(PeerOffer).where(PeerOffer.member_id == member_id))
    session.execute(delete(PeerIndexChange).where(PeerIndexChange.text_id.in_(text_ids)))
    record_changes(uow, [None])  # every process reloads its peer index without the member
    session.execute(delete(LabelFeedback).where(LabelFeedback.member_id == member_id))
    # A classifier that learned from this member's corrected texts holds their words in its
    # vocabulary: it goes too (the worker falls back to the bundled texts until the next training).
    for version, members in session.execute(select(ModelVersion.version, ModelVersion.feedback_members)).all():
        if member_id in (members or ()):
            session.execute(delete(ModelVersion).where(ModelVersion.version == version))
    session.execute(delete(ThemeAssignment).where(ThemeAssignment.text_id.in_(text_ids)))
    session.execute(delete(MemberText).where(MemberText.member_id == member_id))
    session.execute(delete(ThemeOverride).where(ThemeOverride.member_id == member_id))
    session.execute(delete(MemberTheme).where(MemberTheme.member_id == member_id))
    session.execute(delete(Profile).where(Profile.member_id == member_id))
    # Events about the member still in the outbox carry their texts (a suggestion carries the
    # question and the expertise): sent ones need not be kept, unsent ones must not go out now.
    outbox = uow.tables.outbox
    session.execute(delete(outbox).where(outbox.c.envelope.contains(member_id, autoescape=True)))
    session.flush()
