"""The one validation of a submission, shared by the JSON API and the web form.

The request body mirrors the questionnaire. Every message is translatable; errors come out
flat, keyed by field path (``urgent_issues.text``, ``learning_questions.2``), so the API can
return them as they are and the form can put each one beside its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, pre_load, validate, validates, validates_schema

from services.intake import messages as m
from services.intake.questionnaire import (
    MAX_EMAIL,
    MAX_NAME,
    MAX_OTHER,
    MAX_QUESTION,
    MAX_QUESTIONS,
    MAX_SHORT,
    MAX_TEXT,
    MAX_THEMES,
    MAX_URL,
)
from shared import reference
from shared.contracts.fields import LANGUAGES, ROLES
from shared.contracts.intake import KNOWLEDGE_SOURCES, NEEDS

Errors = dict[str, list[str]]


class StrictSchema(Schema):
    """Refuses unknown fields, with our own wording for structural errors."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": m.UNKNOWN_FIELD, "type": m.NOT_AN_OBJECT}


class Text(fields.String):
    """Text with surrounding whitespace removed; empty text counts as not filled in."""

    def __init__(self, max_length: int, *, required: bool = False, **kwargs: Any):
        super().__init__(
            required=required,
            allow_none=not required,
            validate=validate.Length(max=max_length, error=m.TOO_LONG),
            error_messages={"required": m.REQUIRED, "null": m.REQUIRED, "invalid": m.NOT_TEXT},
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            if self.required:
                raise self.make_error("required")
            return None
        return text

    def _validate(self, value):
        if value is not None:
            super()._validate(value)


def _choice(options: tuple[str, ...], **kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.OneOf(options, error=m.CHOOSE_ONE),
        error_messages={"required": m.CHOOSE_ONE, "null": m.CHOOSE_ONE, "invalid": m.CHOOSE_ONE},
        **kwargs,
    )


def _known_theme(slug: str) -> None:
    if slug not in reference.theme_slugs():
        raise ValidationError(str(m.UNKNOWN_THEME))


_EMAIL = validate.Email()


def _email_address(value: str) -> None:
    # marshmallow's Email formats its message on every call; ours is translated only when needed.
    try:
        _EMAIL(value)
    except ValidationError:
        raise ValidationError(str(m.EMAIL)) from None


def _unique(values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError(str(m.DUPLICATE))


def _themes() -> fields.List:
    return fields.List(
        fields.String(validate=_known_theme, error_messages={"invalid": m.UNKNOWN_THEME}),
        load_default=list,
        validate=[validate.Length(max=MAX_THEMES, error=m.THEMES_MAX), _unique],
        error_messages={"invalid": m.NOT_A_LIST, "null": m.NOT_A_LIST},
    )


def _nested(schema: type[Schema], *, required: bool) -> fields.Nested:
    return fields.Nested(
        schema,
        required=required,
        load_default=None,
        allow_none=not required,
        error_messages={"required": m.REQUIRED, "null": m.REQUIRED, "type": m.NOT_AN_OBJECT},
    ) if not required else fields.Nested(
        schema, required=True, error_messages={"required": m.REQUIRED, "null": m.REQUIRED, "type": m.NOT_AN_OBJECT}
    )


class StrictBoolean(fields.Boolean):
    """JSON true or false only, as documented: marshmallow would also take 1, 0, "yes" or "off"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def _boolean(**kwargs: Any) -> fields.Boolean:
    return StrictBoolean(error_messages={"invalid": m.NOT_YES_NO, "required": m.REQUIRED, "null": m.NOT_YES_NO}, **kwargs)


class UrgentIssuesSchema(StrictSchema):
    themes = _themes()
    text = Text(MAX_TEXT, required=True)


class ChoicesSchema(StrictSchema):
    options: tuple[str, ...] = ()
    choices = fields.List(fields.String(), required=True)
    other = Text(MAX_OTHER, load_default=None)

    @validates_schema(skip_on_field_errors=False)
    def _other_described(self, data: dict, **_kwargs) -> None:
        if "anders" in data.get("choices", ()) and not data.get("other"):
            raise ValidationError(str(m.OTHER_TEXT), field_name="other")


def _choice_list(options: tuple[str, ...]) -> fields.List:
    return fields.List(
        _choice(options),
        required=True,
        validate=[validate.Length(min=1, error=m.CHOICES_MIN), _unique],
        error_messages={"required": m.CHOICES_MIN, "null": m.CHOICES_MIN, "invalid": m.NOT_A_LIST},
    )


class KnowledgeSourcesSchema(ChoicesSchema):
    choices = _choice_list(KNOWLEDGE_SOURCES)


class NeedsSchema(ChoicesSchema):
    choices = _choice_list(NEEDS)


class ExpertiseSchema(StrictSchema):
    text = Text(MAX_TEXT, load_default=None)
    themes = _themes()

    @validates_schema(skip_on_field_errors=False)
    def _described(self, data: dict, **_kwargs) -> None:
        if data.get("themes") and not data.get("text"):
            raise ValidationError(str(m.EXPERTISE_TEXT), field_name="text")


class PracticeExampleSchema(StrictSchema):
    title = Text(MAX_SHORT, required=True)
    description = Text(MAX_TEXT, required=True)
    url = Text(MAX_URL, load_default=None)

    @validates("url")
    def _web_address(self, value: str | None, **_kwargs) -> None:
        if value is not None:
            try:
                validate.URL(schemes={"http", "https"}, require_tld=True)(value)
            except ValidationError:
                raise ValidationError(str(m.URL)) from None


class ConsentsSchema(StrictSchema):
    contact = _boolean(required=True)
    peer_introductions = _boolean(load_default=False)
    publish_example = _boolean(load_default=False)

    @validates("contact")
    def _contact_allowed(self, value: bool, **_kwargs) -> None:
        if value is not True:
            raise ValidationError(str(m.CONSENT_CONTACT))


class SubmissionSchema(StrictSchema):
    """One filled-in questionnaire."""

    name = Text(MAX_NAME, required=True, metadata={"description": "How we address you in e-mails."})
    email = fields.String(
        required=True,
        validate=[validate.Length(max=MAX_EMAIL, error=m.TOO_LONG), _email_address],
        error_messages={"required": m.REQUIRED, "null": m.REQUIRED, "invalid": m.EMAIL},
        metadata={"format": "email"},
    )
    language = _choice(LANGUAGES, load_default="nl", metadata={"description": "Language of the e-mails."})
    role = _choice(ROLES, required=True)
    role_other = Text(MAX_SHORT, load_default=None, metadata={"description": "Required when role is 'anders'."})
    organisation = Text(MAX_SHORT, load_default=None)
    municipality = Text(
        MAX_SHORT,
        required=True,
        metadata={"description": "CBS code of the municipality (GM0363), or its name or a common alias (Den Haag)."},
    )
    neighbourhood = Text(MAX_SHORT, load_default=None)
    urgent_issues = _nested(UrgentIssuesSchema, required=True)
    knowledge_sources = _nested(KnowledgeSourcesSchema, required=True)
    learning_questions = fields.List(
        Text(MAX_QUESTION, required=True),
        required=True,
        validate=validate.Length(min=1, max=MAX_QUESTIONS, error=m.QUESTIONS_COUNT),
        error_messages={"required": m.REQUIRED, "null": m.REQUIRED, "invalid": m.NOT_A_LIST},
    )
    needs = _nested(NeedsSchema, required=True)
    expertise = _nested(ExpertiseSchema, required=False)
    practice_example = _nested(PracticeExampleSchema, required=False)
    consents = _nested(ConsentsSchema, required=True)

    @pre_load
    def _lowercase_email(self, data: Any, **_kwargs) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("email"), str):
            data = {**data, "email": data["email"].strip().lower()}
        return data

    @validates("municipality")
    def _known_municipality(self, value: str, **_kwargs) -> None:
        if reference.find_municipality(value) is None:
            close = reference.suggest_municipalities(value, limit=3) if len(value.strip()) >= 2 else []
            if close:
                raise ValidationError(m.MUNICIPALITY_SUGGEST.format(names=", ".join(c.name for c in close)))
            raise ValidationError(str(m.MUNICIPALITY))

    @validates_schema(skip_on_field_errors=False)
    def _role_described(self, data: dict, **_kwargs) -> None:
        if data.get("role") == "anders" and not data.get("role_other"):
            raise ValidationError(str(m.ROLE_OTHER), field_name="role_other")

    @validates_schema(skip_on_field_errors=False)
    def _publishable(self, data: dict, **_kwargs) -> None:
        consents = data.get("consents") or {}
        if consents.get("publish_example") and not data.get("practice_example"):
            raise ValidationError(str(m.PUBLISH_WITHOUT_EXAMPLE), field_name="consents.publish_example")

    @post_load
    def _canonical(self, data: dict, **_kwargs) -> dict:
        data["municipality"] = reference.find_municipality(data["municipality"]).code
        if data.get("role") != "anders":
            data["role_other"] = None
        expertise = data.get("expertise")
        if expertise is not None and not expertise.get("text"):
            data["expertise"] = None
        return data


def flatten(messages: Any, prefix: str = "") -> Errors:
    """marshmallow's nested messages as {"a.b.0": ["message", ...]}, every message a plain str."""
    if isinstance(messages, Mapping):
        flat: Errors = {}
        for key, value in messages.items():
            if key == "_schema":
                path = prefix or "_body"  # an error about the object as a whole
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for name, texts in flatten(value, path).items():
                flat.setdefault(name, []).extend(texts)
        return flat
    if isinstance(messages, (list, tuple)):
        if all(not isinstance(item, (Mapping, list, tuple)) for item in messages):
            return {prefix or "_body": [str(item) for item in messages]}
        flat = {}
        for item in messages:
            for name, texts in flatten(item, prefix).items():
                flat.setdefault(name, []).extend(texts)
        return flat
    return {prefix or "_body": [str(messages)]}


@cache
def _schema() -> SubmissionSchema:
    # Made once, on first use: a schema holds no state between loads, and making one is not cheap.
    return SubmissionSchema()


def validate_submission(body: Any) -> tuple[dict[str, Any] | None, Errors]:
    """(answers, {}) when the body is a valid submission, else (None, errors by field path)."""
    if not isinstance(body, Mapping):
        return None, {"_body": [str(m.INVALID_BODY)]}
    try:
        return _schema().load(body), {}
    except ValidationError as error:
        return None, flatten(error.messages)
