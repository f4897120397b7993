from __future__ import annotations

from shared.messaging.topology import Topology


def test_inbox_is_a_quorum_queue_bound_to_exactly_the_handled_types():
    topology = Topology("agenda", consumes=("matching.submission.classified.v1", "intake.submission.confirmed.v1"))
    inbox = topology.inbox()
    assert inbox.name == "agenda.inbox"
    assert inbox.queue_arguments["x-queue-type"] == "quorum"
    assert inbox.queue_arguments["x-delivery-limit"] == 5
    assert inbox.queue_arguments["x-dead-letter-routing-key"] == "agenda.dlq"
    assert {(b.exchange.name, b.routing_key) for b in inbox.bindings} == {
        ("intake.events", "intake.submission.confirmed.v1"),
        ("matching.events", "matching.submission.classified.v1"),
    }


def test_retry_queues_hold_messages_for_their_delay_then_return_them_to_the_inbox():
    topology = Topology("matching", consumes=("intake.member.erased.v1",), retry_delays=(1.0, 30.0))
    first, second = topology.retry_queues()
    assert first.queue_arguments["x-message-ttl"] == 1000
    assert second.queue_arguments["x-message-ttl"] == 30000
    assert first.queue_arguments["x-dead-letter-routing-key"] == "matching.inbox"
    assert topology.retry_name(0) == first.name
    assert topology.retry_name(7) == second.name  # the last step repeats


def test_memory_transport_gets_the_same_queues_without_broker_arguments():
    topology = Topology("matching", consumes=("intake.member.erased.v1",), broker_features=False)
    assert [q.name for q in topology.queues()][:2] == ["matching.inbox", "matching.retry.1000ms"]
    assert all(not q.queue_arguments for q in topology.queues())


def test_events_nobody_consumes_are_kept_routable_in_a_bounded_audit_queue():
    topology = Topology("notifications", consumes=("intake.submission.received.v1",))
    audit = topology.audit()
    assert audit is not None
    assert [b.routing_key for b in audit.bindings] == ["notifications.email.sent.v1"]
    assert audit.queue_arguments["x-overflow"] == "drop-head"
    assert Topology("matching", consumes=()).audit() is None
