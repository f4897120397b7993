"""Events published by intake."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contracts.fields import ROLES, Id, Language, ThemeSlug, Timestamp

MAX_TEXT = 2000

# The answer options of the questionnaire's multiple-choice questions (stable slugs).
KNOWLEDGE_SOURCES = (
    "collega",
    "netwerkbijeenkomsten",
    "kennisinstituten",
    "vakliteratuur",
    "training",
    "sociale-media",
    "bewoners",
    "anders",
)
NEEDS = ("training", "intervisie", "praktijkvoorbeelden", "onderzoek", "netwerk", "hulpmiddelen", "anders")

# A signed token for the member id: notifications turns it into the erasure link of every e-mail.
ERASURE_TOKEN = {"load_default": None, "allow_none": True, "validate": validate.Length(min=10, max=1000)}


class SubmissionReceivedSchema(Schema):
    """A submission was stored as pending; notifications sends the confirmation e-mail."""

    submission_id = Id(required=True)
    member_id = Id(required=True)
    email = fields.Email(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    language = Language(required=True)
    confirmation_token = fields.String(required=True, validate=validate.Length(min=10, max=1000))
    submitted_at = Timestamp(required=True)
    resend = fields.Boolean(load_default=False)
    erasure_token = fields.String(**ERASURE_TOKEN)


class ThemedTextSchema(Schema):
    text_id = Id(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))
    themes = fields.List(ThemeSlug(), load_default=list, validate=validate.Length(max=16))


class QuestionSchema(Schema):
    text_id = Id(required=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))


class ChoicesSchema(Schema):
    choices = fields.List(fields.String(validate=validate.Length(max=100)), load_default=list)
    other = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MAX_TEXT))


class PracticeExampleSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(max=200))
    description = fields.String(required=True, validate=validate.Length(max=MAX_TEXT))
    url = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ConsentsSchema(Schema):
    contact = fields.Boolean(required=True)
    peer_introductions = fields.Boolean(required=True)
    publish_example = fields.Boolean(required=True)


class SubmissionConfirmedSchema(Schema):
    """The member confirmed by e-mail: the content goes on to matching, agenda and notifications."""

    submission_id = Id(required=True)
    member_id = Id(required=True)
    submitted_at = Timestamp(required=True)
    confirmed_at = Timestamp(required=True)
    language = Language(required=True)
    email = fields.Email(required=True)  # for notifications only
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))  # for notifications only
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    role_other = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    organisation = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    municipality_code = fields.String(required=True, validate=validate.Regexp(r"^GM\d{4}$"))
    municipality_name = fields.String(required=True)
    province_code = fields.String(required=True, validate=validate.Regexp(r"^PV\d{2}$"))
    province = fields.String(required=True)
    neighbourhood = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    urgent_issues = fields.Nested(ThemedTextSchema, required=True)
    knowledge_sources = fields.Nested(ChoicesSchema, load_default=dict)
    learning_questions = fields.List(fields.Nested(QuestionSchema), required=True, validate=validate.Length(min=1, max=5))
    needs = fields.Nested(ChoicesSchema, load_default=dict)
    expertise = fields.Nested(ThemedTextSchema, load_default=None, allow_none=True)
    practice_example = fields.Nested(PracticeExampleSchema, load_default=None, allow_none=True)
    consents = fields.Nested(ConsentsSchema, required=True)
    erasure_token = fields.String(**ERASURE_TOKEN)


class MemberErasedSchema(Schema):
    """Intake deleted a member; every service removes or de-identifies what it holds."""

    member_id = Id(required=True)
    erasure_id = Id(required=True)
    erased_at = Timestamp(required=True)
