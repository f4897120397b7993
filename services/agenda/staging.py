"""The join of confirmed and classified halves, staged per transaction and written as it commits.

Handlers only stage what an event brings (no database round trip); just before the unit of
work commits, the halves of all staged submissions are upserted together, and those that
are now complete are folded into the counters (``folding.fold_rows``). On PostgreSQL a
consumer batch of 20 events thus costs two statements in all, whichever order the halves
arrive in: the upsert (which leaves out members erased here) and the fold.

The upsert is what decides completeness: ``ON CONFLICT DO UPDATE`` works on the row as it
is, under its row lock, and sets ``folded_at`` when the other half is there, so when two
workers store the two halves at the same time, the later one sees both and folds; its
``RETURNING`` hands the fold the complete rows. A submission already folded is never
changed again (erasure subtracts exactly what was folded). Halves of members erased here are
dropped. Whoever reads the counters in the same transaction calls ``write_staged`` first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, event, literal, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from services.agenda.folding import fold_rows
from services.agenda.models import ErasedMember, PendingSubmission
from shared.contracts.envelope import utcnow
from shared.db.uow import UnitOfWork

_KEY = "agenda_staged"
HALVES = ("confirmed", "classified")


@dataclass
class Staged:
    halves: dict[str, dict[str, tuple[str, dict[str, Any]]]] = field(default_factory=lambda: {h: {} for h in HALVES})

    def __bool__(self) -> bool:
        return any(self.halves.values())


def stage(uow: UnitOfWork, half: str, submission_id: str, member_id: str, content: dict[str, Any]) -> None:
    session = uow.session
    if _KEY not in session.info:
        session.info[_KEY] = Staged()
        event.listen(session, "before_commit", _write)
        event.listen(session, "after_rollback", lambda s: s.info.pop(_KEY, None))
    session.info[_KEY].halves[half][submission_id] = (member_id, content)


def write_staged(uow: UnitOfWork) -> None:
    """Write what this transaction staged so far (done anyway when it commits)."""
    _write(uow.session)


def _write(session: Session) -> None:
    staged: Staged | None = session.info.get(_KEY)
    if not staged:
        return
    session.info[_KEY] = Staged()
    session.flush()  # erased_members rows added in this transaction count too
    connection = session.connection()
    now = utcnow()
    # Per submission the halves this transaction brings.
    submissions: dict[str, dict[str, Any]] = {}
    for half in HALVES:
        for sid, (member_id, content) in staged.halves[half].items():
            submissions.setdefault(sid, {"submission_id": sid, "member_id": member_id})[half] = content
    if connection.dialect.name == "postgresql":
        rows = _upsert_postgresql(connection, submissions, now)
    else:
        rows = _upsert_portable(connection, submissions, now)
    fold_rows(connection, [row for row in rows if row.folded_at is not None], now)


# One statement whatever the halves: a half the batch does not bring is NULL in the input and
# keeps its stored value. Members erased here are left out. The text is fixed, so the driver
# parses it once and the server plans it once.
_UPSERT_SQL = text(
    """
INSERT INTO submissions (submission_id, member_id, confirmed, classified, folded_at)
SELECT x.submission_id, x.member_id, x.confirmed, x.classified,
       CASE WHEN x.confirmed IS NOT NULL AND x.classified IS NOT NULL THEN :now END
FROM json_to_recordset(CAST(:submissions AS json)) AS x(submission_id text, member_id text, confirmed json, classified json)
WHERE NOT EXISTS (SELECT 1 FROM erased_members e WHERE e.member_id = x.member_id)
ORDER BY x.submission_id
ON CONFLICT (submission_id) DO UPDATE SET
    confirmed = COALESCE(EXCLUDED.confirmed, submissions.confirmed),
    classified = COALESCE(EXCLUDED.classified, submissions.classified),
    folded_at = CASE WHEN COALESCE(EXCLUDED.confirmed, submissions.confirmed) IS NOT NULL
                      AND COALESCE(EXCLUDED.classified, submissions.classified) IS NOT NULL THEN :now END
WHERE submissions.folded_at IS NULL
RETURNING submission_id, member_id, confirmed, classified, folded_at
"""
).columns(
    PendingSubmission.submission_id,
    PendingSubmission.member_id,
    PendingSubmission.confirmed,
    PendingSubmission.classified,
    PendingSubmission.folded_at,
)


def _upsert_postgresql(connection: Connection, submissions: dict[str, dict[str, Any]], now: datetime) -> list[Any]:
    return list(connection.execute(_UPSERT_SQL, {"now": now, "submissions": json.dumps(list(submissions.values()))}))


def _upsert_portable(connection: Connection, submissions: dict[str, dict[str, Any]], now: datetime) -> list[Any]:
    """The same with SQLite: the erased members first, then one upsert per combination of halves."""
    members = {item["member_id"] for item in submissions.values()}
    erased = set(connection.execute(select(ErasedMember.member_id).where(ErasedMember.member_id.in_(members))).scalars())
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for item in submissions.values():
        if item["member_id"] in erased:
            continue
        halves = tuple(h for h in HALVES if h in item)
        if halves == HALVES:  # both halves at once: complete when inserted
            item["folded_at"] = now
        groups.setdefault(halves, []).append(item)
    return [row for halves, items in groups.items() for row in connection.execute(_upsert(halves, now), items)]


def _upsert(halves: tuple[str, ...], now: datetime):
    """Store the given halves; a row that is complete afterwards gets folded_at (and is returned with it)."""
    table = PendingSubmission.__table__
    missing = [h for h in HALVES if h not in halves]
    folding_now = literal(now, table.c.folded_at.type)
    statement = sqlite.insert(PendingSubmission)
    statement = statement.on_conflict_do_update(
        index_elements=["submission_id"],
        set_={
            **{h: statement.excluded[h] for h in halves},
            "folded_at": case((table.c[missing[0]].is_not(None), folding_now)) if missing else folding_now,
        },
        where=table.c.folded_at.is_(None),  # a folded submission never changes again
    )
    return statement.returning(
        table.c.submission_id, table.c.member_id, table.c.confirmed, table.c.classified, table.c.folded_at
    )
