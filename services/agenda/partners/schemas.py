"""Request and response schemas of the curator and partner APIs."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from shared.contracts.fields import ThemeSlug
from shared.contracts.registry import CONTRACTS

MAX_URL = 2000


def partner_facing_type(value: str) -> None:
    # Checked against the registry when validating, so a new partner-facing type needs no change here.
    contract = CONTRACTS.get(value)
    if contract is None or not contract.partner_facing:
        allowed = ", ".join(partner_facing_types())
        raise ValidationError(f"{value!r} is not an event type partners can subscribe to (choose from: {allowed}).")


def partner_facing_types() -> list[str]:
    return sorted(t for t, c in CONTRACTS.items() if c.partner_facing)


def partner_event_type_field(**kwargs) -> fields.String:
    """An event type partners may subscribe to; documented as an enum of today's types."""
    return fields.String(validate=partner_facing_type, metadata={"enum": partner_facing_types()}, **kwargs)


# -- curator ------------------------------------------------------------------------------


class PartnerRequestSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    contact_email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=320))


class PartnerActiveSchema(Schema):
    active = fields.Boolean(required=True)


class PartnerSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    contact_email = fields.String(allow_none=True)
    active = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    subscriptions = fields.Integer(metadata={"description": "Number of webhook subscriptions"})
    disabled_subscriptions = fields.Integer(metadata={"description": "Subscriptions disabled after failures"})


class PartnerListSchema(Schema):
    partners = fields.List(fields.Nested(PartnerSchema), required=True)


class PartnerTokenSchema(Schema):
    partner = fields.Nested(PartnerSchema, required=True)
    api_token = fields.String(
        required=True, metadata={"description": "Bearer token for the partner API. Shown only now; store it safely."}
    )


# -- partner ------------------------------------------------------------------------------


class EventTypeSchema(Schema):
    type = fields.String(required=True)
    summary = fields.String(required=True)


class EventTypeListSchema(Schema):
    event_types = fields.List(fields.Nested(EventTypeSchema), required=True)
    asyncapi = fields.String(required=True, metadata={"description": "Where the AsyncAPI document of these events is"})


class SubscriptionRequestSchema(Schema):
    url = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_URL),
        metadata={"description": "Your webhook endpoint; https only (the platform refuses private and internal addresses)"},
    )
    event_types = fields.List(
        partner_event_type_field(), required=True, validate=validate.Length(min=1, max=20)
    )
    themes = fields.List(
        ThemeSlug(),
        load_default=list,
        validate=validate.Length(max=16),
        metadata={"description": "Only events about one of these themes; empty for all"},
    )
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class SubscriptionUpdateSchema(Schema):
    url = fields.String(validate=validate.Length(min=1, max=MAX_URL))
    event_types = fields.List(partner_event_type_field(), validate=validate.Length(min=1, max=20))
    themes = fields.List(ThemeSlug(), validate=validate.Length(max=16))
    description = fields.String(allow_none=True, validate=validate.Length(max=500))


class SubscriptionSchema(Schema):
    id = fields.String(required=True)
    url = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    themes = fields.List(fields.String(), required=True)
    description = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"description": "active, or disabled (see disabled_reason)"})
    disabled_reason = fields.String(allow_none=True)
    disabled_at = fields.AwareDateTime(allow_none=True)
    failing_since = fields.AwareDateTime(allow_none=True, metadata={"description": "First failure since the last success"})
    previous_secret_valid_until = fields.AwareDateTime(
        allow_none=True, attribute="previous_secret_until", metadata={"description": "The old secret signs too until then"}
    )
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class SubscriptionWithSecretSchema(SubscriptionSchema):
    secret = fields.String(
        required=True,
        metadata={"description": "Signing secret (whsec_...). Shown only at creation and rotation."},
    )


class SubscriptionListSchema(Schema):
    subscriptions = fields.List(fields.Nested(SubscriptionSchema), required=True)


class AttemptSchema(Schema):
    attempted_at = fields.AwareDateTime(required=True)
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer(required=True)
    retry_after_seconds = fields.Integer(allow_none=True)
    outcome = fields.String(required=True, metadata={"description": "delivered, retry, gave_up, gone or superseded"})


class DeliverySchema(Schema):
    id = fields.String(required=True)
    subscription_id = fields.String(required=True)
    event_id = fields.String(required=True, metadata={"description": "Also the webhook-id header"})
    event_type = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "pending, sending, delivered or failed"})
    attempts = fields.Integer(required=True)
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    replays = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)
    delivered_at = fields.AwareDateTime(allow_none=True)
    attempt_log = fields.List(fields.Nested(AttemptSchema), data_key="attempt_log", required=True)


class DeliveryListSchema(Schema):
    deliveries = fields.List(fields.Nested(DeliverySchema), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


class DeliveryQuerySchema(Schema):
    subscription_id = fields.String()
    status = fields.String(validate=validate.OneOf(("pending", "sending", "delivered", "failed")))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))
