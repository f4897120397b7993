"""Dead letters can be listed with their reasons and sent back once the cause is fixed."""

from __future__ import annotations

from kombu import Connection

from shared.contracts.envelope import Event
from shared.messaging.consumer import PermanentError
from shared.messaging.dead_letters import list_dead_letters, requeue_dead_letters
from tests.support.infrastructure import wait_until
from tests.support.kit import ERASED, RunningConsumer, effect_count, erased_event, kit_factory, publish_raw, record_effect


def test_list_shows_each_dead_letter_with_its_reason_and_leaves_them_in_place(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("matching", blank_database)
    with RunningConsumer(amqp_url, factory, record_effect) as running:
        publish_raw(amqp_url, b"garbage", message_id="bad-json")
        publish_raw(amqp_url, Event(type=ERASED, source="/intake", subject="m", data={}).to_json(), message_id="bad-schema")
        wait_until(lambda: len(running.outcomes) == 2, message="two dead letters")

    with Connection(amqp_url) as connection:
        first = list_dead_letters(connection, "matching")
        second = list_dead_letters(connection, "matching")
    reasons = {d.message_id: d.reason for d in first}
    assert set(reasons) == {"bad-json", "bad-schema"}
    assert "not valid JSON" in reasons["bad-json"]
    assert "schema violation" in reasons["bad-schema"]
    assert {d.message_id for d in second} == set(reasons)  # listing took nothing away
    assert {d.event_type for d in first} == {ERASED}  # from the body, or the original routing key


def test_requeue_sends_a_dead_letter_back_through_the_inbox_once_the_handler_is_fixed(blank_database, vhost):
    amqp_url, _ = vhost
    factory = kit_factory("matching", blank_database)
    broken = {"yes": True}

    def handler(uow, event):
        if broken["yes"]:
            raise PermanentError("member unknown")
        record_effect(uow, event)

    event, other = erased_event("m-1"), erased_event("m-2")
    with RunningConsumer(amqp_url, factory, handler) as running:
        publish_raw(amqp_url, event.to_json(), message_id=event.id)
        publish_raw(amqp_url, other.to_json(), message_id=other.id)
        wait_until(lambda: len(running.outcomes) == 2, message="both dead-lettered")
        broken["yes"] = False  # the bug is fixed and deployed

        with Connection(amqp_url) as connection:
            assert requeue_dead_letters(connection, "matching", [event.id]) == 1
        wait_until(lambda: effect_count(factory, event.id) == 1, message="the requeued event to be applied")

        with Connection(amqp_url) as connection:
            assert [d.message_id for d in list_dead_letters(connection, "matching")] == [other.id]
            assert requeue_dead_letters(connection, "matching") == 1
        wait_until(lambda: effect_count(factory, other.id) == 1, message="the rest to be applied")

    with Connection(amqp_url) as connection:
        assert list_dead_letters(connection, "matching") == []
