"""Through the real broker: a partner's own queue on agenda.events receives what a curator
publishes, and agenda's worker applies intake.member.erased.v1 from its inbox."""

from __future__ import annotations

import json

from kombu import Connection, Exchange, Queue

from shared.contracts.envelope import CONTENT_TYPE, Event
from shared.contracts.registry import validate_incoming
from shared.contracts.samples import sample
from tests.integration.agenda.feeding import apply, submission
from tests.support.infrastructure import wait_until

CURATOR = {"Authorization": "Bearer " + "c" * 40}


def test_a_partner_queue_receives_the_version_a_curator_publishes_and_erasure_flows_through_the_inbox(make_platform, vhost):
    amqp_url, _ = vhost
    platform = make_platform(services=["agenda"], env={"BUURT_CURATOR_TOKEN": "c" * 40})
    agenda = platform["agenda"]
    for i in range(5):
        apply(agenda.uow, *submission(member_id=f"m-{i}", questions=[("Hoe maak je een buurtpreventie-app?", ["veiligheid-criminaliteit"])]))

    received: list[dict] = []
    with Connection(amqp_url) as connection:
        exchange = Exchange("agenda.events", type="topic", durable=True)
        queue = Queue("partner-test.agenda", exchange, routing_key="agenda.agenda.published.v1", durable=True)
        with connection.Consumer(queue, callbacks=[lambda body, message: (received.append(body), message.ack())], accept=["json", "application/cloudevents+json"]):
            draft = agenda.client.post("/api/v1/curator/drafts", headers=CURATOR).get_json()
            published = agenda.client.post(f"/api/v1/curator/drafts/{draft['id']}/publish", headers=CURATOR)
            assert published.status_code == 201

            def arrived():
                try:
                    connection.drain_events(timeout=0.5)
                except TimeoutError:
                    pass
                return received

            wait_until(arrived, timeout=20, message="the partner's copy of the published version")
    body = received[0]
    event = Event.from_dict(body if isinstance(body, dict) else json.loads(body))
    data = validate_incoming(event.type, event.data)
    assert event.type == "agenda.agenda.published.v1" and data["version"] == 1
    assert [t["slug"] for t in data["themes"]] == ["veiligheid-criminaliteit"]
    assert data["themes"][0]["representative_questions"][0]["text"] == "Hoe maak je een buurtpreventie-app?"

    # intake announces an erasure on its exchange; agenda's worker applies it from agenda.inbox.
    with Connection(amqp_url) as connection:
        event = Event(type="intake.member.erased.v1", source="/intake", subject="m-0", data={**sample("intake.member.erased.v1"), "member_id": "m-0"})
        connection.Producer().publish(
            event.to_json(),
            exchange=Exchange("intake.events", type="topic", durable=True),
            routing_key=event.type,
            content_type=CONTENT_TYPE,
            message_id=event.id,
            retry=True,
        )

    def completed():
        with agenda.uow() as uow:
            outbox = uow.tables.outbox
            return uow.session.execute(outbox.select().where(outbox.c.event_type == "agenda.erasure.completed.v1")).first()

    wait_until(completed, timeout=20, message="agenda.erasure.completed.v1")
    live = agenda.client.get("/api/v1/agenda").get_json()["themes"]
    assert next(t for t in live if t["slug"] == "veiligheid-criminaliteit")["suppressed"]  # 4 members left
