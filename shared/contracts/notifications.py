"""Events published by notifications."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contracts.fields import Id, Timestamp


class EmailSentSchema(Schema):
    """An e-mail left for the mail server: for audit and metrics, so no address and no body."""

    email_id = Id(required=True)
    template = fields.String(required=True, validate=validate.Length(min=1, max=100))
    member_id = Id(load_default=None, allow_none=True)
    event_id = Id(required=True)
    sent_at = Timestamp(required=True)
