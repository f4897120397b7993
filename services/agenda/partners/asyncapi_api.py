"""Serves the AsyncAPI 3 document of the events partners may receive."""

from __future__ import annotations

from flask_smorest import Blueprint

from services.agenda.partners.web import partners_web
from shared.contracts.asyncapi import asyncapi_document

blp = Blueprint("agenda-asyncapi", __name__, url_prefix="/api", description="Event documentation for partners")


@blp.get("/asyncapi.json")
@blp.response(200, description="AsyncAPI 3.0 document of the partner-facing events (webhooks carry the same envelopes)")
def asyncapi():
    """The partner-facing events, their payload schemas and AMQP bindings."""
    host = partners_web().runtime.settings.value("PARTNER_AMQP_HOST")  # host:port partners connect to
    return asyncapi_document(partner_facing_only=True, **({"amqp_host": host} if host else {}))
