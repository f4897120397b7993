"""Request and response schemas of the curator API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contracts.fields import TEXT_KINDS, ThemeSlug


class PageArgsSchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class AssignedThemeSchema(Schema):
    slug = fields.String(required=True)
    score = fields.Float(required=True)
    source = fields.String(required=True, metadata={"description": "auto (classifier) or curator"})


class QueuedTextSchema(Schema):
    text_id = fields.String(required=True)
    submission_id = fields.String(required=True)
    member_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(TEXT_KINDS))
    text = fields.String(required=True)
    themes = fields.List(fields.Nested(AssignedThemeSchema), required=True)
    confidence = fields.Float(allow_none=True, metadata={"description": "The best theme's probability"})
    classifier_version = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)


class ReviewQueueSchema(Schema):
    total = fields.Integer(required=True)
    texts = fields.List(fields.Nested(QueuedTextSchema), required=True)


class DriverSchema(Schema):
    text = fields.String(required=True)
    weight = fields.Float(required=True)


class ExplanationSchema(Schema):
    theme = fields.String(required=True)
    score = fields.Float(required=True)
    keywords = fields.List(fields.String(), metadata={"description": "Taxonomy keywords found in the text"})
    drivers = fields.List(fields.Nested(DriverSchema), metadata={"description": "Words that raised the score most"})


class TextDetailSchema(QueuedTextSchema):
    scores = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={"description": "Every theme's probability"})
    explanations = fields.List(fields.Nested(ExplanationSchema))
    stated_themes = fields.List(fields.String(), metadata={"description": "Themes the member ticked in the form"})
    needs_review = fields.Boolean(required=True)
    reviewed_at = fields.AwareDateTime(allow_none=True)


class LabelsSchema(Schema):
    labels = fields.List(ThemeSlug(), required=True, validate=validate.Length(max=16))


class CorrectionSchema(Schema):
    text = fields.Nested(TextDetailSchema, required=True)
    suggestions = fields.Integer(required=True, metadata={"description": "Peer suggestions made because of it"})


class MemberThemeSchema(Schema):
    slug = fields.String(required=True)
    weight = fields.Float(required=True)
    source = fields.String(required=True, metadata={"description": "auto or curator"})


class OverrideSchema(Schema):
    slug = fields.String(required=True)
    action = fields.String(required=True, validate=validate.OneOf(("add", "remove")))


class MemberThemesSchema(Schema):
    member_id = fields.String(required=True)
    themes = fields.List(fields.Nested(MemberThemeSchema), required=True)
    evidence = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={"description": "Weighted evidence per theme"})
    overrides = fields.List(fields.Nested(OverrideSchema), required=True)


class OverrideRequestSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(("add", "remove")))


class SuggestionArgsSchema(Schema):
    submission_id = fields.String(load_default=None, validate=validate.Length(max=100))
    question_id = fields.String(load_default=None, validate=validate.Length(max=100))


class SuggestionSchema(Schema):
    suggestion_id = fields.String(required=True)
    submission_id = fields.String(required=True)
    question_id = fields.String(required=True)
    asking_member_id = fields.String(required=True)
    offering_member_id = fields.String(required=True)
    offer_text_id = fields.String(required=True)
    themes = fields.List(fields.String(), required=True)
    reasons = fields.List(fields.String(), required=True)
    score = fields.Float(required=True)
    suggested_at = fields.AwareDateTime(required=True)


class SuggestionListSchema(Schema):
    suggestions = fields.List(fields.Nested(SuggestionSchema), required=True)
