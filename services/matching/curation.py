"""What curators do: look at the review queue, correct a text's themes, steer a member's circles.

Plain functions over a unit of work; the curator API translates HTTP into these calls.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select

from services.matching import member_themes, peers
from services.matching.models import (
    LabelFeedback,
    MemberText,
    MemberTheme,
    PeerSuggestion,
    Profile,
    ThemeAssignment,
    ThemeOverride,
)
from services.matching.peer_index import PeerIndex
from services.matching.settings import MatchingSettings
from shared import reference
from shared.contracts.envelope import utcnow
from shared.db.uow import UnitOfWork


class NotFound(LookupError):
    pass


class UnknownTheme(ValueError):
    pass


def _known(slugs: Sequence[str]) -> list[str]:
    unknown = sorted(set(slugs) - set(reference.theme_slugs()))
    if unknown:
        raise UnknownTheme(", ".join(unknown))
    return sorted(set(slugs))


def review_queue(uow: UnitOfWork, limit: int, offset: int) -> tuple[int, list[MemberText]]:
    waiting = (MemberText.needs_review.is_(True), MemberText.reviewed_at.is_(None))
    total = uow.session.scalar(select(func.count()).select_from(MemberText).where(*waiting))
    rows = uow.session.scalars(
        select(MemberText).where(*waiting).order_by(MemberText.created_at, MemberText.text_id).limit(limit).offset(offset)
    ).all()
    return total or 0, list(rows)


def get_text(uow: UnitOfWork, text_id: str) -> MemberText:
    text = uow.session.get(MemberText, text_id)
    if text is None:
        raise NotFound(f"No text {text_id}.")
    return text


def assignments(uow: UnitOfWork, text_id: str) -> list[ThemeAssignment]:
    return list(
        uow.session.scalars(
            select(ThemeAssignment).where(ThemeAssignment.text_id == text_id).order_by(ThemeAssignment.score.desc())
        )
    )


def correct_labels(
    uow: UnitOfWork, index: PeerIndex, text_id: str, labels: Sequence[str], settings: MatchingSettings
) -> list[dict]:
    """Store the correction as feedback, replace the text's themes and follow through: the
    member's circles, the peer index and (for a question not yet answered) peer suggestions.
    Returns the payloads of new suggestions, already in the outbox."""
    labels = _known(labels)
    text = get_text(uow, text_id)
    now = utcnow()
    previous = [a.slug for a in assignments(uow, text_id)]
    uow.session.add(
        LabelFeedback(
            text_id=text_id, member_id=text.member_id, text=text.text, labels=labels, previous=previous, created_at=now
        )
    )
    uow.session.execute(delete(ThemeAssignment).where(ThemeAssignment.text_id == text_id))
    uow.session.add_all(ThemeAssignment(text_id=text_id, slug=s, score=1.0, source="curator") for s in labels)
    text.reviewed_at = now
    uow.session.flush()
    member_themes.recompute(uow, text.member_id, settings.member_theme_min_weight)
    profile = uow.session.get(Profile, text.member_id)
    peers.refresh_offers(uow, profile)
    payloads: list[dict] = []
    already = uow.session.scalar(select(func.count()).where(PeerSuggestion.question_id == text_id))
    if text.kind == "learning_question" and labels and not already:
        question = peers.Question(text_id, text.text, tuple(labels), text.terms or {})
        payloads = peers.suggest(
            uow,
            index,
            profile,
            text.submission_id,
            [question],
            now=now,
            per_question=settings.peers_per_question,
            monthly_limit=settings.peer_monthly_limit,
        )
        if payloads:
            uow.publish_many("matching.peers.suggested.v1", [(p["suggestion_id"], p) for p in payloads])
    uow.commit()
    return payloads


def member_view(uow: UnitOfWork, member_id: str) -> dict:
    if uow.session.get(Profile, member_id) is None:
        raise NotFound(f"No member {member_id}.")
    rows = uow.session.scalars(select(MemberTheme).where(MemberTheme.member_id == member_id).order_by(MemberTheme.slug))
    return {
        "member_id": member_id,
        "themes": [{"slug": r.slug, "weight": r.weight, "source": r.source} for r in rows],
        "evidence": {slug: round(w, 4) for slug, w in sorted(member_themes.evidence(uow, member_id).items())},
        "overrides": [
            {"slug": slug, "action": action} for slug, action in sorted(member_themes.overrides(uow, member_id).items())
        ],
    }


def set_override(uow: UnitOfWork, member_id: str, slug: str, action: str | None, settings: MatchingSettings) -> dict:
    """Add or remove a theme for a member (action "add"/"remove"), or drop the override (None)."""
    _known([slug])
    if uow.session.get(Profile, member_id) is None:
        raise NotFound(f"No member {member_id}.")
    row = uow.session.get(ThemeOverride, (member_id, slug))
    if action is None:
        if row is not None:
            uow.session.delete(row)
    elif row is None:
        uow.session.add(ThemeOverride(member_id=member_id, slug=slug, action=action, created_at=utcnow()))
    else:
        row.action, row.created_at = action, utcnow()
    uow.session.flush()
    member_themes.recompute(uow, member_id, settings.member_theme_min_weight)
    uow.commit()
    return member_view(uow, member_id)


def suggestions(uow: UnitOfWork, submission_id: str | None, question_id: str | None) -> list[PeerSuggestion]:
    query = select(PeerSuggestion).order_by(PeerSuggestion.question_id, PeerSuggestion.score.desc())
    if submission_id:
        query = query.where(PeerSuggestion.submission_id == submission_id)
    if question_id:
        query = query.where(PeerSuggestion.question_id == question_id)
    return list(uow.session.scalars(query))
