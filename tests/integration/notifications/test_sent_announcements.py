"""Each sent e-mail is announced once (notifications.email.sent.v1, no address, no body),
in the same transaction that marks it sent; the kit's publish_many writes them in one go."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from shared.contracts.registry import ContractError
from tests.integration.notifications.support import new_id, received


def _outbox(harness, event_type="notifications.email.sent.v1"):
    with harness.uow() as uow:
        outbox = uow.tables.outbox
        return [json.loads(r.envelope) for r in uow.session.execute(select(outbox.c.envelope).where(outbox.c.event_type == event_type).order_by(outbox.c.seq))]


def test_every_sent_email_is_announced_once_without_personal_data(make_harness, smtp_sink):
    harness = make_harness(env={"BUURT_MAIL_MARK_EVERY": "4"})
    for i in range(10):
        harness.deliver("intake.submission.received.v1", received(new_id(), f"told{i}@example.org", "Tessa Told"))
    assert harness.send().sent == 10
    announced = _outbox(harness)
    rows = {e.id: e for e in harness.emails()}
    assert sorted(a["data"]["email_id"] for a in announced) == sorted(rows)
    assert len({a["id"] for a in announced}) == 10 and len({a["correlationid"] for a in announced}) == 10
    for envelope in announced:
        email = rows[envelope["data"]["email_id"]]
        assert envelope["subject"] == email.id and envelope["source"] == "/notifications"
        assert envelope["data"]["template"] == "confirmation" and envelope["data"]["member_id"] == email.member_id
        assert "example.org" not in json.dumps(envelope) and "Tessa" not in json.dumps(envelope)


def test_publish_many_checks_every_payload_and_the_producer(harness):
    good = {"email_id": new_id(), "template": "welcome", "member_id": None, "event_id": new_id(), "sent_at": "2026-11-28T10:00:00Z"}
    with harness.uow() as uow:
        with pytest.raises(ContractError):
            uow.publish_many("notifications.email.sent.v1", [("a", good), ("b", {**good, "template": ""})])
        with pytest.raises(ContractError):
            uow.publish_many("intake.member.erased.v1", [("a", {"member_id": "m", "erasure_id": "e", "erased_at": "2026-11-28T10:00:00Z"})])
        assert uow.publish_many("notifications.email.sent.v1", []) == []
        events = uow.publish_many("notifications.email.sent.v1", [("a", good), ("b", {**good, "email_id": new_id()})])
        uow.commit()
    assert [e.subject for e in events] == ["a", "b"]
    assert [a["id"] for a in _outbox(harness)] == [e.id for e in events]
