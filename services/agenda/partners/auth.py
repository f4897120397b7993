"""Bearer-token checks for the curator and partner APIs (401/503 as problem+json)."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint, abort

from services.agenda.partners import handlers
from services.agenda.partners.models import Partner
from services.agenda.partners.web import partners_web
from shared.db.uow import UnitOfWork
from shared.web.bearer import CHALLENGE, bearer_token, problem_responses, require_curator_token


def problems(blp: Blueprint, *codes: int):
    """Documents problem+json answers for these status codes."""
    return problem_responses(blp, *codes, descriptions={404: "Not found (or not yours)"})


def require_curator() -> None:
    require_curator_token(partners_web().settings.curator_token, "BUURT_CURATOR_TOKEN")


def require_partner(uow: UnitOfWork) -> Partner:
    token = bearer_token(request.headers.get("Authorization"))
    partner = handlers.partner_for_token(uow, token) if token else None
    if partner is None:
        abort(401, message="A valid partner API token is needed (Authorization: Bearer ...).", headers=CHALLENGE)
    return partner
