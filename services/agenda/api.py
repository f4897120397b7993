"""Agenda's JSON API (flask-smorest)."""

from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint

from services.agenda import handlers
from services.agenda.schemas import LiveAgendaSchema
from shared import reference

api = Blueprint("agenda", __name__, url_prefix="/api/v1", description="The learning agenda")


@api.get("/agenda")
@api.response(200, LiveAgendaSchema)
def live_agenda():
    """The live ranking of themes, folded in as submissions are classified."""
    language = "en" if request.accept_languages.best_match(["nl", "en"]) == "en" else "nl"
    with current_app.extensions["buurt"].uow_factory() as uow:
        ranking = handlers.live_ranking(uow)
    labels = reference.themes_by_slug()
    return {"themes": [{**row, "label": labels[row["slug"]].label(language)} for row in ranking]}
