"""Response and query schemas of intake's JSON API (the request body is services.intake.validation)."""

from __future__ import annotations

from marshmallow import Schema, fields


class SubmissionCreatedSchema(Schema):
    id = fields.String(required=True, metadata={"description": "The submission's id."})
    status = fields.String(required=True, metadata={"description": "Always 'pending': the e-mail address must be confirmed."})
    status_token = fields.String(
        required=True, metadata={"description": "Signed token for GET /api/v1/submissions/{id} and for asking the e-mail again."}
    )


class SubmissionStatusSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "pending or confirmed"})
    created_at = fields.AwareDateTime(required=True)
    confirmed_at = fields.AwareDateTime(allow_none=True)


class TokenQuerySchema(Schema):
    token = fields.String(required=True, metadata={"description": "The status token from the POST answer, or the confirmation token."})


class ResendAcceptedSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "'resent': a new confirmation e-mail is on its way."})


class MunicipalityQuerySchema(Schema):
    q = fields.String(required=True, metadata={"description": "What the person typed: part of a name, an alias or a CBS code."})


class MunicipalitySchema(Schema):
    code = fields.String(required=True, metadata={"description": "CBS code, e.g. GM0363"})
    name = fields.String(required=True)
    province = fields.String(required=True)
