"""Through RabbitMQ and the real worker: duplicates make one e-mail, a mail server that is
away for a while delays mail and loses none, and events in any order all arrive."""

from __future__ import annotations

import threading

from sqlalchemy import select

from services.notifications.models import SENT, Email
from shared.messaging.connection import make_connection
from shared.messaging.publisher import Publisher
from shared.messaging.topology import events_exchange
from tests.integration.notifications.support import classified, confirmed, event, new_id, received
from tests.support.infrastructure import wait_until

FAST_RETRIES = {"BUURT_MAIL_RETRY_BASE": "0.2", "BUURT_MAIL_RETRY_MAX": "1", "BUURT_SEND_RATE": "1000"}


class Outcomes:
    """Counts what the consumer did with each delivery."""

    def __init__(self, service):
        self.seen: list[str] = []
        self.lock = threading.Lock()
        original = service.worker.consumer.on_outcome

        def record(consumer, outcome):
            with self.lock:
                self.seen.append(outcome.status)
            if original:
                original(consumer, outcome)

        service.worker.consumer.on_outcome = record


def _publisher(platform):
    return Publisher(make_connection(platform["notifications"].runtime.settings.amqp_url))


def _publish(publisher, raw):
    publisher.publish(raw.to_json(), exchange=events_exchange(raw.source.strip("/")), routing_key=raw.type, message_id=raw.id)


def _emails(service) -> list[Email]:
    with service.uow() as uow:
        rows = list(uow.session.scalars(select(Email)))
        uow.session.expunge_all()
        return rows


def test_the_same_event_delivered_three_times_gives_one_email(make_platform, smtp_sink):
    platform = make_platform(services=("notifications",), env={**smtp_sink.env(), **FAST_RETRIES})
    outcomes = Outcomes(platform["notifications"])
    publisher = _publisher(platform)
    once = event("intake.submission.received.v1", received(new_id(), "thrice@example.org"))
    for _ in range(3):
        _publish(publisher, once)
    wait_until(lambda: len(outcomes.seen) == 3, timeout=20, message="three deliveries handled")
    assert sorted(outcomes.seen) == ["applied", "duplicate", "duplicate"]
    wait_until(lambda: smtp_sink.to("thrice@example.org"), timeout=10, message="the e-mail")
    # A resend is a new event: a new e-mail. Then nothing more arrives.
    data = {**once.data, "resend": True}
    _publish(publisher, event("intake.submission.received.v1", data))
    wait_until(lambda: len(smtp_sink.to("thrice@example.org")) == 2, timeout=10, message="the resent e-mail")
    wait_until(lambda: all(e.state == SENT for e in _emails(platform["notifications"])), timeout=10, message="rows marked sent")
    assert len(smtp_sink.messages) == 2
    publisher.close()


def test_a_mail_server_away_for_a_while_delays_mail_and_loses_none(make_platform, smtp_sink):
    platform = make_platform(services=("notifications",), env={**smtp_sink.env(), **FAST_RETRIES})
    service = platform["notifications"]
    publisher = _publisher(platform)
    smtp_sink.stop()
    addresses = [f"patient{i}@example.org" for i in range(20)]
    for address in addresses:
        _publish(publisher, event("intake.submission.received.v1", received(new_id(), address)))
    # Every message is tried and deferred, some more than once, while the server is away.
    wait_until(
        lambda: len(rows := _emails(service)) == 20 and all(e.attempts >= 2 and e.state == "queued" for e in rows),
        timeout=30,
        message="every message retried while the server is down",
    )
    smtp_sink.start()
    smtp_sink.transient_failures = 3  # and it is shaky for a moment after coming back
    wait_until(lambda: all(e.state == SENT for e in _emails(service)), timeout=30, message="every message sent")
    assert sorted(str(m["To"]) for m in smtp_sink.messages) == sorted(addresses)
    assert len({m["Message-ID"] for m in smtp_sink.messages}) == 20
    publisher.close()


def test_classified_before_confirmed_before_received_still_welcomes_once(make_platform, smtp_sink):
    platform = make_platform(services=("notifications",), env={**smtp_sink.env(), **FAST_RETRIES})
    outcomes = Outcomes(platform["notifications"])
    publisher = _publisher(platform)
    member = new_id()
    for raw in (
        event("matching.submission.classified.v1", classified(member, ["jeugd-jongeren"])),
        event("intake.submission.confirmed.v1", confirmed(member, "late@example.org", "Lia Laat")),
        event("intake.submission.received.v1", received(member, "late@example.org", "Lia Laat")),
    ):
        _publish(publisher, raw)
        wait_until(lambda n=len(outcomes.seen): len(outcomes.seen) > n, timeout=20, message=f"{raw.type} handled")
    wait_until(lambda: len(smtp_sink.to("late@example.org")) == 2, timeout=20, message="welcome and confirmation")
    subjects = sorted(str(m["Subject"]) for m in smtp_sink.to("late@example.org"))
    assert subjects[0].startswith("Bevestig") and subjects[1].startswith("Welkom")
    publisher.close()
