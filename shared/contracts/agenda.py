"""Events published by agenda (partners may read these)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contracts.fields import ThemeSlug, Timestamp


class RepresentativeQuestionSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    similar_count = fields.Integer(required=True, validate=validate.Range(min=1))


class BreakdownCellSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=30))  # province code (PV..) or role
    # Null when fewer than 5 members: a small group is never published with its size.
    members = fields.Integer(required=True, allow_none=True, validate=validate.Range(min=5))


class BreakdownSchema(Schema):
    provinces = fields.List(fields.Nested(BreakdownCellSchema), load_default=list)
    roles = fields.List(fields.Nested(BreakdownCellSchema), load_default=list)


class RankedThemeSchema(Schema):
    slug = ThemeSlug(required=True)
    rank = fields.Integer(required=True, validate=validate.Range(min=1))
    score = fields.Float(required=True)
    # Counts for fewer than 5 members are suppressed (null) in everything published.
    members = fields.Integer(required=True, allow_none=True)
    questions = fields.Integer(required=True, allow_none=True)
    urgent_mentions = fields.Integer(load_default=None, allow_none=True)
    municipalities = fields.Integer(load_default=None, allow_none=True)
    provinces = fields.Integer(load_default=None, allow_none=True)
    note = fields.String(load_default=None, allow_none=True)
    # Added later in v1 (optional, so older producers and consumers stay compatible):
    trend = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("new", "rising", "steady", "falling")))
    breakdown = fields.Nested(BreakdownSchema, load_default=None, allow_none=True)
    representative_questions = fields.List(fields.Nested(RepresentativeQuestionSchema), load_default=list)


class ChangelogSchema(Schema):
    rose = fields.List(ThemeSlug(), load_default=list)
    fell = fields.List(ThemeSlug(), load_default=list)
    appeared = fields.List(ThemeSlug(), load_default=list)
    disappeared = fields.List(ThemeSlug(), load_default=list)


class LinksSchema(Schema):
    html = fields.Url(required=True, require_tld=False)
    json = fields.Url(required=True, require_tld=False)
    feed = fields.Url(required=True, require_tld=False)


class AgendaPublishedSchema(Schema):
    """A curator published version N of the learning agenda."""

    version = fields.Integer(required=True, validate=validate.Range(min=1))
    published_at = Timestamp(required=True)
    themes = fields.List(fields.Nested(RankedThemeSchema), required=True)
    changelog = fields.Nested(ChangelogSchema, required=True)
    links = fields.Nested(LinksSchema, required=True)
    reissue_of = fields.Integer(load_default=None, allow_none=True)
