"""Every event type round-trips through its schema, and the registry describes the platform."""

from __future__ import annotations

import pytest

from shared.contracts.asyncapi import asyncapi_document
from shared.contracts.envelope import Event
from shared.contracts.registry import CONTRACTS, ContractError, consumed_by, validate_incoming, validate_outgoing
from shared.contracts.samples import sample, sample_types

ALL_TYPES = sorted(CONTRACTS)


def test_every_event_type_has_a_sample():
    assert sorted(sample_types()) == ALL_TYPES


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_sample_round_trips_through_envelope_and_schema(event_type):
    produced = validate_outgoing(event_type, sample(event_type))
    event = Event(type=event_type, source=f"/{CONTRACTS[event_type].producer}", subject="s-1", data=produced)

    received = Event.from_json(event.to_json().encode())
    consumed = validate_incoming(received.type, received.data)

    assert received == event
    assert validate_outgoing(event_type, consumed) == produced


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_producer_refuses_missing_and_unknown_fields(event_type):
    data = sample(event_type)
    first_required = next(name for name, f in CONTRACTS[event_type].schema().fields.items() if f.required)
    del data[first_required]
    with pytest.raises(ContractError) as missing:
        validate_outgoing(event_type, data)
    assert first_required in missing.value.messages

    with pytest.raises(ContractError) as unknown:
        validate_outgoing(event_type, {**sample(event_type), "surprise": 1})
    assert "surprise" in unknown.value.messages


def test_consumer_tolerates_fields_added_by_a_newer_producer():
    data = {**sample("intake.member.erased.v1"), "reason": "requested by member"}
    assert "reason" not in validate_incoming("intake.member.erased.v1", data)


def test_unknown_theme_slug_is_refused():
    data = sample("matching.submission.classified.v1")
    data["member_themes"] = ["not-a-theme"]
    with pytest.raises(ContractError):
        validate_outgoing("matching.submission.classified.v1", data)


def test_unknown_event_type_is_refused():
    with pytest.raises(ContractError):
        validate_outgoing("intake.submission.exploded.v1", {})


def test_each_service_consumes_what_the_design_says():
    assert consumed_by("intake") == [
        "matching.erasure.completed.v1",
        "notifications.erasure.completed.v1",
        "agenda.erasure.completed.v1",
    ]
    assert set(consumed_by("matching")) == {"intake.submission.confirmed.v1", "intake.member.erased.v1"}
    assert set(consumed_by("agenda")) == {
        "intake.submission.confirmed.v1",
        "intake.member.erased.v1",
        "matching.submission.classified.v1",
    }


def test_asyncapi_document_lists_every_event_with_its_payload_schema():
    document = asyncapi_document()
    assert document["asyncapi"].startswith("3.")
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == set(ALL_TYPES)
    for message in document["components"]["messages"].values():
        envelope = document["components"]["schemas"][message["payload"]["$ref"].rsplit("/", 1)[1]]
        data_ref = envelope["properties"]["data"]["$ref"].rsplit("/", 1)[1]
        assert document["components"]["schemas"][data_ref]["properties"]


def test_partner_document_holds_only_partner_facing_events():
    document = asyncapi_document(partner_facing_only=True)
    assert {c["address"] for c in document["channels"].values()} == {"agenda.agenda.published.v1"}
