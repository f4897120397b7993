"""A member's theme circles: weighted evidence from all their texts, then curator overrides.

Urgent issues and learning questions count fully, expertise mentions half. A text still
waiting for review is not trusted and does not count until a curator has looked at it.
A curator's "add" or "remove" wins and stays, whatever later submissions say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, delete, insert, or_, select

from services.matching.models import MemberText, MemberTheme, ThemeAssignment, ThemeOverride
from shared.db.uow import UnitOfWork

KIND_WEIGHT = {"urgent_issue": 1.0, "learning_question": 1.0, "expertise": 0.5}
ADD, REMOVE = "add", "remove"


def weigh(scored: Iterable[tuple[str, str, float]]) -> dict[str, float]:
    """Weight per theme from (kind of text, theme, score) of the member's trusted texts."""
    weights: dict[str, float] = defaultdict(float)
    for kind, slug, score in scored:
        weights[slug] += KIND_WEIGHT[kind] * score
    return dict(weights)


def evidence(uow: UnitOfWork, member_id: str) -> dict[str, float]:
    return weigh(
        uow.session.execute(
            select(MemberText.kind, ThemeAssignment.slug, ThemeAssignment.score)
            .join(ThemeAssignment, ThemeAssignment.text_id == MemberText.text_id)
            .where(
                MemberText.member_id == member_id,
                or_(MemberText.needs_review.is_(False), MemberText.reviewed_at.is_not(None)),
            )
        )
    )


def overrides(uow: UnitOfWork, member_id: str) -> dict[str, str]:
    return dict(
        uow.session.execute(
            select(ThemeOverride.slug, ThemeOverride.action).where(ThemeOverride.member_id == member_id)
        ).all()
    )


def recompute(uow: UnitOfWork, member_id: str, min_weight: float) -> list[str]:
    """Store the member's themes (auto and curator) and return their slugs, sorted."""
    circles = _circles(evidence(uow, member_id), overrides(uow, member_id), min_weight)
    connection = uow.session.connection()
    connection.execute(delete(MemberTheme).where(MemberTheme.member_id == member_id))
    _insert(connection, member_id, circles)
    return sorted(circles)


def first(uow: UnitOfWork, member_id: str, scored: Iterable[tuple[str, str, float]], min_weight: float) -> list[str]:
    """The same for a member seen for the first time, from (kind, theme, score) of their first
    submission's trusted texts: nothing else about them is stored yet, so nothing is read back
    or replaced."""
    circles = _circles(weigh(scored), {}, min_weight)
    _insert(uow.session.connection(), member_id, circles)
    return sorted(circles)


def _circles(weights: dict[str, float], decided: dict[str, str], min_weight: float) -> dict[str, tuple[float, str]]:
    """Weight and source ("auto" or "curator") of each theme the member belongs to."""
    circles = {slug: (w, "auto") for slug, w in weights.items() if w >= min_weight}
    for slug, action in decided.items():
        if action == ADD:
            circles[slug] = (weights.get(slug, 0.0), "curator")
        else:
            circles.pop(slug, None)
    return circles


def _insert(connection: Connection, member_id: str, circles: dict[str, tuple[float, str]]) -> None:
    if circles:
        connection.execute(
            insert(MemberTheme),
            [
                {"member_id": member_id, "slug": slug, "weight": round(w, 4), "source": source}
                for slug, (w, source) in sorted(circles.items())
            ],
        )
