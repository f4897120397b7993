"""Response schemas of agenda's JSON API."""

from __future__ import annotations

from marshmallow import Schema, fields


class LiveThemeSchema(Schema):
    rank = fields.Integer(required=True)
    slug = fields.String(required=True)
    label = fields.String(required=True)
    members = fields.Integer(allow_none=True, metadata={"description": "null when fewer than 5 members"})
    questions = fields.Integer(allow_none=True, metadata={"description": "null when fewer than 5 members"})
    suppressed = fields.Boolean(required=True)


class LiveAgendaSchema(Schema):
    themes = fields.List(fields.Nested(LiveThemeSchema), required=True)
