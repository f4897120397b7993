"""Webhook delivery to a real receiver on loopback, verified with the standardwebhooks library."""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.agenda.partners.models import DELIVERED, DISABLED, FAILED, PENDING, SENDING, Delivery, Subscription
from services.agenda.partners.signing import webhook_headers
from tests.integration.agenda_partners.conftest import Clock
from tests.support.infrastructure import wait_until


def _delivery(agenda, delivery_id) -> Delivery:
    with agenda.uow() as uow:
        delivery = uow.session.get(Delivery, delivery_id)
        delivery.attempt_log  # noqa: B018 - load before the session closes
        uow.session.expunge_all()
        return delivery


def test_every_delivery_is_signed_and_verifies(agenda, receiver):
    _, auth = agenda.register_partner()
    subscription = agenda.subscribe(auth, receiver.url())
    receiver.secrets = [subscription["secret"]]
    event, deliveries = agenda.publish(version=4)
    assert len(deliveries) == 1

    report = agenda.deliverer().deliver_due()

    assert report.delivered == 1
    assert [r.verdict for r in receiver.requests] == ["processed"]
    request = receiver.requests[0]
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert headers["webhook-id"] == event.id
    assert headers["content-type"].startswith("application/cloudevents+json")
    assert receiver.processed[0]["type"] == "agenda.agenda.published.v1"
    assert receiver.processed[0]["data"]["version"] == 4
    assert _delivery(agenda, deliveries[0].id).status == DELIVERED
    # Nothing left to send: a delivered event is never sent again.
    assert agenda.deliverer().deliver_due().delivered == 0
    assert len(receiver.requests) == 1


def test_a_stale_or_replayed_request_is_refused_by_the_receivers_verification(agenda, receiver):
    _, auth = agenda.register_partner()
    subscription = agenda.subscribe(auth, receiver.url())
    receiver.secrets = [subscription["secret"]]
    agenda.publish()
    agenda.deliverer().deliver_due()
    original = receiver.requests[0]

    # Someone who captured the request sends it again: the id was seen, so nothing happens twice.
    again = requests.post(receiver.url(), data=original.body, headers=original.headers, timeout=5)
    assert again.status_code == 200 and receiver.requests[-1].verdict == "duplicate"
    assert len(receiver.processed) == 1

    # A request signed ten minutes ago is outside the library's tolerance, whatever its id.
    body = original.body.decode()
    stale = webhook_headers("fresh-id", body, [subscription["secret"]], Clock().advance(minutes=-10))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(subscription["secret"]).verify(body, stale)
    response = requests.post(receiver.url(), data=body.encode(), headers=stale, timeout=5)
    assert response.status_code == 400 and receiver.requests[-1].verdict.startswith("refused")

    # A body changed on the way no longer matches its signature.
    tampered = body.replace('"version":3', '"version":30')
    fresh = webhook_headers("other-id", body, [subscription["secret"]], Clock().now)
    assert requests.post(receiver.url(), data=tampered.encode(), headers=fresh, timeout=5).status_code == 400
    assert len(receiver.processed) == 1


def test_a_receiver_that_fails_for_a_while_gets_every_event_once_after_it_recovers(agenda, receiver):
    _, auth = agenda.register_partner()
    receiver.secrets = [agenda.subscribe(auth, receiver.url())["secret"]]
    receiver.script = [(500, {})] * 7 + [(502, {}), (503, {})]
    events = [agenda.publish(version=v)[0] for v in (3, 4, 5)]
    clock = Clock()
    deliverer = agenda.deliverer(clock)

    for _ in range(12):  # each round: everything that is due, then move the clock past every back-off
        deliverer.deliver_due()
        clock.advance(hours=2)

    assert sorted(receiver.processed_ids()) == sorted(e.id for e in events)
    assert len(receiver.processed) == 3
    assert [r.verdict for r in receiver.requests].count("processed") == 3
    with agenda.uow() as uow:
        rows = uow.session.scalars(select(Delivery)).all()
        assert {r.status for r in rows} == {DELIVERED}
        assert sum(r.attempts for r in rows) == 3 + 9
        assert uow.session.scalars(select(Subscription)).one().failing_since is None


def test_back_off_grows_with_jitter_and_retries_last_longer_than_a_day(agenda, receiver):
    _, auth = agenda.register_partner()
    agenda.subscribe(auth, receiver.url())
    receiver.always = (500, {})
    _, (queued,) = agenda.publish()
    clock = Clock()
    start = clock.now
    deliverer = agenda.deliverer(clock)
    delays = []
    while True:
        deliverer.deliver_due()
        delivery = _delivery(agenda, queued.id)
        if delivery.status != PENDING:
            break
        delays.append((delivery.next_attempt_at - clock.now).total_seconds())
        clock.now = delivery.next_attempt_at

    settings = agenda.settings
    assert delivery.status == FAILED
    last_attempt = delivery.attempt_log[-1].attempted_at
    assert last_attempt - start >= timedelta(hours=24)
    assert last_attempt - start >= settings.retry_window
    for attempt, delay in enumerate(delays, 1):
        ceiling = min(settings.backoff_max_seconds, settings.backoff_initial_seconds * 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays)) == len(delays)  # jitter: no two waits alike
    assert delivery.attempt_log[-1].outcome == "gave_up"
    with agenda.uow() as uow:
        subscription = uow.session.scalars(select(Subscription)).one()
        uow.session.expunge_all()
    assert subscription.status == DISABLED and "longer than" in subscription.disabled_reason
    shown = agenda.client.get(f"/api/v1/partner/subscriptions/{subscription.id}", headers=auth).get_json()
    assert shown["status"] == "disabled" and "failing since" in shown["disabled_reason"]


def test_retry_after_is_honoured(agenda, receiver):
    _, auth = agenda.register_partner()
    receiver.secrets = [agenda.subscribe(auth, receiver.url())["secret"]]
    receiver.script = [(503, {"Retry-After": "120"}), (429, {"Retry-After": "2"})]
    _, (queued,) = agenda.publish()
    clock = Clock()
    deliverer = agenda.deliverer(clock, backoff_initial_seconds=600.0, backoff_max_seconds=600.0)

    deliverer.deliver_due()
    first = _delivery(agenda, queued.id)
    assert first.next_attempt_at == clock.now + timedelta(seconds=120)  # not the 5-10 minutes of back-off
    assert first.attempt_log[-1].retry_after_seconds == 120
    clock.advance(seconds=119)
    deliverer.deliver_due()
    assert len(receiver.requests) == 1  # not before the receiver asked
    clock.advance(seconds=1)
    deliverer.deliver_due()
    assert len(receiver.requests) == 2
    assert _delivery(agenda, queued.id).next_attempt_at == clock.now + timedelta(seconds=2)
    clock.advance(seconds=2)
    deliverer.deliver_due()
    assert [r.verdict for r in receiver.requests] == ["scripted", "scripted", "processed"]


def test_410_gone_disables_the_endpoint_and_tells_the_partner(agenda, receiver, caplog):
    _, auth = agenda.register_partner()
    subscription = agenda.subscribe(auth, receiver.url())
    receiver.secrets = [subscription["secret"]]
    receiver.script = [(410, {})]
    _, (first,) = agenda.publish(version=3)

    with caplog.at_level(logging.WARNING, logger="services.agenda.partners.delivery"):
        report = agenda.deliverer().deliver_due()

    assert report.disabled_subscriptions == [subscription["id"]]
    assert any(r.getMessage() == "webhook endpoint disabled" for r in caplog.records)
    shown = agenda.client.get(f"/api/v1/partner/subscriptions/{subscription['id']}", headers=auth).get_json()
    assert shown["status"] == "disabled" and "410" in shown["disabled_reason"]
    assert _delivery(agenda, first.id).status == FAILED
    # Nothing more goes to a disabled endpoint.
    _, queued = agenda.publish(version=4)
    assert queued == []
    agenda.deliverer().deliver_due()
    assert len(receiver.requests) == 1

    # The partner fixes its endpoint and turns it on again; the failed delivery can be replayed.
    enabled = agenda.client.post(f"/api/v1/partner/subscriptions/{subscription['id']}/enable", headers=auth)
    assert enabled.status_code == 200 and enabled.get_json()["status"] == "active"
    replay = agenda.client.post(f"/api/v1/partner/deliveries/{first.id}/replay", headers=auth)
    assert replay.status_code == 202
    agenda.deliverer().deliver_due()
    assert receiver.requests[-1].verdict == "processed"


def test_a_disabled_endpoint_keeps_what_was_waiting_until_it_is_enabled(agenda, receiver):
    _, auth = agenda.register_partner()
    subscription = agenda.subscribe(auth, receiver.url())
    receiver.secrets = [subscription["secret"]]
    receiver.script = [(500, {})]
    _, (waiting,) = agenda.publish(version=3)
    clock = Clock()
    deliverer = agenda.deliverer(clock)
    deliverer.deliver_due()  # 500: waits for a retry
    with agenda.uow() as uow:
        uow.session.get(Subscription, subscription["id"]).status = DISABLED
        uow.commit()
    clock.advance(hours=1)
    deliverer.deliver_due()
    assert len(receiver.requests) == 1
    assert agenda.client.post(f"/api/v1/partner/subscriptions/{subscription['id']}/enable", headers=auth).status_code == 200
    deliverer.clock = Clock()  # enabling made it due now, on the wall clock
    deliverer.deliver_due()
    assert receiver.processed_ids() == [_delivery(agenda, waiting.id).event_id]


def test_the_delivery_log_shows_attempts_and_any_delivery_can_be_replayed(agenda, receiver):
    _, auth = agenda.register_partner()
    _, other = agenda.register_partner("Andere partner")
    receiver.secrets = [agenda.subscribe(auth, receiver.url())["secret"]]
    receiver.script = [(500, {})]
    event, (queued,) = agenda.publish()
    clock = Clock()
    deliverer = agenda.deliverer(clock)
    deliverer.deliver_due()
    clock.advance(hours=1)
    deliverer.deliver_due()

    log = agenda.client.get("/api/v1/partner/deliveries", headers=auth).get_json()
    assert log["total"] == 1
    entry = log["deliveries"][0]
    assert entry["event_id"] == event.id and entry["status"] == "delivered"
    assert [a["status_code"] for a in entry["attempt_log"]] == [500, 200]
    assert [a["outcome"] for a in entry["attempt_log"]] == ["retry", "delivered"]
    assert agenda.client.get("/api/v1/partner/deliveries", headers=other).get_json()["total"] == 0
    assert agenda.client.get(f"/api/v1/partner/deliveries/{queued.id}", headers=other).status_code == 404
    assert agenda.client.post(f"/api/v1/partner/deliveries/{queued.id}/replay", headers=other).status_code == 404

    replay = agenda.client.post(f"/api/v1/partner/deliveries/{queued.id}/replay", headers=auth)
    assert replay.status_code == 202 and replay.get_json()["replays"] == 1
    twice = agenda.client.post(f"/api/v1/partner/deliveries/{queued.id}/replay", headers=auth)
    assert twice.status_code == 409  # still waiting to be sent
    agenda.deliverer().deliver_due()
    replayed = receiver.requests[-1]
    assert {k.lower(): v for k, v in replayed.headers.items()}["webhook-id"] == event.id
    assert replayed.verdict == "duplicate"  # same id: a receiver that de-duplicates sees it as one event
    shown = agenda.client.get(f"/api/v1/partner/deliveries/{queued.id}", headers=auth).get_json()
    assert len(shown["attempt_log"]) == 3 and shown["status"] == "delivered"
    filtered = agenda.client.get("/api/v1/partner/deliveries?status=failed", headers=auth).get_json()
    assert filtered["total"] == 0
    assert agenda.client.get("/api/v1/partner/deliveries?limit=0", headers=auth).status_code == 422


def test_a_rotated_secret_signs_beside_the_old_one_for_the_overlap(agenda, receiver):
    _, auth = agenda.register_partner()
    subscription = agenda.subscribe(auth, receiver.url())
    old = subscription["secret"]
    rotated = agenda.client.post(f"/api/v1/partner/subscriptions/{subscription['id']}/rotate-secret", headers=auth)
    new = rotated.get_json()["secret"]
    receiver.secrets = [old]  # a receiver not yet updated still accepts
    agenda.publish(version=3)
    agenda.deliverer().deliver_due()
    signatures = {k.lower(): v for k, v in receiver.requests[-1].headers.items()}["webhook-signature"].split(" ")
    assert len(signatures) == 2
    request = receiver.requests[-1]
    Webhook(new).verify(request.body, request.headers)
    Webhook(old).verify(request.body, request.headers)
    assert request.verdict == "processed"

    after_overlap = Clock()
    after_overlap.advance(hours=agenda.settings.secret_overlap.total_seconds() / 3600 + 1)
    agenda.publish(version=4)
    agenda.deliverer(after_overlap).deliver_due()
    request = receiver.requests[-1]
    assert request.verdict.startswith("refused")  # the old secret no longer signs
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert len(headers["webhook-signature"].split(" ")) == 1


def test_an_expired_lease_resends_with_the_same_id_and_a_delivered_event_is_never_resent(agenda, receiver):
    _, auth = agenda.register_partner()
    receiver.secrets = [agenda.subscribe(auth, receiver.url())["secret"]]
    event, (queued,) = agenda.publish()
    clock = Clock()
    deliverer = agenda.deliverer(clock)

    # A worker sends and dies before it records the answer: simulated by sending and not recording.
    (claim,) = deliverer._claim()
    deliverer.sender.send(
        claim.url, claim.body, {**webhook_headers(claim.event_id, claim.body, claim.secrets, clock.now)}
    )
    assert _delivery(agenda, queued.id).status == SENDING
    deliverer.deliver_due()
    assert len(receiver.requests) == 1  # the lease still holds: nobody else takes it
    clock.advance(seconds=agenda.settings.lease.total_seconds() + 1)
    deliverer.deliver_due()
    ids = [{k.lower(): v for k, v in r.headers.items()}["webhook-id"] for r in receiver.requests]
    assert ids == [event.id, event.id]
    assert [r.verdict for r in receiver.requests] == ["processed", "duplicate"]
    assert _delivery(agenda, queued.id).status == DELIVERED
    clock.advance(days=3)
    deliverer.deliver_due()
    assert len(receiver.requests) == 2


def test_concurrent_deliverers_send_each_event_once(agenda, receiver):
    """FOR UPDATE SKIP LOCKED: two workers share the due deliveries without overlap."""
    _, auth = agenda.register_partner()
    receiver.secrets = [agenda.subscribe(auth, receiver.url())["secret"]]
    events = [agenda.publish(version=v)[0] for v in range(1, 41)]
    deliverers = [agenda.deliverer(batch_size=3) for _ in range(3)]
    threads = [threading.Thread(target=d.deliver_due) for d in deliverers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(receiver.processed_ids()) == sorted(e.id for e in events)
    assert len(receiver.requests) == 40
    assert all(r.verdict == "processed" for r in receiver.requests)


def test_the_body_is_the_cloudevents_envelope_sent_byte_for_byte(agenda, receiver):
    _, auth = agenda.register_partner()
    receiver.secrets = [agenda.subscribe(auth, receiver.url())["secret"]]
    event, _ = agenda.publish()
    agenda.deliverer().deliver_due()
    assert receiver.requests[0].body.decode() == event.to_json()
    assert json.loads(receiver.requests[0].body)["specversion"] == "1.0"


def test_a_receiver_too_slow_to_answer_is_retried_with_the_same_id(agenda, receiver):
    """It processed the event but answered after our timeout: the retry is recognised as a repeat."""
    _, auth = agenda.register_partner()
    receiver.secrets = [agenda.subscribe(auth, receiver.url())["secret"]]
    receiver.slow_seconds = 2.0
    event, (queued,) = agenda.publish()
    clock = Clock()
    deliverer = agenda.deliverer(clock, timeout_seconds=0.5)

    deliverer.deliver_due()
    first = _delivery(agenda, queued.id)
    assert first.status == PENDING and first.attempt_log[0].error.startswith("timeout")
    clock.advance(minutes=5)
    deliverer.deliver_due()

    wait_until(lambda: len(receiver.requests) == 2, message="the slow request to finish")  # logged when answered
    assert sorted(r.verdict for r in receiver.requests) == ["duplicate", "processed"]
    assert receiver.processed_ids() == [event.id]
    assert _delivery(agenda, queued.id).status == DELIVERED
