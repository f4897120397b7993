"""Intake's JSON API (flask-smorest): thin translation from HTTP to handlers."""

from __future__ import annotations

from flask import current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.intake import handlers
from services.intake.schemas import (
    SubmissionCreatedSchema,
    SubmissionRequestSchema,
    SubmissionStatusSchema,
    TokenQuerySchema,
)
from services.intake.tokens import InvalidToken

api = Blueprint("submissions", __name__, url_prefix="/api/v1/submissions", description="Submissions from neighbourhood makers")


def _intake():
    return current_app.extensions["intake"]


@api.route("")
class Submissions(MethodView):
    @api.arguments(SubmissionRequestSchema)
    @api.response(201, SubmissionCreatedSchema)
    def post(self, answers):
        """Submit the questionnaire; a confirmation e-mail follows."""
        intake = _intake()
        with intake.runtime.uow_factory() as uow:
            accepted = handlers.submit(uow, answers, intake.confirm_tokens)
        location = url_for("submissions.SubmissionStatus", submission_id=accepted.submission_id)
        return {"id": accepted.submission_id, "status": accepted.status}, 201, {"Location": location}


@api.route("/<submission_id>")
class SubmissionStatus(MethodView):
    @api.arguments(TokenQuerySchema, location="query")
    @api.response(200, SubmissionStatusSchema)
    @api.alt_response(403, description="The token does not belong to this submission")
    @api.alt_response(404, description="No such submission")
    def get(self, query, submission_id):
        """Status of a submission, for its owner (the token from the confirmation e-mail)."""
        intake = _intake()
        try:
            owner_of = intake.confirm_tokens.verify(query["token"])
        except InvalidToken:
            owner_of = None
        if owner_of != submission_id:
            abort(403, message="This link does not give access to this submission.")
        with intake.runtime.uow_factory() as uow:
            try:
                submission = handlers.status(uow, submission_id)
            except handlers.SubmissionNotFound:
                abort(404, message="No such submission.")
            return {
                "id": submission.id,
                "status": submission.status,
                "created_at": submission.created_at,
                "confirmed_at": submission.confirmed_at,
            }
