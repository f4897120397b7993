"""Agenda's use cases for incoming events: plain functions over a unit of work (no Flask, no kombu).

Confirmed and classified events of a submission may arrive in either order: the first is kept
in ``submissions`` and the second completes it, which folds it into the live counters.
"""

from __future__ import annotations

from datetime import datetime

from services.agenda import folding
from services.agenda.models import ErasedMember, PendingSubmission
from services.agenda.scrubbing import scrub
from shared.contracts.envelope import Event
from shared.db.uow import UnitOfWork


def _pending(uow: UnitOfWork, submission_id: str, member_id: str) -> PendingSubmission | None:
    """The join row of a submission; None when its member was erased here before it arrived."""
    if uow.session.get(ErasedMember, member_id) is not None:
        return None
    row = uow.session.get(PendingSubmission, submission_id, with_for_update=True)
    if row is None:
        row = PendingSubmission(submission_id=submission_id, member_id=member_id)
        uow.session.add(row)
    return row


def on_submission_confirmed(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    row = _pending(uow, data["submission_id"], data["member_id"])
    if row is not None:
        # Only what the agenda shows or counts, scrubbed; no name, e-mail or organisation.
        texts = {q["text_id"]: scrub(q["text"]) for q in data["learning_questions"]}
        row.confirmed = {
            "role": data["role"],
            "municipality_code": data["municipality_code"],
            "province_code": data["province_code"],
            "confirmed_on": _day(data["confirmed_at"]),
            "texts": texts,
        }
        _fold_if_complete(uow, row)
    uow.commit()


def on_submission_classified(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    row = _pending(uow, data["submission_id"], data["member_id"])
    if row is not None:
        row.classified = {
            "texts": [
                {"text_id": t["text_id"], "kind": t["kind"], "themes": [th["slug"] for th in t["themes"]]}
                for t in data["texts"]
                if t["kind"] != "expertise"
            ]
        }
        _fold_if_complete(uow, row)
    uow.commit()


def _day(moment: datetime | str) -> str:
    """The day of a timestamp (typed by the contract, or its ISO text when called directly)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.date().isoformat()


def _fold_if_complete(uow: UnitOfWork, row: PendingSubmission) -> None:
    if row.folded_at is None and row.confirmed is not None and row.classified is not None:
        uow.session.flush()  # the row exists before the counters refer to it
        folding.fold(uow, row)
