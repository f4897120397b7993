"""Agenda's use cases for incoming events: plain functions over a unit of work (no Flask, no kombu).

Confirmed and classified events of a submission may arrive in either order. Each handler
stages its half; when the unit of work commits, the halves are joined in ``submissions`` and
every submission that is now complete is folded into the live counters (see staging.py).
"""

from __future__ import annotations

from datetime import datetime

from services.agenda import staging
from services.agenda.scrubbing import scrub
from shared.contracts.envelope import Event
from shared.db.uow import UnitOfWork


def on_submission_confirmed(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    # Only what the agenda shows or counts, scrubbed; no name, e-mail or organisation.
    staging.stage(
        uow,
        "confirmed",
        data["submission_id"],
        data["member_id"],
        {
            "role": data["role"],
            "municipality_code": data["municipality_code"],
            "province_code": data["province_code"],
            "confirmed_on": _day(data["confirmed_at"]),
            "texts": {q["text_id"]: scrub(q["text"]) for q in data["learning_questions"]},
        },
    )
    uow.commit()


def on_submission_classified(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    staging.stage(
        uow,
        "classified",
        data["submission_id"],
        data["member_id"],
        {
            "texts": [
                {"text_id": t["text_id"], "kind": t["kind"], "themes": [th["slug"] for th in t["themes"]]}
                for t in data["texts"]
                if t["kind"] != "expertise"
            ]
        },
    )
    uow.commit()


def _day(moment: datetime | str) -> str:
    """The day of a timestamp (typed by the contract, or its ISO text when called directly)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.date().isoformat()
