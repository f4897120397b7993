"""The join of confirmed and classified halves, staged per transaction and written as it commits.

Handlers only stage what an event brings (no database round trip); just before the unit of
work commits, the halves of all staged submissions are upserted together, and those that
are now complete are folded into the counters (``folding.fold_rows``). A consumer batch of
20 events thus costs four statements in all, whichever order the halves arrive in.

The upsert is what decides completeness: ``ON CONFLICT DO UPDATE ... RETURNING`` gives the
row as it is after the update, under its row lock, so when two workers store the two halves
at the same time, the later one sees both and folds; a submission already folded is never
changed again (erasure subtracts exactly what was folded). Halves of members erased here are
dropped. Whoever reads the counters in the same transaction calls ``write_staged`` first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.agenda.folding import fold_rows
from services.agenda.models import ErasedMember, PendingSubmission
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
    session.flush()
    connection = session.connection()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    members = {m for halves in staged.halves.values() for m, _ in halves.values()}
    erased = set(connection.execute(select(ErasedMember.member_id).where(ErasedMember.member_id.in_(members))).scalars())
    rows: dict[str, Any] = {}
    for half in HALVES:
        items = [
            {"submission_id": sid, "member_id": member_id, half: content}
            for sid, (member_id, content) in staged.halves[half].items()
            if member_id not in erased
        ]
        if not items:
            continue
        statement = insert(PendingSubmission)
        statement = statement.on_conflict_do_update(
            index_elements=["submission_id"],
            set_={half: statement.excluded[half]},
            where=PendingSubmission.folded_at.is_(None),
        ).returning(
            PendingSubmission.submission_id,
            PendingSubmission.member_id,
            PendingSubmission.confirmed,
            PendingSubmission.classified,
            PendingSubmission.folded_at,
        )
        for row in connection.execute(statement, items):
            rows[row.submission_id] = row  # the later half's answer holds both
    fold_rows(connection, [r for r in rows.values() if r.confirmed is not None and r.classified is not None and r.folded_at is None])
