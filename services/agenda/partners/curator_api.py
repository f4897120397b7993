"""Curator API for partners: register them, hand out and renew their API tokens."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.agenda.partners import handlers
from services.agenda.partners.auth import problems, require_curator
from services.agenda.partners.models import DISABLED, Partner
from services.agenda.partners.schemas import (
    PartnerActiveSchema,
    PartnerListSchema,
    PartnerRequestSchema,
    PartnerSchema,
    PartnerTokenSchema,
)
from services.agenda.partners.web import partners_web

blp = Blueprint(
    "agenda-partner-curator",
    __name__,
    url_prefix="/api/v1/curator/partners",
    description="Curators register partners and give them API tokens",
)
CURATOR = [{"curatorToken": []}]


@blp.before_request
def _curators_only() -> None:
    require_curator()


def partner_view(partner: Partner) -> dict:
    return {
        "id": partner.id,
        "name": partner.name,
        "contact_email": partner.contact_email,
        "active": partner.active,
        "created_at": partner.created_at,
        "subscriptions": len(partner.subscriptions),
        "disabled_subscriptions": sum(1 for s in partner.subscriptions if s.status == DISABLED),
    }


@blp.route("")
class Partners(MethodView):
    @blp.doc(security=CURATOR)
    @blp.response(200, PartnerListSchema)
    @problems(blp, 401, 503)
    def get(self):
        """All partners, with how many of their endpoints are disabled."""
        with partners_web().runtime.uow_factory() as uow:
            return {"partners": [partner_view(p) for p in handlers.list_partners(uow)]}

    @blp.doc(security=CURATOR)
    @blp.arguments(PartnerRequestSchema)
    @blp.response(201, PartnerTokenSchema)
    @problems(blp, 401, 422, 503)
    def post(self, data):
        """Register a partner; the answer holds its API token, shown only this once."""
        with partners_web().runtime.uow_factory() as uow:
            partner, token = handlers.register_partner(uow, data["name"], data.get("contact_email"))
            return {"partner": partner_view(partner), "api_token": token}


@blp.route("/<partner_id>")
class OnePartner(MethodView):
    @blp.doc(security=CURATOR)
    @blp.response(200, PartnerSchema)
    @problems(blp, 401, 404, 503)
    def get(self, partner_id):
        """One partner."""
        with partners_web().runtime.uow_factory() as uow:
            try:
                return partner_view(handlers.get_partner(uow, partner_id))
            except handlers.NotFound as exc:
                abort(404, message=str(exc))

    @blp.doc(security=CURATOR)
    @blp.arguments(PartnerActiveSchema)
    @blp.response(200, PartnerSchema)
    @problems(blp, 401, 404, 422, 503)
    def patch(self, data, partner_id):
        """Switch a partner off (its token stops working, deliveries wait) or on again."""
        with partners_web().runtime.uow_factory() as uow:
            try:
                return partner_view(handlers.set_partner_active(uow, partner_id, data["active"]))
            except handlers.NotFound as exc:
                abort(404, message=str(exc))


@blp.route("/<partner_id>/token")
class PartnerToken(MethodView):
    @blp.doc(security=CURATOR)
    @blp.response(201, PartnerTokenSchema)
    @problems(blp, 401, 404, 503)
    def post(self, partner_id):
        """A new API token for the partner; the old one stops working at once."""
        with partners_web().runtime.uow_factory() as uow:
            try:
                token = handlers.renew_partner_token(uow, partner_id)
                return {"partner": partner_view(handlers.get_partner(uow, partner_id)), "api_token": token}
            except handlers.NotFound as exc:
                abort(404, message=str(exc))
