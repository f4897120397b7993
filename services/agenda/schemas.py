"""Request and response schemas of agenda's JSON APIs (public and curator)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contracts.fields import ThemeSlug

SUPPRESSED = "null when fewer than 5 members"


class LiveThemeSchema(Schema):
    rank = fields.Integer(required=True)
    slug = fields.String(required=True)
    label = fields.String(required=True)
    members = fields.Integer(allow_none=True, metadata={"description": SUPPRESSED})
    questions = fields.Integer(allow_none=True, metadata={"description": SUPPRESSED})
    urgent_mentions = fields.Integer(allow_none=True, metadata={"description": SUPPRESSED})
    municipalities = fields.Integer(allow_none=True, metadata={"description": SUPPRESSED})
    provinces = fields.Integer(allow_none=True, metadata={"description": SUPPRESSED})
    score = fields.Float(allow_none=True, metadata={"description": "priority score 0..1; null when suppressed"})
    trend = fields.String(allow_none=True)
    suppressed = fields.Boolean(required=True)


class LiveAgendaSchema(Schema):
    generated_at = fields.String()
    themes = fields.List(fields.Nested(LiveThemeSchema), required=True)


class CellSchema(Schema):
    key = fields.String(required=True, metadata={"description": "province code (PVnn) or role"})
    label = fields.String()
    members = fields.Integer(allow_none=True, metadata={"description": SUPPRESSED})


class BreakdownSchema(Schema):
    provinces = fields.List(fields.Nested(CellSchema))
    roles = fields.List(fields.Nested(CellSchema))


class QuestionSchema(Schema):
    text = fields.String(required=True, metadata={"description": "the clearest question of a group of alike questions (scrubbed)"})
    similar_count = fields.Integer(required=True, metadata={"description": "members who asked this or something alike"})


class ScorePartsSchema(Schema):
    members = fields.Float()
    municipalities = fields.Float()
    roles = fields.Float()
    urgency = fields.Float()
    recency = fields.Float()


class VersionThemeSchema(Schema):
    rank = fields.Integer(required=True, metadata={"description": "position the curator published it at"})
    score_rank = fields.Integer(metadata={"description": "position by priority score alone"})
    slug = fields.String(required=True)
    label = fields.String()
    score = fields.Float(required=True)
    score_parts = fields.Nested(ScorePartsSchema)
    members = fields.Integer(allow_none=True)
    questions = fields.Integer(allow_none=True)
    urgent_mentions = fields.Integer(allow_none=True)
    municipalities = fields.Integer(allow_none=True)
    provinces = fields.Integer(allow_none=True)
    roles = fields.Integer(allow_none=True)
    trend = fields.String(metadata={"description": "new, rising, steady or falling (recent days against before)"})
    note = fields.String(allow_none=True, metadata={"description": "the curator's editorial note"})
    breakdown = fields.Nested(BreakdownSchema)
    representative_questions = fields.List(fields.Nested(QuestionSchema))


class ChangelogSchema(Schema):
    rose = fields.List(fields.String())
    fell = fields.List(fields.String())
    appeared = fields.List(fields.String())
    disappeared = fields.List(fields.String())


class TotalsSchema(Schema):
    members = fields.Integer(allow_none=True)
    questions = fields.Integer(allow_none=True)
    municipalities = fields.Integer()
    provinces = fields.List(fields.Nested(CellSchema))
    roles = fields.List(fields.Nested(CellSchema))


class FormulaSchema(Schema):
    weights = fields.Dict(keys=fields.String(), values=fields.Float())
    min_group = fields.Integer()
    trend_days = fields.Integer()


class VersionSchema(Schema):
    version = fields.Integer(required=True)
    published_at = fields.String(required=True)
    reissue_of = fields.Integer(allow_none=True, metadata={"description": "set when this version re-issues another without an erased member's question"})
    redacted = fields.Boolean(metadata={"description": "an erased member's quoted question was taken out after publication"})
    themes = fields.List(fields.Nested(VersionThemeSchema), required=True)
    themes_not_shown = fields.Integer(metadata={"description": "themes with fewer than 5 members, left out"})
    changelog = fields.Nested(ChangelogSchema, required=True)
    totals = fields.Nested(TotalsSchema)
    formula = fields.Nested(FormulaSchema)
    links = fields.Dict(keys=fields.String(), values=fields.String())


class VersionSummarySchema(Schema):
    version = fields.Integer(required=True)
    published_at = fields.String(required=True)
    reissue_of = fields.Integer(allow_none=True)
    themes = fields.Integer(metadata={"description": "number of ranked themes"})
    links = fields.Dict(keys=fields.String(), values=fields.String())


class VersionListSchema(Schema):
    versions = fields.List(fields.Nested(VersionSummarySchema), required=True)
    total = fields.Integer(required=True)


class PageQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class LanguageQuerySchema(Schema):
    lang = fields.String(load_default=None, validate=validate.OneOf(("nl", "en")))


# -- curator ------------------------------------------------------------------------------


class DraftQuestionSchema(QuestionSchema):
    id = fields.String(required=True, metadata={"description": "question id, for hide_questions"})
    hidden = fields.Boolean()


class DraftThemeSchema(VersionThemeSchema):
    representative_questions = fields.List(fields.Nested(DraftQuestionSchema))


class DraftSummarySchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "open or published"})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    published_version = fields.Integer(allow_none=True)


class DraftSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "open or published"})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    published_version = fields.Integer(allow_none=True)
    themes = fields.List(fields.Nested(DraftThemeSchema), required=True, metadata={"description": "as they would be published"})
    hidden_questions = fields.List(fields.String())


class DraftListSchema(Schema):
    drafts = fields.List(fields.Nested(DraftSummarySchema), required=True)


class DraftEditSchema(Schema):
    order = fields.List(ThemeSlug(), metadata={"description": "themes in the order to publish; unlisted ones follow by score"})
    notes = fields.Dict(
        keys=fields.String(),
        values=fields.String(allow_none=True, validate=validate.Length(max=2000)),
        metadata={"description": "editorial note per theme slug; null clears it"},
    )
    hide_questions = fields.List(fields.String(validate=validate.Length(min=1, max=100)))
    show_questions = fields.List(fields.String(validate=validate.Length(min=1, max=100)))
