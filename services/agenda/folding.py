"""The live agenda's counters: one submission folded in, or one member's submissions taken out.

Nothing is recomputed from all questions. Each fold adds what one submission contributes:
- ``theme_stats``: per theme members, learning questions and urgent-issue mentions;
- ``member_themes`` / ``member_cells``: which members are already counted for a theme and for
  a theme's municipality, province and role, so distinct counts stay exact;
- ``theme_cells``: distinct members per theme and municipality / province / role;
- ``theme_days``: texts per theme and day, for the trend.
The pseudo-theme ``_all`` counts the platform as a whole. Erasure subtracts exactly what the
member's submissions added and forgets which cells counted them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from services.agenda.models import (
    ALL_THEMES,
    MemberCell,
    MemberThemeSeen,
    PendingSubmission,
    Question,
    QuestionTheme,
    ThemeCell,
    ThemeDay,
    ThemeStat,
)
from services.agenda.similar_questions import signature
from shared.contracts.envelope import utcnow
from shared.db.uow import UnitOfWork

DIMENSIONS = ("municipality", "province", "role")


def _insert(uow: UnitOfWork, model):
    dialect = uow.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


class Contribution:
    """What one folded submission adds to the counters (and erasure takes away)."""

    def __init__(self, row: PendingSubmission):
        self.questions: Counter[str] = Counter()
        self.mentions: Counter[str] = Counter()
        self.question_texts: list[tuple[str, list[str]]] = []
        for text in row.classified["texts"]:
            slugs = list(dict.fromkeys(text["themes"]))
            if text["kind"] == "learning_question":
                self.question_texts.append((text["text_id"], slugs))
                self.questions.update([*slugs, ALL_THEMES])
            elif text["kind"] == "urgent_issue" and slugs:
                self.mentions.update([*slugs, ALL_THEMES])
        self.themes = sorted((set(self.questions) | set(self.mentions)) - {ALL_THEMES})
        self.day = _day_of(row)

    def texts_per_theme(self) -> dict[str, int]:
        return dict(self.questions + self.mentions)


def _day_of(row: PendingSubmission) -> date:
    raw = row.confirmed.get("confirmed_on")
    return date.fromisoformat(raw) if raw else (row.folded_at or utcnow()).date()


def fold(uow: UnitOfWork, row: PendingSubmission) -> None:
    """Add one submission, whose confirmed and classified halves are both here, to the counters."""
    now = utcnow()
    row.folded_at = now
    contribution = Contribution(row)
    confirmed = row.confirmed
    session = uow.session
    connection = session.connection()
    if contribution.question_texts:
        texts = confirmed["texts"]
        connection.execute(
            _insert(uow, Question).on_conflict_do_nothing(),
            [
                {
                    "text_id": text_id,
                    "submission_id": row.submission_id,
                    "member_id": row.member_id,
                    "kind": "learning_question",
                    "text": texts.get(text_id, ""),
                    "signature": signature(texts.get(text_id, "")),
                    "themes": slugs,
                    "role": confirmed["role"],
                    "municipality_code": confirmed["municipality_code"],
                    "province_code": confirmed["province_code"],
                    "created_at": now,
                }
                for text_id, slugs in contribution.question_texts
            ],
        )
        pairs = [{"slug": s, "text_id": t} for t, slugs in contribution.question_texts for s in slugs]
        if pairs:
            connection.execute(_insert(uow, QuestionTheme).on_conflict_do_nothing(), pairs)
    if not contribution.texts_per_theme():
        return
    themes = [*contribution.themes, ALL_THEMES]
    new_member_themes = set(
        connection.execute(
            _insert(uow, MemberThemeSeen).on_conflict_do_nothing().returning(MemberThemeSeen.slug),
            [{"member_id": row.member_id, "slug": slug} for slug in themes],
        ).scalars()
    )
    cells = {
        "municipality": confirmed["municipality_code"],
        "province": confirmed["province_code"],
        "role": confirmed["role"],
    }
    new_cells = connection.execute(
        _insert(uow, MemberCell)
        .on_conflict_do_nothing()
        .returning(MemberCell.slug, MemberCell.dimension, MemberCell.value),
        [{"member_id": row.member_id, "slug": s, "dimension": d, "value": v} for s in themes for d, v in cells.items()],
    ).all()
    if new_cells:
        insert_cell = _insert(uow, ThemeCell)
        connection.execute(
            insert_cell.on_conflict_do_update(
                index_elements=["slug", "dimension", "value"], set_={"members": ThemeCell.members + 1}
            ),
            [{"slug": s, "dimension": d, "value": v, "members": 1} for s, d, v in new_cells],
        )
    texts = contribution.texts_per_theme()
    insert_stat = _insert(uow, ThemeStat)
    connection.execute(
        insert_stat.on_conflict_do_update(
            index_elements=["slug"],
            set_={
                "members": ThemeStat.members + insert_stat.excluded.members,
                "questions": ThemeStat.questions + insert_stat.excluded.questions,
                "urgent_mentions": ThemeStat.urgent_mentions + insert_stat.excluded.urgent_mentions,
            },
        ),
        [
            {
                "slug": slug,
                "members": int(slug in new_member_themes),
                "questions": contribution.questions[slug],
                "urgent_mentions": contribution.mentions[slug],
            }
            for slug in themes
        ],
    )
    insert_day = _insert(uow, ThemeDay)
    connection.execute(
        insert_day.on_conflict_do_update(
            index_elements=["slug", "day"], set_={"texts": ThemeDay.texts + insert_day.excluded.texts}
        ),
        [{"slug": slug, "day": contribution.day, "texts": n} for slug, n in texts.items()],
    )


def unfold_member(uow: UnitOfWork, member_id: str) -> list[str]:
    """Take every submission of a member out of the counters and delete it; returns their question ids."""
    session = uow.session
    rows = session.scalars(select(PendingSubmission).where(PendingSubmission.member_id == member_id).with_for_update()).all()
    question_ids = list(session.scalars(select(Question.text_id).where(Question.member_id == member_id)))
    questions: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    days: Counter[tuple[str, date]] = Counter()
    for row in rows:
        if row.folded_at is None:
            continue
        contribution = Contribution(row)
        questions += contribution.questions
        mentions += contribution.mentions
        for slug, n in contribution.texts_per_theme().items():
            days[(slug, contribution.day)] += n
    counted = set(session.scalars(select(MemberThemeSeen.slug).where(MemberThemeSeen.member_id == member_id)))
    for slug in set(questions) | set(mentions) | counted:
        session.execute(
            update(ThemeStat)
            .where(ThemeStat.slug == slug)
            .values(
                members=ThemeStat.members - int(slug in counted),
                questions=ThemeStat.questions - questions[slug],
                urgent_mentions=ThemeStat.urgent_mentions - mentions[slug],
            )
        )
    for (slug, day), n in days.items():
        session.execute(update(ThemeDay).where(ThemeDay.slug == slug, ThemeDay.day == day).values(texts=ThemeDay.texts - n))
    for slug, dimension, value in session.execute(
        select(MemberCell.slug, MemberCell.dimension, MemberCell.value).where(MemberCell.member_id == member_id)
    ):
        session.execute(
            update(ThemeCell)
            .where(ThemeCell.slug == slug, ThemeCell.dimension == dimension, ThemeCell.value == value)
            .values(members=ThemeCell.members - 1)
        )
    session.execute(delete(ThemeCell).where(ThemeCell.members <= 0))
    session.execute(delete(ThemeDay).where(ThemeDay.texts <= 0))
    session.execute(delete(MemberCell).where(MemberCell.member_id == member_id))
    session.execute(delete(MemberThemeSeen).where(MemberThemeSeen.member_id == member_id))
    if question_ids:
        session.execute(delete(QuestionTheme).where(QuestionTheme.text_id.in_(question_ids)))
    session.execute(delete(Question).where(Question.member_id == member_id))
    session.execute(delete(PendingSubmission).where(PendingSubmission.member_id == member_id))
    return question_ids
