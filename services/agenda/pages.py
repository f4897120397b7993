"""Agenda's public pages: the HTML agenda (nl/en), the Atom feed and the open-data exports."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, url_for

from services.agenda import curation
from services.agenda.charts import bar_chart
from services.agenda.exports import breakdown_csv, json_export, questions_csv, themes_csv
from services.agenda.feed import atom_feed
from services.agenda.settings import SCORE_PARTS
from services.agenda.views import public_theme, public_totals, public_version
from services.agenda.web import agenda_web, language
from services.agenda.wording import SCORE_PART_LABELS, TREND_LABELS, pick, t, theme_label

pages = Blueprint("agenda_pages", __name__, template_folder="templates")


def _charts(document: dict[str, Any], lang: str, min_group: int) -> dict[str, Any]:
    themes = bar_chart(
        [{"label": th["label"], "value": round(th["score"] * 100), "text": str(round(th["score"] * 100))} for th in document["themes"]],
        maximum=100,
    )
    provinces = bar_chart(
        [
            {
                "label": cell["label"],
                "value": cell["members"],
                "text": str(cell["members"]) if cell["members"] is not None else t("suppressed", lang, min=min_group),
            }
            for cell in document["totals"].get("provinces", [])
        ]
    )
    return {"themes": themes, "provinces": provinces}


def _render(document: dict[str, Any], *, live: bool, versions: list | None = None) -> str:
    web = agenda_web()
    lang = language()
    formula = document.get("formula") or {}
    parts = [
        {
            "name": pick(SCORE_PART_LABELS[p][:2], lang),
            "weight": formula.get("weights", {}).get(p, 0),
            "meaning": pick(SCORE_PART_LABELS[p][2:], lang).format(days=formula.get("trend_days", 30)),
        }
        for p in SCORE_PARTS
    ]
    return render_template(
        "agenda/agenda.html",
        lang=lang,
        t=lambda key, **v: t(key, lang, **v),
        trend=lambda key: pick(TREND_LABELS.get(key, (key, key)), lang),
        theme_name=lambda slug: theme_label(slug, lang),
        doc=document,
        live=live,
        versions=versions or [],
        charts=_charts(document, lang, web.settings.min_group),
        parts=parts,
        weight_total=sum(p["weight"] for p in parts) or 1,
        min_group=formula.get("min_group", web.settings.min_group),
    )


def _html(body: str) -> Response:
    response = Response(body, mimetype="text/html")
    response.headers["Content-Language"] = language()
    return response


@pages.get("/")
def index():
    """The latest published version; the live state until there is one."""
    with agenda_web().runtime.uow_factory() as uow:
        latest = curation.latest_version(uow)
        if latest is None:
            return redirect(url_for("agenda_pages.live", lang=language()))
        versions, _ = curation.list_versions(uow, limit=20)
        return _html(_render(public_version(latest, language()), live=False, versions=versions))


# Version numbers are PostgreSQL integers: a larger number is no route (404), not a database error.
@pages.get("/versions/<int(min=1, max=2147483647):number>")
def version_page(number: int):
    with agenda_web().runtime.uow_factory() as uow:
        try:
            version = curation.get_version(uow, number)
        except curation.NotFound:
            abort(404)
        versions, _ = curation.list_versions(uow, limit=20)
        return _html(_render(public_version(version, language()), live=False, versions=versions))


@pages.get("/live")
def live():
    web = agenda_web()
    lang = language()
    snapshot = web.live()
    document = {
        "version": None,
        "published_at": snapshot["generated_at"],
        "themes": [{**public_theme(th, lang), "score_rank": th["rank"]} for th in snapshot["themes"]],
        "themes_not_shown": snapshot["themes_not_shown"],
        "totals": public_totals(snapshot["totals"], lang),
        "formula": snapshot["formula"],
        "changelog": None,
    }
    return _html(_render(document, live=True))


@pages.get("/feed.atom")
def feed():
    web = agenda_web()
    with web.runtime.uow_factory() as uow:
        versions, _ = curation.list_versions(uow, limit=50)
        body = atom_feed(versions, web.settings.public_url, language())
    return Response(body, mimetype="application/atom+xml")


def _export(number: int, make, mimetype: str, filename: str) -> Response:
    with agenda_web().runtime.uow_factory() as uow:
        try:
            document = public_version(curation.get_version(uow, number), language())
        except curation.NotFound:
            abort(404)
    response = Response(make(document), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="leeragenda-v{number}-{filename}"'
    return response


@pages.get("/versions/<int(min=1, max=2147483647):number>/themes.csv")
def export_themes(number: int):
    return _export(number, themes_csv, "text/csv", "themes.csv")


@pages.get("/versions/<int(min=1, max=2147483647):number>/breakdown.csv")
def export_breakdown(number: int):
    return _export(number, breakdown_csv, "text/csv", "breakdown.csv")


@pages.get("/versions/<int(min=1, max=2147483647):number>/questions.csv")
def export_questions(number: int):
    return _export(number, questions_csv, "text/csv", "questions.csv")


@pages.get("/versions/<int(min=1, max=2147483647):number>/agenda.json")
def export_json(number: int):
    return _export(number, json_export, "application/json", "agenda.json")
