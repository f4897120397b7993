"""The contract registry: every event type, who produces it, who consumes it, and its schema.

Producers validate strictly before an event reaches the outbox; consumers validate
tolerantly (unknown fields are ignored) before they act, so a producer may add fields
to a v1 event without breaking anyone. A breaking change is a new type (``.v2``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError

from shared.contracts import agenda, intake, matching, notifications
from shared.contracts.fields import ErasureCompletedSchema


class ContractError(ValueError):
    """A payload does not match its event type's schema, or the type is unknown."""

    def __init__(self, event_type: str, messages: Any):
        super().__init__(f"{event_type}: {messages}")
        self.event_type = event_type
        self.messages = messages


@dataclass(frozen=True)
class Contract:
    type: str
    schema: type[Schema]
    consumers: tuple[str, ...]
    partner_facing: bool = False

    @property
    def producer(self) -> str:
        return self.type.split(".", 1)[0]

    @property
    def summary(self) -> str:
        return (self.schema.__doc__ or "").strip().splitlines()[0]


_CONTRACTS = (
    Contract("intake.submission.received.v1", intake.SubmissionReceivedSchema, ("notifications",)),
    Contract(
        "intake.submission.confirmed.v1",
        intake.SubmissionConfirmedSchema,
        ("matching", "agenda", "notifications"),
    ),
    Contract(
        "intake.member.erased.v1",
        intake.MemberErasedSchema,
        ("matching", "notifications", "agenda"),
    ),
    Contract(
        "matching.submission.classified.v1",
        matching.SubmissionClassifiedSchema,
        ("agenda", "notifications"),
    ),
    Contract("matching.peers.suggested.v1", matching.PeersSuggestedSchema, ("notifications",)),
    Contract("matching.erasure.completed.v1", ErasureCompletedSchema, ("intake",)),
    Contract("notifications.email.sent.v1", notifications.EmailSentSchema, ()),
    Contract("notifications.erasure.completed.v1", ErasureCompletedSchema, ("intake",)),
    Contract(
        "agenda.agenda.published.v1",
        agenda.AgendaPublishedSchema,
        ("notifications",),
        partner_facing=True,
    ),
    Contract("agenda.erasure.completed.v1", ErasureCompletedSchema, ("intake",)),
)

CONTRACTS: dict[str, Contract] = {c.type: c for c in _CONTRACTS}


def contract(event_type: str) -> Contract:
    try:
        return CONTRACTS[event_type]
    except KeyError:
        raise ContractError(event_type, "unknown event type") from None


def consumed_by(service: str) -> list[str]:
    """The event types a service is meant to consume, by the registry."""
    return [c.type for c in _CONTRACTS if service in c.consumers]


def produced_by(service: str) -> list[str]:
    return [c.type for c in _CONTRACTS if c.producer == service]


@cache
def _schema(event_type: str, unknown: str) -> Schema:
    # One instance per type and mode, made on first use: a marshmallow schema keeps no state
    # between loads, and building one (it deep-copies its fields) costs more than the check.
    return contract(event_type).schema(unknown=unknown)


def validate_outgoing(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """Strict check for producers; returns the payload in its canonical JSON form."""
    schema = _schema(event_type, RAISE)
    try:
        return schema.dump(schema.load(data))
    except ValidationError as exc:
        raise ContractError(event_type, exc.messages) from exc


def validate_incoming(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """Tolerant check for consumers; returns typed values (datetimes, not strings)."""
    schema = _schema(event_type, EXCLUDE)
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ContractError(event_type, exc.messages) from exc
