"""The live agenda's counters: submissions folded in, or one member's submissions taken out.

Nothing is recomputed from all questions. Each fold adds what its submissions contribute:
- ``theme_stats``: per theme members, learning questions and urgent-issue mentions;
- ``member_themes`` / ``member_cells``: which members are already counted for a theme and for
  a theme's municipality, province and role, so distinct counts stay exact;
- ``theme_cells``: distinct members per theme and municipality / province / role;
- ``theme_days``: texts per theme and day, for the trend.
The pseudo-theme ``_all`` counts the platform as a whole. Erasure subtracts exactly what the
member's submissions added and forgets which cells counted them.

On PostgreSQL all counters of a fold are written by one statement (data-modifying CTEs,
each table touched once); elsewhere (SQLite, embedded mode) by one statement per table.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, select, text, update
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


class Contribution:
    """What one folded submission adds to the counters (and erasure takes away)."""

    def __init__(self, row: Any):
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
        self.day = _day_of(row)

    def texts_per_theme(self) -> dict[str, int]:
        return dict(self.questions + self.mentions)


def _day_of(row: Any) -> date:
    raw = row.confirmed.get("confirmed_on")
    return date.fromisoformat(raw) if raw else (row.folded_at or utcnow()).date()


CELL_DIMENSIONS = ("municipality", "province", "role")


@dataclass
class FoldBuffer:
    """Everything a set of submissions adds to the counters, written in one go.

    Per submission its member, the themes it counts towards (with ``_all``) and the member's
    municipality, province and role: from these the writers derive the member_themes and
    member_cells rows (on PostgreSQL in the statement itself, which is cheaper than here).
    """

    submission_ids: list[str] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    questions_per_theme: Counter[str] = field(default_factory=Counter)
    mentions_per_theme: Counter[str] = field(default_factory=Counter)
    texts_per_day: Counter[tuple[str, date]] = field(default_factory=Counter)

    def add(self, row: Any) -> None:
        """One complete submission (confirmed and classified halves present, not folded yet)."""
        self.submission_ids.append(row.submission_id)
        contribution = Contribution(row)
        confirmed = row.confirmed
        texts = confirmed["texts"]
        place = {"role": confirmed["role"], "municipality_code": confirmed["municipality_code"], "province_code": confirmed["province_code"]}
        for text_id, slugs in contribution.question_texts:
            text = texts.get(text_id, "")
            self.questions.append(
                {"text_id": text_id, "submission_id": row.submission_id, "member_id": row.member_id, "text": text,
                 "signature": signature(text), "themes": slugs, **place}
            )
        per_theme = contribution.texts_per_theme()
        self.members.append(
            {"member_id": row.member_id, "slugs": list(per_theme), "municipality": place["municipality_code"],
             "province": place["province_code"], "role": place["role"]}
        )
        self.questions_per_theme.update(contribution.questions)
        self.mentions_per_theme.update(contribution.mentions)
        for slug, n in per_theme.items():
            self.texts_per_day[(slug, contribution.day)] += n

    def question_themes(self) -> list[tuple[str, str]]:
        return sorted({(slug, q["text_id"]) for q in self.questions for slug in q["themes"]})

    def member_themes(self) -> list[tuple[str, str]]:
        return sorted({(m["member_id"], slug) for m in self.members for slug in m["slugs"]})

    def member_cells(self) -> list[tuple[str, str, str, str]]:
        return sorted({(m["member_id"], slug, d, m[d]) for m in self.members for slug in m["slugs"] for d in CELL_DIMENSIONS})


def fold_rows(connection: Connection, rows: list[Any], now: datetime) -> None:
    """Fold complete submissions, just marked folded at ``now``, into the counters, in the caller's transaction."""
    buffer = FoldBuffer()
    for row in rows:
        buffer.add(row)
    if not buffer.submission_ids:
        return
    if connection.dialect.name == "postgresql":
        _write_postgresql(connection, buffer, now)
    else:
        _write_portable(connection, buffer, now)


# Row order is fixed (ORDER BY, sorted parameters), so two workers folding at once take their
# row locks in the same order.
_FOLD_SQL = text(
    """
WITH
x_questions AS (
    SELECT * FROM jsonb_to_recordset(CAST(:questions AS jsonb)) AS x(text_id text, submission_id text, member_id text,
        text text, signature text, themes jsonb, role text, municipality_code text, province_code text)
),
x_members AS (
    SELECT x.member_id, s.slug, x.municipality, x.province, x.role
    FROM jsonb_to_recordset(CAST(:members AS jsonb)) AS x(member_id text, slugs jsonb, municipality text, province text, role text),
         jsonb_array_elements_text(x.slugs) AS s(slug)
),
q AS (
    INSERT INTO questions (text_id, submission_id, member_id, kind, text, signature, themes, role,
                           municipality_code, province_code, created_at)
    SELECT text_id, submission_id, member_id, 'learning_question', text, signature, CAST(themes AS json), role,
           municipality_code, province_code, :now
    FROM x_questions
    ON CONFLICT DO NOTHING
),
qt AS (
    INSERT INTO question_themes (slug, text_id)
    SELECT DISTINCT s.slug, x.text_id FROM x_questions x, jsonb_array_elements_text(x.themes) AS s(slug)
    ORDER BY 1, 2
    ON CONFLICT DO NOTHING
),
mt AS (
    INSERT INTO member_themes (member_id, slug)
    SELECT DISTINCT member_id, slug FROM x_members ORDER BY 1, 2
    ON CONFLICT DO NOTHING
    RETURNING slug
),
mc AS (
    INSERT INTO member_cells (member_id, slug, dimension, value)
    SELECT DISTINCT m.member_id, m.slug, c.dimension, c.value
    FROM x_members m,
         LATERAL (VALUES ('municipality', m.municipality), ('province', m.province), ('role', m.role)) AS c(dimension, value)
    ORDER BY 1, 2, 3, 4
    ON CONFLICT DO NOTHING
    RETURNING slug, dimension, value
),
tc AS (
    INSERT INTO theme_cells (slug, dimension, value, members)
    SELECT slug, dimension, value, count(*) FROM mc GROUP BY slug, dimension, value ORDER BY 1, 2, 3
    ON CONFLICT (slug, dimension, value) DO UPDATE SET members = theme_cells.members + EXCLUDED.members
),
ts AS (
    INSERT INTO theme_stats (slug, members, questions, urgent_mentions)
    SELECT x.slug, (SELECT count(*) FROM mt WHERE mt.slug = x.slug), x.questions, x.mentions
    FROM jsonb_to_recordset(CAST(:stats AS jsonb)) AS x(slug text, questions int, mentions int)
    ON CONFLICT (slug) DO UPDATE SET members = theme_stats.members + EXCLUDED.members,
        questions = theme_stats.questions + EXCLUDED.questions,
        urgent_mentions = theme_stats.urgent_mentions + EXCLUDED.urgent_mentions
)
INSERT INTO theme_days (slug, day, texts)
SELECT x.slug, x.day, x.texts FROM jsonb_to_recordset(CAST(:days AS jsonb)) AS x(slug text, day date, texts int)
ON CONFLICT (slug, day) DO UPDATE SET texts = theme_days.texts + EXCLUDED.texts
"""
)


def _stats_rows(buffer: FoldBuffer) -> list[dict[str, Any]]:
    slugs = set(buffer.questions_per_theme) | set(buffer.mentions_per_theme) | {s for m in buffer.members for s in m["slugs"]}
    return [
        {"slug": s, "questions": buffer.questions_per_theme[s], "mentions": buffer.mentions_per_theme[s]} for s in sorted(slugs)
    ]


def _write_postgresql(connection: Connection, buffer: FoldBuffer, now: datetime) -> None:
    """All counters in one statement: data-modifying CTEs, each table touched once."""
    connection.execute(
        _FOLD_SQL,
        {
            "now": now,
            "questions": json.dumps(buffer.questions),
            "members": json.dumps(buffer.members),
            "stats": json.dumps(_stats_rows(buffer)),
            "days": json.dumps([{"slug": s, "day": d.isoformat(), "texts": n} for (s, d), n in sorted(buffer.texts_per_day.items())]),
        },
    )


def _insert(connection: Connection, model):
    return (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(model)


def _write_portable(connection: Connection, buffer: FoldBuffer, now: datetime) -> None:
    """The same as one statement per table (SQLite in embedded mode)."""
    if buffer.questions:
        connection.execute(
            _insert(connection, Question).on_conflict_do_nothing(),
            [{**q, "kind": "learning_question", "created_at": now} for q in buffer.questions],
        )
    question_themes = buffer.question_themes()
    if question_themes:
        connection.execute(
            _insert(connection, QuestionTheme).on_conflict_do_nothing(),
            [{"slug": s, "text_id": t} for s, t in question_themes],
        )
    new_member_themes: Counter[str] = Counter()
    for member_id, slug in buffer.member_themes():
        inserted = connection.execute(
            _insert(connection, MemberThemeSeen).on_conflict_do_nothing().returning(MemberThemeSeen.slug),
            {"member_id": member_id, "slug": slug},
        ).first()
        if inserted:
            new_member_themes[slug] += 1
    new_cells: Counter[tuple[str, str, str]] = Counter()
    for member_id, slug, dimension, value in buffer.member_cells():
        inserted = connection.execute(
            _insert(connection, MemberCell).on_conflict_do_nothing().returning(MemberCell.slug),
            {"member_id": member_id, "slug": slug, "dimension": dimension, "value": value},
        ).first()
        if inserted:
            new_cells[(slug, dimension, value)] += 1
    if new_cells:
        insert_cell = _insert(connection, ThemeCell)
        connection.execute(
            insert_cell.on_conflict_do_update(
                index_elements=["slug", "dimension", "value"], set_={"members": ThemeCell.members + insert_cell.excluded.members}
            ),
            [{"slug": s, "dimension": d, "value": v, "members": n} for (s, d, v), n in new_cells.items()],
        )
    stats = _stats_rows(buffer)
    if stats:
        insert_stat = _insert(connection, ThemeStat)
        connection.execute(
            insert_stat.on_conflict_do_update(
                index_elements=["slug"],
                set_={
                    "members": ThemeStat.members + insert_stat.excluded.members,
                    "questions": ThemeStat.questions + insert_stat.excluded.questions,
                    "urgent_mentions": ThemeStat.urgent_mentions + insert_stat.excluded.urgent_mentions,
                },
            ),
            [{"slug": r["slug"], "members": new_member_themes[r["slug"]], "questions": r["questions"], "urgent_mentions": r["mentions"]} for r in stats],
        )
    if buffer.texts_per_day:
        insert_day = _insert(connection, ThemeDay)
        connection.execute(
            insert_day.on_conflict_do_update(index_elements=["slug", "day"], set_={"texts": ThemeDay.texts + insert_day.excluded.texts}),
            [{"slug": s, "day": d, "texts": n} for (s, d), n in buffer.texts_per_day.items()],
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
