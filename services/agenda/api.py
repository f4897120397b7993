"""Agenda's public JSON API (flask-smorest): the live ranking and the published versions."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from services.agenda import curation
from services.agenda.models import ALL_THEMES, ThemeStat
from services.agenda.partners.auth import problems
from services.agenda.schemas import (
    LanguageQuerySchema,
    LiveAgendaSchema,
    PageQuerySchema,
    VersionListSchema,
    VersionSchema,
)
from services.agenda.views import public_version, version_summary
from services.agenda.web import agenda_web, language
from services.agenda.wording import theme_label

api = Blueprint("agenda", __name__, url_prefix="/api/v1", description="The learning agenda")


@api.get("/agenda")
@api.arguments(LanguageQuerySchema, location="query")
@api.response(200, LiveAgendaSchema)
def live_agenda(_query):
    """The live ranking of themes, folded in as submissions are classified.

    Themes with fewer than 5 members are listed last, without any number (`suppressed`).
    """
    web = agenda_web()
    snapshot = web.live(with_questions=False)
    lang = language()
    themes = [
        {
            "rank": t["rank"],
            "slug": t["slug"],
            "label": theme_label(t["slug"], lang),
            "members": t["members"],
            "questions": t["questions"],
            "urgent_mentions": t["urgent_mentions"],
            "municipalities": t["municipalities"],
            "provinces": t["provinces"],
            "score": t["score"],
            "trend": t["trend"],
            "suppressed": False,
        }
        for t in snapshot["themes"]
    ]
    shown = {t["slug"] for t in themes}
    with web.runtime.uow_factory() as uow:
        small = sorted(
            s.slug
            for s in uow.session.scalars(select(ThemeStat).where(ThemeStat.members > 0))
            if s.slug != ALL_THEMES and s.slug not in shown and s.members < web.settings.min_group
        )
    for rank, slug in enumerate(small, len(themes) + 1):
        themes.append(
            {"rank": rank, "slug": slug, "label": theme_label(slug, lang), "members": None, "questions": None,
             "urgent_mentions": None, "municipalities": None, "provinces": None, "score": None, "trend": None,
             "suppressed": True}
        )
    return {"generated_at": snapshot["generated_at"], "themes": themes}


@api.route("/versions")
class Versions(MethodView):
    @api.arguments(PageQuerySchema, location="query")
    @api.response(200, VersionListSchema)
    def get(self, query):
        """Published versions, newest first."""
        with agenda_web().runtime.uow_factory() as uow:
            versions, total = curation.list_versions(uow, query["limit"], query["offset"])
            return {"versions": [version_summary(v) for v in versions], "total": total}


@api.route("/versions/latest")
class LatestVersion(MethodView):
    @api.arguments(LanguageQuerySchema, location="query")
    @api.response(200, VersionSchema)
    @problems(api, 404)
    def get(self, _query):
        """The most recently published version."""
        with agenda_web().runtime.uow_factory() as uow:
            version = curation.latest_version(uow)
            if version is None:
                abort(404, message="No version has been published yet.")
            return public_version(version, language())


# Version numbers are PostgreSQL integers: a larger number is no route (404), not a database error.
@api.route("/versions/<int(min=1, max=2147483647):number>")
class OneVersion(MethodView):
    @api.arguments(LanguageQuerySchema, location="query")
    @api.response(200, VersionSchema)
    @problems(api, 404)
    def get(self, _query, number):
        """One published version: ranked themes with counts (suppressed below 5 members), breakdowns,
        representative questions, the curator's notes, the changelog and the formula."""
        with agenda_web().runtime.uow_factory() as uow:
            try:
                return public_version(curation.get_version(uow, number), language())
            except curation.NotFound as exc:
                abort(404, message=str(exc))
