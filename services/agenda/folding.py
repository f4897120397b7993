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
        self.themes = sorted((set(self.questions) | set(self.mentions)) - {ALL_THEMES})
        self.day = _day_of(row)

    def texts_per_theme(self) -> dict[str, int]:
        return dict(self.questions + self.mentions)


def _day_of(row: Any) -> date:
    raw = row.confirmed.get("confirmed_on")
    return date.fromisoformat(raw) if raw else (row.folded_at or utcnow()).date()


@dataclass
class FoldBuffer:
    """Everything a set of submissions adds to the counters, written in one go."""

    submission_ids: list[str] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    question_themes: set[tuple[str, str]] = field(default_factory=set)
    member_themes: set[tuple[str, str]] = field(default_factory=set)
    member_cells: set[tuple[str, str, str, str]] = field(default_factory=set)
    questions_per_theme: Counter[str] = field(default_factory=Counter)
    mentions_per_theme: Counter[str] = field(default_factory=Counter)
    texts_per_day: Counter[tuple[str, date]] = field(default_factory=Counter)

    def add(self, row: Any) -> None:
        """One complete submission (confirmed and classified halves present, not folded yet)."""
        self.submission_ids.append(row.submission_id)
        contribution = Contribution(row)
        confirmed = row.confirmed
        texts = confirmed["texts"]
        for text_id, slugs in contribution.question_texts:
            text = texts.get(text_id, "")
            self.questions.append(
                {
                    "text_id": text_id,
                    "submission_id": row.submission_id,
                    "member_id": row.member_id,
                    "text": text,
                    "signature": signature(text),
                    "themes": slugs,
                    "role": confirmed["role"],
                    "municipality_code": confirmed["municipality_code"],
                    "province_code": confirmed["province_code"],
                }
            )
            self.question_themes.update((slug, text_id) for slug in slugs)
        cells = {"municipality": confirmed["municipality_code"], "province": confirmed["province_code"], "role": confirmed["role"]}
        for slug, n in contribution.texts_per_theme().items():
            self.member_themes.add((row.member_id, slug))
            self.member_cells.update((row.member_id, slug, d, v) for d, v in cells.items())
            self.questions_per_theme[slug] += contribution.questions[slug]
            self.mentions_per_theme[slug] += contribution.mentions[slug]
            self.texts_per_day[(slug, contribution.day)] += n


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


_FOLD_SQL = text(
    """
WITH
q AS (
    INSERT INTO questions (text_id, submission_id, member_id, kind, text, signature, themes, role,
                           municipality_code, province_code, created_at)
    SELECT x.text_id, x.submission_id, x.member_id, 'learning_question', x.text, x.signature, x.themes, x.role,
           x.municipality_code, x.province_code, :now
    FROM jsonb_to_recordset(CAST(:questions AS jsonb)) AS x(text_id text, submission_id text, member_id text,
         text text, signature text, themes json, role text, municipality_code text, province_code text)
    ON CONFLICT DO NOTHING
),
qt AS (
    INSERT INTO question_themes (slug, text_id)
    SELECT x.slug, x.text_id FROM jsonb_to_recordset(CAST(:question_themes AS jsonb)) AS x(slug text, text_id text)
    ON CONFLICT DO NOTHING
),
mt AS (
    INSERT INTO member_themes (member_id, slug)
    SELECT x.member_id, x.slug FROM jsonb_to_recordset(CAST(:member_themes AS jsonb)) AS x(member_id text, slug text)
    ON CONFLICT DO NOTHING
    RETURNING slug
),
mc AS (
    INSERT INTO member_cells (member_id, slug, dimension, value)
    SELECT x.member_id, x.slug, x.dimension, x.value
    FROM jsonb_to_recordset(CAST(:member_cells AS jsonb)) AS x(member_id text, slug text, dimension text, value text)
    ON CONFLICT DO NOTHING
    RETURNING slug, dimension, value
),
tc AS (
    INSERT INTO theme_cells (slug, dimension, value, members)
    SELECT slug, dimension, value, count(*) FROM mc GROUP BY slug, dimension, value
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
    slugs = set(buffer.questions_per_theme) | set(buffer.mentions_per_theme) | {s for _, s in buffer.member_themes}
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
            "question_themes": json.dumps([{"slug": s, "text_id": t} for s, t in sorted(buffer.question_themes)]),
            "member_themes": json.dumps([{"member_id": m, "slug": s} for m, s in sorted(buffer.member_themes)]),
            "member_cells": json.dumps(
                [{"member_id": m, "slug": s, "dimension": d, "value": v} for m, s, d, v in sorted(buffer.member_cells)]
            ),
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
    if buffer.question_themes:
        connection.execute(
            _insert(connection, QuestionTheme).on_conflict_do_nothing(),
            [{"slug": s, "text_id": t} for s, t in sorted(buffer.question_themes)],
        )
    new_member_themes: Counter[str] = Counter()
    for member_id, slug in sorted(buffer.member_themes):
        inserted = connection.execute(
            _insert(connection, MemberThemeSeen).on_conflict_do_nothing().returning(MemberThemeSeen.slug),
            {"member_id": member_id, "slug": slug},
        ).first()
        if inserted:
            new_member_themes[slug] += 1
    new_cells: Counter[tuple[str, str, str]] = Counter()
    for member_id, slug, dimension, value in sorted(buffer.member_cells):
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
