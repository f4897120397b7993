"""Writing a new submission and its member: the hot path of intake, in as few statements as it can.

The member is upserted by e-mail address (INSERT ... ON CONFLICT DO UPDATE ... RETURNING), so
two submissions with one new address at the same moment land on one member, with no
unique-constraint error. On PostgreSQL member and submission go in one statement (a
data-modifying CTE); elsewhere (SQLite, embedded mode) in two.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import Executable

from services.intake.models import IdempotencyRecord, Member, Submission

_POSTGRES_MEMBER_AND_SUBMISSION = text(
    """
    WITH member AS (
        INSERT INTO members (id, email, name, language, created_at)
        VALUES (:member_id, :email, :name, :language, :created_at)
        ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, language = EXCLUDED.language
        RETURNING id
    )
    INSERT INTO submissions (id, member_id, status, answers, language, created_at, last_sent_at, resend_count)
    SELECT :submission_id, member.id, :status, CAST(:answers AS JSON), :language, :created_at, :created_at, 0
    FROM member
    RETURNING member_id
    """
)


@cache
def _generic_statements() -> tuple[Executable, Executable]:
    members = Member.__table__
    upsert = sqlite_insert(members)
    upsert = upsert.on_conflict_do_update(
        index_elements=[members.c.email], set_={"name": upsert.excluded.name, "language": upsert.excluded.language}
    ).returning(members.c.id)
    return upsert, insert(Submission.__table__)


_INSERT_KEY = insert(IdempotencyRecord.__table__)


@dataclass(frozen=True, slots=True)
class StoredMember:
    """The member of a new submission as the database now has it (plain records: this path
    writes with Core statements, and making ORM instances only to read them back costs time)."""

    id: str
    email: str
    name: str
    language: str


@dataclass(frozen=True, slots=True)
class StoredSubmission:
    id: str
    member_id: str
    language: str
    created_at: datetime


def add_submission(
    connection: Connection, answers: dict[str, Any], status: str, now: datetime
) -> tuple[StoredMember, StoredSubmission]:
    """Store the submission, and its member if new; returns both as they now are in the database."""
    member_id, submission_id = str(uuid.uuid4()), str(uuid.uuid4())
    email, name, language = answers["email"], answers["name"], answers["language"]
    stored_answers = {k: v for k, v in answers.items() if k not in ("email", "name")}
    if connection.dialect.name == "postgresql":
        params = {
            "member_id": member_id,
            "email": email,
            "name": name,
            "language": language,
            "created_at": now,
            "submission_id": submission_id,
            "status": status,
            "answers": json.dumps(stored_answers, ensure_ascii=False),
        }
        member_id = connection.execute(_POSTGRES_MEMBER_AND_SUBMISSION, params).scalar_one()
    else:
        upsert, insert_submission = _generic_statements()
        member = {"id": member_id, "email": email, "name": name, "language": language, "created_at": now}
        member_id = connection.execute(upsert, member).scalar_one()
        submission = {
            "id": submission_id,
            "member_id": member_id,
            "status": status,
            "answers": stored_answers,
            "language": language,
            "created_at": now,
            "last_sent_at": now,
            "resend_count": 0,
        }
        connection.execute(insert_submission, submission)
    return StoredMember(member_id, email, name, language), StoredSubmission(submission_id, member_id, language, now)


def add_idempotency_key(connection: Connection, key: str, request_hash: str, submission_id: str, body: dict, now: datetime, expires_at: datetime) -> None:
    connection.execute(
        _INSERT_KEY,
        {
            "key": key,
            "request_hash": request_hash,
            "submission_id": submission_id,
            "status_code": 201,
            "response": body,
            "created_at": now,
            "expires_at": expires_at,
        },
    )
