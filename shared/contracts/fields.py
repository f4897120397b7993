"""Field types shared by the event schemas."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from shared import reference

LANGUAGES = ("nl", "en")
ROLES = ("bewoner", "buurtmaker", "wijkprofessional", "beleidsmaker", "bestuurder", "anders")
TEXT_KINDS = ("urgent_issue", "learning_question", "expertise")


def Timestamp(**kwargs) -> fields.AwareDateTime:  # noqa: N802 - reads like a field class
    """An RFC 3339 timestamp with an offset; events never carry naive times."""
    return fields.AwareDateTime(format="iso", **kwargs)


def Id(**kwargs) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.Length(min=1, max=100), **kwargs)


def known_theme(slug: str) -> None:
    # Checked against the taxonomy when validating, not when the module is imported.
    if slug not in reference.theme_slugs():
        raise ValidationError(f"Unknown theme {slug!r}.")


class ThemeSlugField(fields.String):
    """A slug of the taxonomy; API documents list them as an enum (see theme_enum)."""


def ThemeSlug(**kwargs) -> ThemeSlugField:  # noqa: N802
    return ThemeSlugField(validate=known_theme, **kwargs)


def theme_enum(converter, field, ret, **kwargs) -> dict:
    """apispec attribute function: documents theme slug fields with the taxonomy's slugs,
    read when the document is generated rather than when this module is imported."""
    if isinstance(field, ThemeSlugField):
        return {"enum": sorted(reference.theme_slugs())}
    return {}


def Language(**kwargs) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.OneOf(LANGUAGES), **kwargs)


class ThemeScoreSchema(Schema):
    slug = ThemeSlug(required=True)
    score = fields.Float(required=True, validate=validate.Range(min=0, max=1))


class ErasureCompletedSchema(Schema):
    """`<service>.erasure.completed.v1`: one service has removed a member's data."""

    service = fields.String(required=True, validate=validate.OneOf(("matching", "notifications", "agenda")))
    member_id = Id(required=True)
    erasure_id = Id(required=True)
    completed_at = Timestamp(required=True)
