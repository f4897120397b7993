"""Bearer-token checks for the curator and partner APIs (401/503 as problem+json)."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint, abort

from services.agenda.partners import handlers
from services.agenda.partners.models import Partner
from shared.web.problems import ProblemSchema
from services.agenda.partners.tokens import bearer_token, curator_token_matches
from services.agenda.partners.web import partners_web
from shared.db.uow import UnitOfWork

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="buurtplatform"'}

_DESCRIPTIONS = {
    401: "Missing or wrong bearer token",
    404: "Not found (or not yours)",
    409: "Conflicts with the current state",
    422: "Invalid input; messages per field in `errors`",
    503: "The curator API is not configured",
}


def problems(blp: Blueprint, *codes: int):
    """Documents problem+json answers for these status codes."""

    def decorate(view):
        for code in codes:
            view = blp.alt_response(
                code, schema=ProblemSchema, content_type="application/problem+json", description=_DESCRIPTIONS[code]
            )(view)
        return view

    return decorate


def require_curator() -> None:
    expected = partners_web().settings.curator_token
    if not expected:
        abort(503, message="The curator API is switched off: set BUURT_CURATOR_TOKEN to use it.")
    if not curator_token_matches(bearer_token(request.headers.get("Authorization")), expected):
        abort(401, message="A valid curator token is needed (Authorization: Bearer ...).", headers=CHALLENGE)


def require_partner(uow: UnitOfWork) -> Partner:
    token = bearer_token(request.headers.get("Authorization"))
    partner = handlers.partner_for_token(uow, token) if token else None
    if partner is None:
        abort(401, message="A valid partner API token is needed (Authorization: Bearer ...).", headers=CHALLENGE)
    return partner
