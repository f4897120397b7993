"""Intake's JSON API (flask-smorest): thin translation from HTTP to handlers."""

from __future__ import annotations

import hashlib
import json
import re

from flask import Response, current_app, request, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from services.intake import handlers
from services.intake.schemas import (
    MunicipalityQuerySchema,
    MunicipalitySchema,
    ResendAcceptedSchema,
    SubmissionCreatedSchema,
    SubmissionStatusSchema,
    TokenQuerySchema,
)
from services.intake.tokens import InvalidToken
from services.intake.validation import SubmissionSchema, validate_submission
from shared import reference
from shared.web.problems import PROBLEM_JSON, ProblemSchema, problem

api = Blueprint("submissions", __name__, url_prefix="/api/v1", description="Submissions from neighbourhood makers")

IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
VALIDATION_PROBLEM = "urn:buurtplatform:problem:validation"
KEY_REUSED_PROBLEM = "urn:buurtplatform:problem:idempotency-key-reused"


# A complete, valid submission for the document (clients copy it; the schema fuzz tests send it).
EXAMPLE_SUBMISSION = {
    "name": "Sanne de Vries",
    "email": "sanne@example.org",
    "language": "nl",
    "role": "buurtmaker",
    "municipality": "GM0518",
    "neighbourhood": "Transvaal",
    "urgent_issues": {"text": "Jongeren hangen 's avonds op het plein en buren ergeren zich.", "themes": ["overlast"]},
    "knowledge_sources": {"choices": ["collega"]},
    "learning_questions": ["Hoe betrek je jongeren bij de inrichting van het plein?"],
    "needs": {"choices": ["intervisie"]},
    "consents": {"contact": True, "peer_introductions": True, "publish_example": False},
}


def _problem_doc(description: str) -> dict:
    return {"schema": ProblemSchema, "content_type": PROBLEM_JSON, "description": description}


def _intake():
    return current_app.extensions["intake"]


@api.route("/submissions")
class Submissions(MethodView):
    @api.doc(
        requestBody={
            "required": True,
            "content": {"application/json": {"schema": SubmissionSchema, "example": EXAMPLE_SUBMISSION}},
        },
        parameters=[
            {
                "name": IDEMPOTENCY_HEADER,
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": (
                    "Makes retries safe. A retry with the same key and the same body gets the first answer again "
                    "(the same id, status 201, header Idempotent-Replayed: true) and never creates a second "
                    "submission; the same key with a different body gets 422. Keys expire after "
                    "BUURT_INTAKE_IDEMPOTENCY_TTL_HOURS (default 24)."
                ),
            }
        ],
    )
    @api.response(
        201,
        SubmissionCreatedSchema,
        description="Stored as pending; a confirmation e-mail follows.",
        headers={
            "Location": {"description": "URL of the submission's status", "schema": {"type": "string"}},
            "Idempotent-Replayed": {"description": "'true' when this is the first answer again", "schema": {"type": "string"}},
        },
    )
    @api.alt_response(400, **_problem_doc("The body is not valid JSON, or the Idempotency-Key header is malformed."))
    @api.alt_response(413, **_problem_doc("The body is larger than BUURT_MAX_BODY_BYTES."))
    @api.alt_response(415, **_problem_doc("The body is not application/json."))
    @api.alt_response(
        422,
        **_problem_doc(
            "A field is missing, unknown, of the wrong type or invalid (errors per field path, in Dutch or English "
            "by Accept-Language), or the Idempotency-Key was used before with a different body. Nothing was stored."
        ),
    )
    @api.alt_response(429, **_problem_doc("Too many submissions from this address; see Retry-After."))
    def post(self):
        """Submit the questionnaire; a confirmation e-mail follows (double opt-in)."""
        intake = _intake()
        if not request.is_json:
            return problem(415, _("Unsupported media type"), _("Send the submission as application/json."))
        body = request.get_json(silent=True)
        if body is None:
            return problem(400, _("Bad request"), _("The body is not valid JSON."))
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is not None and not _KEY_PATTERN.match(key):
            message = _("Use 1 to 255 visible ASCII characters, for example a UUID.")
            return problem(400, _("Bad request"), message, errors={IDEMPOTENCY_HEADER: [message]})
        answers, errors = validate_submission(body)
        if errors:
            return problem(
                422, _("Your answers are not complete yet"), _("Please correct the fields listed in errors."),
                errors=errors, type_=VALIDATION_PROBLEM,
            )
        idempotency = None
        if key is not None:
            canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            digest = hashlib.sha256(canonical.encode()).hexdigest()
            idempotency = handlers.IdempotencyKey(key, digest, intake.settings.idempotency_ttl)
        try:
            accepted = handlers.retry_on_conflict(
                intake.runtime.uow_factory, lambda uow: handlers.submit(uow, answers, intake.tokens, idempotency)
            )
        except handlers.IdempotencyKeyReused:
            return problem(
                422,
                _("Idempotency-Key already used"),
                _("This Idempotency-Key was used before for a different submission. Use a new key for new answers."),
                type_=KEY_REUSED_PROBLEM,
            )
        headers = {"Location": url_for("submissions.SubmissionStatus", submission_id=accepted.submission_id)}
        if accepted.replayed:
            headers["Idempotent-Replayed"] = "true"
        # A ready Response: the body is already in its documented shape, so no schema dump is needed.
        return Response(json.dumps(accepted.body), accepted.status_code, headers, mimetype="application/json")


def _owner_check(submission_id: str, token: str) -> Response | None:
    """None when the token belongs to this submission, else the 403 problem."""
    tokens = _intake().tokens
    for signer in (tokens.status, tokens.confirm):
        try:
            if signer.verify(token) == submission_id:
                return None
        except InvalidToken:
            continue
    return problem(403, _("Forbidden"), _("This token does not give access to this submission."))


@api.route("/submissions/<submission_id>")
class SubmissionStatus(MethodView):
    @api.arguments(TokenQuerySchema, location="query")
    @api.response(200, SubmissionStatusSchema)
    @api.alt_response(403, **_problem_doc("The token does not belong to this submission, or has expired."))
    @api.alt_response(404, **_problem_doc("No such submission (never made, purged or erased)."))
    @api.alt_response(422, **_problem_doc("The token query parameter is missing."))
    def get(self, query, submission_id):
        """Status of a submission, for its owner (the status token, or the token from the confirmation e-mail)."""
        refused = _owner_check(submission_id, query["token"])
        if refused is not None:
            return refused
        with _intake().runtime.uow_factory() as uow:
            try:
                submission = handlers.status(uow, submission_id)
            except handlers.SubmissionNotFound:
                return problem(404, _("Not found"), _("This submission does not exist (any more)."))
            return {
                "id": submission.id,
                "status": submission.status,
                "created_at": submission.created_at,
                "confirmed_at": submission.confirmed_at,
            }


@api.route("/submissions/<submission_id>/resend")
class Resend(MethodView):
    @api.arguments(TokenQuerySchema, location="query")
    @api.response(202, ResendAcceptedSchema, description="A new confirmation e-mail is on its way.")
    @api.alt_response(403, **_problem_doc("The token does not belong to this submission, or has expired."))
    @api.alt_response(404, **_problem_doc("No such submission."))
    @api.alt_response(409, **_problem_doc("The submission is confirmed already."))
    @api.alt_response(422, **_problem_doc("The token query parameter is missing."))
    @api.alt_response(429, **_problem_doc("Asked again too soon, or too often; see Retry-After when waiting helps."))
    def post(self, query, submission_id):
        """Send the confirmation e-mail again (rate limited per submission and per address)."""
        refused = _owner_check(submission_id, query["token"])
        if refused is not None:
            return refused
        intake = _intake()
        with intake.runtime.uow_factory() as uow:
            try:
                handlers.resend_confirmation(
                    uow, submission_id, intake.tokens, intake.settings.resend_interval, intake.settings.resend_max
                )
            except handlers.SubmissionNotFound:
                return problem(404, _("Not found"), _("This submission does not exist (any more)."))
            except handlers.AlreadyConfirmed:
                return problem(409, _("Already confirmed"), _("This submission is confirmed already."))
            except handlers.ResendRefused as refusal:
                return _resend_refused(refusal)
        return {"id": submission_id, "status": "resent"}, 202


def _resend_refused(refusal: handlers.ResendRefused) -> Response:
    if refusal.retry_after is None:
        return problem(429, _("Too many requests"), _("We have sent this e-mail often enough. Please check your spam folder."))
    seconds = max(1, int(refusal.retry_after.total_seconds() + 0.999))
    return problem(
        429,
        _("Too many requests"),
        _("Please wait %(seconds)s seconds before asking for the e-mail again.", seconds=seconds),
        headers={"Retry-After": str(seconds)},
    )


@api.route("/municipalities")
class Municipalities(MethodView):
    @api.arguments(MunicipalityQuerySchema, location="query")
    @api.response(200, MunicipalitySchema(many=True))
    @api.alt_response(422, **_problem_doc("The q query parameter is missing."))
    def get(self, query):
        """Municipalities whose name or alias matches what was typed (for the form's suggestions)."""
        found = reference.suggest_municipalities(query["q"], limit=10)
        exact = reference.find_municipality(query["q"])
        if exact is not None and exact not in found:
            found.insert(0, exact)
        return [{"code": m.code, "name": m.name, "province": m.province} for m in found[:10]]
