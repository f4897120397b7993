"""Request and response schemas of intake's JSON API."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from shared import reference
from shared.contracts.fields import LANGUAGES, ROLES

MAX_QUESTION = 500


class SubmissionRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=320))
    language = fields.String(load_default="nl", validate=validate.OneOf(LANGUAGES))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    municipality_code = fields.String(required=True)
    learning_questions = fields.List(
        fields.String(validate=validate.Length(min=1, max=MAX_QUESTION)),
        required=True,
        validate=validate.Length(min=1, max=5),
    )
    consent_contact = fields.Boolean(required=True)

    @validates("municipality_code")
    def _known_municipality(self, value: str, **_kwargs) -> None:
        if value.upper() not in reference.municipalities():
            raise ValidationError("Unknown municipality code; use a CBS code such as GM0363.")

    @validates("consent_contact")
    def _consent_given(self, value: bool, **_kwargs) -> None:
        if value is not True:
            raise ValidationError("Consent to be contacted is required.")


class SubmissionCreatedSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True)


class SubmissionStatusSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    confirmed_at = fields.AwareDateTime(allow_none=True)


class TokenQuerySchema(Schema):
    token = fields.String(required=True)
