"""Events published by matching."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contracts.fields import TEXT_KINDS, Id, ThemeScoreSchema, ThemeSlug, Timestamp


class ClassifiedTextSchema(Schema):
    text_id = Id(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(TEXT_KINDS))
    themes = fields.List(fields.Nested(ThemeScoreSchema), required=True)
    needs_review = fields.Boolean(required=True)


class SubmissionClassifiedSchema(Schema):
    """Each text of a confirmed submission got its themes; the member's circles are updated."""

    submission_id = Id(required=True)
    member_id = Id(required=True)
    classifier_version = fields.String(required=True, validate=validate.Length(min=1, max=100))
    texts = fields.List(fields.Nested(ClassifiedTextSchema), required=True)
    member_themes = fields.List(ThemeSlug(), required=True)
    classified_at = Timestamp(required=True)


class PeersSuggestedSchema(Schema):
    """Someone offering expertise is suggested for a learning question; both sides are asked first."""

    suggestion_id = Id(required=True)
    asking_member_id = Id(required=True)
    question_id = Id(required=True)
    question_text = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    offering_member_id = Id(required=True)
    expertise_text = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    themes = fields.List(ThemeSlug(), required=True, validate=validate.Length(min=1))
    reasons = fields.List(fields.String(validate=validate.Length(max=300)), required=True)
    score = fields.Float(required=True)
    suggested_at = Timestamp(required=True)
