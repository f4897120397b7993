"""queue_webhook_deliveries: the hook the agenda's publish use case calls in its own transaction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from services.agenda.partners import handlers
from services.agenda.partners.models import Delivery
from shared.contracts.samples import sample
from tests.integration.agenda_partners.conftest import CURATOR
from tests.support.infrastructure import wait_until


def _count(agenda) -> int:
    with agenda.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Delivery))


def test_one_delivery_per_matching_active_subscription(agenda):
    _, auth = agenda.register_partner("A")
    partner_b, auth_b = agenda.register_partner("B")
    everything = agenda.subscribe(auth, "https://a.example/all")
    youth = agenda.subscribe(auth, "https://a.example/youth", themes=["jeugd-jongeren", "wonen"])
    green = agenda.subscribe(auth, "https://a.example/green", themes=["groen-natuur"])
    other_partner = agenda.subscribe(auth_b, "https://b.example/hook")

    _, queued = agenda.publish(themes=["jeugd-jongeren", "overlast"])
    assert {d.subscription_id for d in queued} == {everything["id"], youth["id"], other_partner["id"]}
    assert green["id"] not in {d.subscription_id for d in queued}

    _, queued = agenda.publish(version=4, themes=["groen-natuur"])
    assert {d.subscription_id for d in queued} == {everything["id"], green["id"], other_partner["id"]}

    # A switched-off partner gets nothing new.
    agenda.client.patch(f"/api/v1/curator/partners/{partner_b}", json={"active": False}, headers=CURATOR)
    _, queued = agenda.publish(version=5, themes=["wonen"])
    assert {d.subscription_id for d in queued} == {everything["id"], youth["id"]}


def test_deliveries_exist_only_if_the_publication_commits(agenda):
    _, auth = agenda.register_partner()
    agenda.subscribe(auth, "https://a.example/all")
    with agenda.uow() as uow:
        event = uow.publish("agenda.agenda.published.v1", subject="3", data=sample("agenda.agenda.published.v1"))
        assert len(handlers.queue_webhook_deliveries(uow, event)) == 1
        # the publish use case fails after this point: nothing is committed
    assert _count(agenda) == 0


def test_events_partners_may_not_see_are_never_queued(agenda):
    _, auth = agenda.register_partner()
    agenda.subscribe(auth, "https://a.example/all")
    with agenda.uow() as uow:
        event = uow.publish("agenda.erasure.completed.v1", subject="m", data=sample("agenda.erasure.completed.v1"))
        assert handlers.queue_webhook_deliveries(uow, event) == []
        uow.commit()
    assert _count(agenda) == 0


def test_the_worker_delivers_as_soon_as_a_publication_commits(make_platform, receiver):
    """The agenda worker's delivery job wakes on the publishing transaction's NOTIFY."""
    platform = make_platform(
        services=["agenda"],
        env={
            "BUURT_CURATOR_TOKEN": "t" * 40,
            "BUURT_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8,::1/128",
            "BUURT_WEBHOOK_DELIVERY_INTERVAL": "60",  # only the wake-up can make it quick
            "BUURT_WEBHOOK_BACKOFF_INITIAL": "0.2",
            "BUURT_WEBHOOK_BACKOFF_MAX": "0.5",
        },
    )
    agenda = platform["agenda"]
    client = agenda.client
    token = client.post("/api/v1/curator/partners", json={"name": "P"}, headers={"Authorization": "Bearer " + "t" * 40})
    auth = {"Authorization": f"Bearer {token.get_json()['api_token']}"}
    created = client.post(
        "/api/v1/partner/subscriptions",
        json={"url": receiver.url(), "event_types": ["agenda.agenda.published.v1"]},
        headers=auth,
    ).get_json()
    receiver.secrets = [created["secret"]]
    receiver.script = [(500, {}), (503, {})]

    with agenda.uow() as uow:
        event = uow.publish("agenda.agenda.published.v1", subject="3", data=sample("agenda.agenda.published.v1"))
        handlers.queue_webhook_deliveries(uow, event)
        uow.commit()

    wait_until(lambda: receiver.processed_ids() == [event.id], timeout=15, message="delivery after two failures")

    def attempts() -> list[int]:  # the receiver has it before the worker records the 200
        log = client.get("/api/v1/partner/deliveries", headers=auth).get_json()["deliveries"][0]
        return [a["status_code"] for a in log["attempt_log"]]

    wait_until(lambda: len(attempts()) == 3, timeout=10, message="the third attempt in the log")
    assert attempts() == [500, 503, 200]


def test_old_finished_deliveries_are_purged_and_waiting_ones_kept(agenda):
    _, auth = agenda.register_partner()
    agenda.subscribe(auth, "https://a.example/all")
    _, (done,) = agenda.publish(version=3)
    _, (waiting,) = agenda.publish(version=4)
    with agenda.uow() as uow:
        for delivery_id, status in ((done.id, "delivered"), (waiting.id, "pending")):
            row = uow.session.get(Delivery, delivery_id)
            row.status, row.created_at = status, row.created_at - timedelta(days=40)
        uow.commit()
    with agenda.uow() as uow:
        assert handlers.purge_delivery_log(uow, timedelta(days=30)) == 1
    with agenda.uow() as uow:
        assert [d.id for d in uow.session.scalars(select(Delivery))] == [waiting.id]
