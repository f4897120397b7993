"""Curator API for versions: a draft from the live state, edits, publishing (token auth)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.agenda import curation
from services.agenda.models import Draft
from services.agenda.partners.auth import problems, require_curator
from services.agenda.schemas import DraftEditSchema, DraftListSchema, DraftSchema, VersionSchema
from services.agenda.views import public_theme, public_version
from services.agenda.web import agenda_web

blp = Blueprint(
    "agenda-curator",
    __name__,
    url_prefix="/api/v1/curator/drafts",
    description="Curators make a draft from the live agenda, reorder it, annotate it and publish it",
)
CURATOR = [{"curatorToken": []}]


@blp.before_request
def _curators_only() -> None:
    require_curator()


def draft_view(draft: Draft) -> dict:
    hidden = set(draft.hidden_questions)
    shown = []
    # Show hidden questions too (marked), so the curator can show them again.
    everything = {t["slug"]: t for t in draft.snapshot["themes"]}
    for theme in curation.curated_themes(draft):
        view = public_theme(theme, "nl")
        view["representative_questions"] = [
            {"id": q["id"], "text": q["text"], "similar_count": q["similar_count"], "hidden": q["id"] in hidden}
            for q in everything[theme["slug"]]["representative_questions"]
        ]
        shown.append(view)
    return {
        "id": draft.id,
        "status": draft.status,
        "created_at": draft.created_at,
        "updated_at": draft.updated_at,
        "published_version": draft.published_version,
        "themes": shown,
        "hidden_questions": draft.hidden_questions,
    }


def _run(action):
    try:
        return action()
    except curation.NotFound as exc:
        abort(404, message=str(exc))
    except curation.Conflict as exc:
        abort(409, message=str(exc))
    except curation.InvalidInput as exc:
        abort(422, message="Some edits are not possible; nothing was changed.", errors=exc.errors)


@blp.route("")
class Drafts(MethodView):
    @blp.doc(security=CURATOR)
    @blp.response(200, DraftListSchema)
    @problems(blp, 401, 503)
    def get(self):
        """Recent drafts, newest first."""
        with agenda_web().runtime.uow_factory() as uow:
            return {"drafts": [draft_view(d) for d in curation.list_drafts(uow)]}

    @blp.doc(security=CURATOR)
    @blp.response(201, DraftSchema)
    @problems(blp, 401, 503)
    def post(self):
        """A new draft from the live agenda as it is now (ranked by the priority score)."""
        web = agenda_web()
        with web.runtime.uow_factory() as uow:
            return draft_view(curation.create_draft(uow, web.settings))


@blp.route("/<draft_id>")
class OneDraft(MethodView):
    @blp.doc(security=CURATOR)
    @blp.response(200, DraftSchema)
    @problems(blp, 401, 404, 503)
    def get(self, draft_id):
        """A draft, with its themes as they would be published."""
        with agenda_web().runtime.uow_factory() as uow:
            return _run(lambda: draft_view(curation.get_draft(uow, draft_id)))

    @blp.doc(security=CURATOR)
    @blp.arguments(DraftEditSchema)
    @blp.response(200, DraftSchema)
    @problems(blp, 401, 404, 409, 422, 503)
    def patch(self, changes, draft_id):
        """Reorder themes (`order`), set notes (`notes`, null clears), hide or show questions. All or nothing."""
        with agenda_web().runtime.uow_factory() as uow:
            return _run(lambda: draft_view(curation.edit_draft(uow, draft_id, changes)))


@blp.route("/<draft_id>/publish")
class PublishDraft(MethodView):
    @blp.doc(security=CURATOR)
    @blp.response(201, VersionSchema)
    @problems(blp, 401, 404, 409, 503)
    def post(self, draft_id):
        """Publish the draft as the next version: announced as agenda.agenda.published.v1 to
        subscribers (AMQP and webhooks), with its changelog against the previous version."""
        web = agenda_web()
        with web.runtime.uow_factory() as uow:
            return _run(lambda: public_version(curation.publish_draft(uow, draft_id, web.settings)))
