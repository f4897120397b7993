"""Delivery against real aiosmtpd servers: TLS and login, one connection, suppression,
permanent and transient failures, a lease that ran out."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select, update

from services.notifications.models import FAILED, QUEUED, SENDING, SENT, SUPPRESSED, Email, Suppression
from shared.contracts.envelope import utcnow
from tests.integration.notifications.support import new_id, received


def _confirmations(harness, count: int, prefix: str = "member") -> list[str]:
    addresses = [f"{prefix}{i}@example.org" for i in range(count)]
    for address in addresses:
        harness.deliver("intake.submission.received.v1", received(new_id(), address))
    return addresses


def test_starttls_and_login_with_one_connection_for_all_batches(make_harness, make_sink, certificate):
    sink = make_sink(tls=certificate, login=("buurt", "geheim"))
    smtp = {**sink.env(), "BUURT_SMTP_USERNAME": "buurt", "BUURT_SMTP_PASSWORD": "geheim", "BUURT_SMTP_CA_FILE": certificate[0]}
    harness = make_harness(smtp=smtp, env={"BUURT_MAIL_BATCH_SIZE": "5"})
    _confirmations(harness, 12)
    report = harness.send()
    assert report.sent == 12 and len(sink.messages) == 12
    assert all(authenticated and encrypted for _peer, authenticated, encrypted in sink.sessions)
    assert len({peer for peer, _a, _e in sink.sessions}) == 1  # three batches, one connection


def test_implicit_tls(make_harness, make_sink, certificate):
    sink = make_sink(tls=certificate, implicit_tls=True)
    harness = make_harness(smtp={**sink.env(), "BUURT_SMTP_CA_FILE": certificate[0]})
    _confirmations(harness, 2)
    assert harness.send().sent == 2 and len(sink.messages) == 2


def test_an_untrusted_certificate_or_a_wrong_password_delays_mail_and_loses_none(make_harness, make_sink, certificate):
    sink = make_sink(tls=certificate, login=("buurt", "geheim"))
    harness = make_harness(smtp={**sink.env(), "BUURT_SMTP_USERNAME": "buurt", "BUURT_SMTP_PASSWORD": "fout"})
    _confirmations(harness, 3)
    assert harness.send().deferred == 3  # the system CAs do not know this certificate
    harness.reconfigure({"BUURT_SMTP_CA_FILE": certificate[0]})
    _release(harness)
    report = harness.send()
    assert report.deferred == 3 and "535" in report.errors[0]  # now the password is refused
    assert {e.state for e in harness.emails()} == {QUEUED} and not sink.messages
    harness.reconfigure({"BUURT_SMTP_PASSWORD": "geheim"})
    _release(harness)
    assert harness.send().sent == 3 and len(sink.messages) == 3


def _release(harness):
    """Make deferred rows due now instead of after their back-off."""
    with harness.uow() as uow:
        uow.session.execute(update(Email).where(Email.state == QUEUED).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        uow.commit()


def test_a_550_puts_the_address_on_the_suppression_list(harness, smtp_sink):
    smtp_sink.rejected.add("gone@example.org")
    _confirmations(harness, 1)  # someone else, who does get their e-mail
    harness.deliver("intake.submission.received.v1", received(new_id(), "gone@example.org"))
    report = harness.send()
    assert report.sent == 1 and report.suppressed == 1
    bounced = harness.emails(recipient="gone@example.org")[0]
    assert bounced.state == SUPPRESSED and "550" in bounced.last_error
    with harness.uow() as uow:
        assert len(uow.session.scalars(select(Suppression)).all()) == 1
    # Nothing more goes to it: a new message is suppressed without talking to the server.
    smtp_sink.rejected.clear()
    harness.deliver("intake.submission.received.v1", received(new_id(), "gone@example.org"))
    harness.send()
    later = harness.emails(recipient="gone@example.org")[1]
    assert later.state == SUPPRESSED and later.attempts == 0
    assert not smtp_sink.to("gone@example.org")


def test_other_permanent_refusals_are_marked_failed_with_the_reason(make_harness, make_sink):
    sink = make_sink()
    harness = make_harness(smtp=sink.env())
    sink.data_answers["member0@example.org"] = "554 5.6.0 Message content rejected"
    _confirmations(harness, 3)
    report = harness.send()
    assert report.failed == 1 and report.sent == 2
    failed = harness.emails(recipient="member0@example.org")[0]
    assert failed.state == FAILED and "554" in failed.last_error and "content rejected" in failed.last_error


def test_a_4xx_for_one_recipient_does_not_hold_up_the_others(make_harness, make_sink):
    sink = make_sink()
    harness = make_harness(smtp=sink.env())
    sink.data_answers["member0@example.org"] = "452 4.2.2 Mailbox full"
    _confirmations(harness, 4)
    report = harness.send()
    assert report.sent == 3 and report.deferred == 1
    waiting = harness.emails(recipient="member0@example.org")[0]
    assert waiting.state == QUEUED and waiting.attempts == 1 and waiting.next_attempt_at > utcnow()
    del sink.data_answers["member0@example.org"]
    _release(harness)
    assert harness.send().sent == 1
    assert len(sink.to("member0@example.org")) == 1


def test_a_row_whose_lease_ran_out_is_sent_again_with_the_same_message_id(harness, smtp_sink):
    _confirmations(harness, 1)
    row = harness.emails()[0]
    with harness.uow() as uow:  # a worker claimed it, then died before marking it
        uow.session.execute(update(Email).values(state=SENDING, attempts=1, next_attempt_at=utcnow() + timedelta(minutes=5)))
        uow.commit()
    assert harness.send().sent == 0
    with harness.uow() as uow:
        uow.session.execute(update(Email).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        uow.commit()
    assert harness.send().sent == 1
    assert smtp_sink.messages[0]["Message-ID"] == row.message_id
    assert harness.emails()[0].state == SENT


def test_the_send_rate_is_respected(make_harness, smtp_sink):
    harness = make_harness(env={"BUURT_SEND_RATE": "20"})
    _confirmations(harness, 10)
    started = time.monotonic()
    assert harness.send().sent == 10
    assert time.monotonic() - started >= 9 / 20


def test_several_connections_share_the_work_and_the_rate(make_harness, make_sink):
    sink = make_sink()
    harness = make_harness(smtp=sink.env(), env={"BUURT_SMTP_CONNECTIONS": "3", "BUURT_SEND_RATE": "40", "BUURT_MAIL_BATCH_SIZE": "10"})
    addresses = _confirmations(harness, 24)
    started = time.monotonic()
    assert harness.send().sent == 24
    assert time.monotonic() - started >= 23 / 40  # the rate holds for all connections together
    assert sorted(str(m["To"]) for m in sink.messages) == sorted(addresses)
    assert len({peer for peer, _a, _e in sink.sessions}) == 3  # kept open across three batches
    assert {e.state for e in harness.emails()} == {SENT}
