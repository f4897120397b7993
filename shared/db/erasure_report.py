"""The `<service>.erasure.completed.v1` report every consuming service sends intake once it
has removed an erased member's data."""

from __future__ import annotations

from shared.contracts.envelope import Event, isoformat, utcnow
from shared.db.uow import UnitOfWork


def report_erasure_completed(uow: UnitOfWork, erased: Event) -> Event:
    """Adds the report to this unit of work's outbox (the caller commits)."""
    member_id = erased.data["member_id"]
    return uow.publish(
        f"{uow.service}.erasure.completed.v1",
        subject=member_id,
        data={
            "service": uow.service,
            "member_id": member_id,
            "erasure_id": erased.data["erasure_id"],
            "completed_at": isoformat(utcnow()),
        },
        causation=erased,
    )
