"""Events as agenda receives them (validated by the contract), and a way to apply them."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from services.agenda import handlers
from services.agenda.erasure import erase_member
from services.agenda.settings import AgendaSettings
from shared.contracts.envelope import Event, isoformat, utcnow
from shared.contracts.registry import validate_incoming
from shared.contracts.samples import sample
from shared.db.inbox import first_deliveries

# (municipality, province) pairs from shared/data/gemeenten.csv
AMSTERDAM = ("GM0363", "PV27")
UTRECHT = ("GM0344", "PV26")
ROTTERDAM = ("GM0599", "PV28")
GRONINGEN = ("GM0014", "PV20")
ALMERE = ("GM0034", "PV24")


def _event(event_type: str, subject: str, data: dict) -> Event:
    event = Event(type=event_type, source="/" + event_type.split(".")[0], subject=subject, data=data)
    return replace(event, data=validate_incoming(event_type, data))


def submission(
    member_id: str | None = None,
    questions: list[tuple[str, list[str]]] = (("Hoe betrek je jongeren bij het plein?", ["jeugd-jongeren"]),),
    urgent: list[str] = (),
    place: tuple[str, str] = AMSTERDAM,
    role: str = "buurtmaker",
    days_ago: int = 0,
) -> tuple[Event, Event]:
    """(confirmed, classified) for one submission: each question with its themes, urgent-issue themes."""
    member_id = member_id or str(uuid.uuid4())
    submission_id = str(uuid.uuid4())
    moment = isoformat(utcnow() - timedelta(days=days_ago))
    confirmed = sample("intake.submission.confirmed.v1")
    confirmed.update(
        submission_id=submission_id,
        member_id=member_id,
        role=role,
        municipality_code=place[0],
        province_code=place[1],
        confirmed_at=moment,
        submitted_at=moment,
        learning_questions=[{"text_id": f"{submission_id}/q{i}", "text": q} for i, (q, _) in enumerate(questions, 1)],
    )
    confirmed["urgent_issues"] = {"text_id": f"{submission_id}/u", "text": "Overlast en zwerfvuil op het plein.", "themes": list(urgent)}
    texts = [
        {
            "text_id": f"{submission_id}/q{i}",
            "kind": "learning_question",
            "themes": [{"slug": s, "score": 0.9} for s in slugs],
            "needs_review": False,
        }
        for i, (_, slugs) in enumerate(questions, 1)
    ]
    if urgent:
        texts.append(
            {"text_id": f"{submission_id}/u", "kind": "urgent_issue", "themes": [{"slug": s, "score": 0.8} for s in urgent], "needs_review": False}
        )
    classified = sample("matching.submission.classified.v1")
    classified.update(submission_id=submission_id, member_id=member_id, texts=texts, member_themes=[])
    return (
        _event("intake.submission.confirmed.v1", submission_id, confirmed),
        _event("matching.submission.classified.v1", submission_id, classified),
    )


def erased(member_id: str) -> Event:
    data = sample("intake.member.erased.v1")
    data["member_id"] = member_id
    return _event("intake.member.erased.v1", member_id, data)


def apply(uow_factory, *events: Event, settings: AgendaSettings | None = None) -> None:
    for event in events:
        with uow_factory() as uow:
            _handle(uow, event, settings)


def apply_as_batch(uow_factory, *events: Event, settings: AgendaSettings | None = None) -> None:
    """The events as one batch of the kit's consumer: inbox rows and handlers in one transaction."""
    with uow_factory() as uow:
        with uow.holding_commits():
            for event, first in zip(events, first_deliveries(uow, "agenda", events), strict=True):
                if first:
                    _handle(uow, event, settings)
        uow.commit()


def _handle(uow, event: Event, settings: AgendaSettings | None) -> None:
    if event.type == "intake.submission.confirmed.v1":
        handlers.on_submission_confirmed(uow, event)
    elif event.type == "matching.submission.classified.v1":
        handlers.on_submission_classified(uow, event)
    else:
        erase_member(uow, event, settings)
