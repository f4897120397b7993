"""Composition for the web side: the partner settings, the guard, the blueprints, the auth schemes."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_smorest import Api

from services.agenda.partners.settings import PartnerSettings
from services.agenda.partners.ssrf import AddressGuard
from shared.runtime import Runtime

EXTENSION = "agenda_partners"


@dataclass(frozen=True)
class PartnersWeb:
    runtime: Runtime
    settings: PartnerSettings
    guard: AddressGuard


def partners_web() -> PartnersWeb:
    return current_app.extensions[EXTENSION]


def register_partner_apis(app: Flask, api: Api) -> None:
    """Called once from agenda's create_app()."""
    from services.agenda.partners.asyncapi_api import blp as asyncapi_blp
    from services.agenda.partners.curator_api import blp as curator_blp
    from services.agenda.partners.partner_api import blp as partner_blp

    runtime: Runtime = app.extensions["buurt"]
    settings = PartnerSettings.from_settings(runtime.settings)
    app.extensions[EXTENSION] = PartnersWeb(runtime, settings, AddressGuard(settings.allowed_networks))
    api.spec.components.security_scheme(
        "partnerToken", {"type": "http", "scheme": "bearer", "description": "The API token a curator gave your organisation"}
    )
    api.spec.components.security_scheme(
        "curatorToken", {"type": "http", "scheme": "bearer", "description": "The curator token (BUURT_CURATOR_TOKEN)"}
    )
    api.register_blueprint(curator_blp)
    api.register_blueprint(partner_blp)
    api.register_blueprint(asyncapi_blp)
