"""A member's theme circles: weighted evidence from all their texts, then curator overrides.

Urgent issues and learning questions count fully, expertise mentions half. A text still
waiting for review is not trusted and does not count until a curator has looked at it.
A curator's "add" or "remove" wins and stays, whatever later submissions say.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, insert, or_, select

from services.matching.models import MemberText, MemberTheme, ThemeAssignment, ThemeOverride
from shared.db.uow import UnitOfWork

KIND_WEIGHT = {"urgent_issue": 1.0, "learning_question": 1.0, "expertise": 0.5}
ADD, REMOVE = "add", "remove"


def evidence(uow: UnitOfWork, member_id: str) -> dict[str, float]:
    weights: dict[str, float] = defaultdict(float)
    rows = uow.session.execute(
        select(MemberText.kind, ThemeAssignment.slug, ThemeAssignment.score)
        .join(ThemeAssignment, ThemeAssignment.text_id == MemberText.text_id)
        .where(
            MemberText.member_id == member_id,
            or_(MemberText.needs_review.is_(False), MemberText.reviewed_at.is_not(None)),
        )
    )
    for kind, slug, score in rows:
        weights[slug] += KIND_WEIGHT[kind] * score
    return dict(weights)


def overrides(uow: UnitOfWork, member_id: str) -> dict[str, str]:
    return dict(
        uow.session.execute(
            select(ThemeOverride.slug, ThemeOverride.action).where(ThemeOverride.member_id == member_id)
        ).all()
    )


def recompute(uow: UnitOfWork, member_id: str, min_weight: float) -> list[str]:
    """Store the member's themes (auto and curator) and return their slugs, sorted."""
    weights = evidence(uow, member_id)
    decided = overrides(uow, member_id)
    rows = {slug: (w, "auto") for slug, w in weights.items() if w >= min_weight}
    for slug, action in decided.items():
        if action == ADD:
            rows[slug] = (weights.get(slug, 0.0), "curator")
        else:
            rows.pop(slug, None)
    connection = uow.session.connection()
    connection.execute(delete(MemberTheme).where(MemberTheme.member_id == member_id))
    if rows:
        connection.execute(
            insert(MemberTheme),
            [
                {"member_id": member_id, "slug": slug, "weight": round(w, 4), "source": source}
                for slug, (w, source) in sorted(rows.items())
            ],
        )
    return sorted(rows)
