"""Representative questions per theme: the clearest question of each of its largest groups.

Grouping all questions of a theme (similar_questions.py) takes seconds once there are tens of
thousands, so the worker's ``group-questions`` job computes it every ``AGENDA_GROUPING_INTERVAL``
seconds and keeps the result in ``representative_questions``. Drafts and the live page use
that result while it is younger than ``AGENDA_GROUPING_MAX_AGE``, and compute afresh
otherwise (no worker, a theme new since the last run). Erasure deletes the rows of the themes
an erased member was quoted in, so they are computed again without them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, text

from services.agenda.models import CachedRepresentative, Question, QuestionTheme
from services.agenda.settings import AgendaSettings
from services.agenda.similar_questions import Asked, Group, Phrasing, clearest, group_phrasings, phrasings_of
from shared.contracts.envelope import utcnow
from shared.db.uow import UnitOfWork

PHRASINGS_SQL = text(
    """
SELECT qt.slug, q.signature, count(*) AS asked, array_agg(hashtext(q.member_id)) AS members,
       min(q.text_id) AS first_id
FROM question_themes qt JOIN questions q ON q.text_id = qt.text_id
WHERE qt.slug = ANY(:slugs)
GROUP BY qt.slug, q.signature
"""
)
CANDIDATE_PHRASINGS = 10  # the clearest question of a group is picked among its most-asked phrasings


def _phrasings(uow: UnitOfWork, slugs: list[str]) -> dict[str, list[Phrasing]]:
    """Per theme, its questions counted per signature: in the database on PostgreSQL."""
    per_theme: dict[str, list[Phrasing]] = defaultdict(list)
    if uow.session.get_bind().dialect.name == "postgresql":
        # hashtext() keys stand in for member ids: only distinct members are counted with them.
        for slug, sig, asked, members, first_id in uow.session.execute(PHRASINGS_SQL, {"slugs": slugs}):
            per_theme[slug].append(Phrasing(sig or "", asked, set(members), first_id))
        return per_theme
    asked: dict[str, list[Asked]] = defaultdict(list)
    for slug, text_id, member_id, sig in uow.session.execute(
        select(QuestionTheme.slug, Question.text_id, Question.member_id, Question.signature)
        .join(Question, Question.text_id == QuestionTheme.text_id)
        .where(QuestionTheme.slug.in_(slugs))
    ):
        asked[slug].append(Asked(text_id, member_id, "", sig or ""))
    return {slug: phrasings_of(items) for slug, items in asked.items()}


def compute_representatives(uow: UnitOfWork, slugs: list[str], settings: AgendaSettings) -> dict[str, list[dict]]:
    """Per theme, the clearest question of each of its largest groups of alike questions."""
    chosen: dict[str, list[Group]] = {
        slug: group_phrasings(phrasings, settings.similarity, limit=settings.questions_per_theme)
        for slug, phrasings in _phrasings(uow, slugs).items()
    }
    wanted = {(slug, p.signature) for slug, groups in chosen.items() for g in groups for p in g.phrasings[:CANDIDATE_PHRASINGS]}
    texts: dict[tuple[str, str], list[Asked]] = defaultdict(list)
    if wanted:
        rows = uow.session.execute(
            select(QuestionTheme.slug, Question.text_id, Question.member_id, Question.text, Question.signature)
            .join(Question, Question.text_id == QuestionTheme.text_id)
            .where(QuestionTheme.slug.in_(list(chosen)), Question.signature.in_(sorted({sig for _, sig in wanted})))
        )
        for slug, text_id, member_id, text_, sig in rows:
            if (slug, sig or "") in wanted and text_:
                texts[(slug, sig or "")].append(Asked(text_id, member_id, text_, sig or ""))
    result = {}
    for slug, groups in chosen.items():
        result[slug] = []
        for group in groups:
            candidates = [q for p in group.phrasings[:CANDIDATE_PHRASINGS] for q in texts[(slug, p.signature)]]
            if not candidates:
                continue
            best = clearest(candidates)
            result[slug].append(
                {"id": best.id, "member_id": best.member_id, "text": best.text[:2000], "similar_count": group.members}
            )
    return result


def refresh_representatives(uow: UnitOfWork, settings: AgendaSettings) -> int:
    """The worker job: group every theme's questions now and keep the result; returns the rows kept."""
    slugs = sorted(uow.session.scalars(select(QuestionTheme.slug).distinct()))
    computed = compute_representatives(uow, slugs, settings) if slugs else {}
    now = utcnow()
    uow.session.execute(delete(CachedRepresentative))
    rows = [
        CachedRepresentative(
            slug=slug,
            position=i,
            text_id=q["id"],
            member_id=q["member_id"],
            text=q["text"],
            similar_count=q["similar_count"],
            computed_at=now,
        )
        for slug, questions in computed.items()
        for i, q in enumerate(questions, 1)
    ]
    uow.session.add_all(rows)
    uow.commit()
    return len(rows)


def representatives_for(uow: UnitOfWork, slugs: list[str], settings: AgendaSettings) -> dict[str, list[dict[str, Any]]]:
    """Per theme, its representative questions: from the worker's last run if recent enough."""
    fresh_since = utcnow() - timedelta(seconds=settings.grouping_max_age_seconds)
    cached: dict[str, list[dict[str, Any]]] = defaultdict(list)
    newest = uow.session.scalar(select(func.max(CachedRepresentative.computed_at)))
    if newest is not None and newest >= fresh_since:
        for row in uow.session.scalars(
            select(CachedRepresentative).where(CachedRepresentative.slug.in_(slugs)).order_by(CachedRepresentative.slug, CachedRepresentative.position)
        ):
            cached[row.slug].append(
                {"id": row.text_id, "member_id": row.member_id, "text": row.text, "similar_count": row.similar_count}
            )
    missing = [s for s in slugs if s not in cached]
    if missing:
        cached.update(compute_representatives(uow, missing, settings))
    return dict(cached)


def forget_representatives_of(uow: UnitOfWork, question_ids: set[str]) -> None:
    """Erasure: drop the kept result of every theme that quoted one of these questions."""
    if not question_ids:
        return
    quoted = select(CachedRepresentative.slug).where(CachedRepresentative.text_id.in_(question_ids))
    uow.session.execute(delete(CachedRepresentative).where(CachedRepresentative.slug.in_(quoted)))
