"""Curator API: the review queue, a text's scores and explanation, corrections, member themes, peers.

Bearer token from BUURT_MATCHING_CURATOR_TOKEN (or BUURT_CURATOR_TOKEN); without one the API
answers 503 problem+json.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.matching import curation
from services.matching.models import MemberText
from services.matching.schemas import (
    CorrectionSchema,
    LabelsSchema,
    MemberThemesSchema,
    OverrideRequestSchema,
    PageArgsSchema,
    ReviewQueueSchema,
    SuggestionArgsSchema,
    SuggestionListSchema,
    TextDetailSchema,
)
from services.matching.peer_index import PeerIndex
from services.matching.settings import MatchingSettings
from shared.runtime import Runtime
from shared.web.bearer import problem_responses, require_curator_token

EXTENSION = "matching"
CURATOR = [{"curatorToken": []}]
SUGGESTION_FIELDS = (
    "suggestion_id", "submission_id", "question_id", "asking_member_id", "offering_member_id",
    "offer_text_id", "themes", "reasons", "score", "suggested_at",
)

blp = Blueprint(
    "matching-curator",
    __name__,
    url_prefix="/api/v1/curator",
    description="Curators review classifications, correct themes and steer circles and introductions",
)


@dataclass(frozen=True)
class MatchingWeb:
    runtime: Runtime
    settings: MatchingSettings
    index: PeerIndex  # a correction may lead to peer suggestions


def matching_web() -> MatchingWeb:
    return current_app.extensions[EXTENSION]


def problems(*codes: int):
    return problem_responses(blp, *codes)


@blp.before_request
def _curators_only() -> None:
    require_curator_token(matching_web().settings.curator_token, "BUURT_MATCHING_CURATOR_TOKEN")


def queued_view(uow, text: MemberText) -> dict:
    return {
        "text_id": text.text_id,
        "submission_id": text.submission_id,
        "member_id": text.member_id,
        "kind": text.kind,
        "text": text.text,
        "themes": [{"slug": a.slug, "score": a.score, "source": a.source} for a in curation.assignments(uow, text.text_id)],
        "confidence": text.confidence,
        "classifier_version": text.classifier_version,
        "created_at": text.created_at,
    }


def detail_view(uow, text: MemberText) -> dict:
    return {
        **queued_view(uow, text),
        "scores": text.scores or {},
        "explanations": text.explanations or [],
        "stated_themes": text.stated_themes or [],
        "needs_review": text.needs_review,
        "reviewed_at": text.reviewed_at,
    }


@blp.route("/review-queue")
class ReviewQueue(MethodView):
    @blp.doc(security=CURATOR)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, ReviewQueueSchema)
    @problems(401, 422, 503)
    def get(self, args):
        """Texts whose best theme score was below the review threshold and no curator has seen yet, oldest first."""
        with matching_web().runtime.uow_factory() as uow:
            total, texts = curation.review_queue(uow, args["limit"], args["offset"])
            return {"total": total, "texts": [queued_view(uow, t) for t in texts]}


@blp.route("/texts/<path:text_id>")
class OneText(MethodView):
    @blp.doc(security=CURATOR)
    @blp.response(200, TextDetailSchema)
    @problems(401, 404, 503)
    def get(self, text_id):
        """One text with every theme's score and the words that drove the chosen themes."""
        with matching_web().runtime.uow_factory() as uow:
            try:
                return detail_view(uow, curation.get_text(uow, text_id))
            except curation.NotFound as exc:
                abort(404, message=str(exc))


@blp.route("/labels/<path:text_id>")
class Labels(MethodView):
    @blp.doc(security=CURATOR)
    @blp.arguments(LabelsSchema)
    @blp.response(200, CorrectionSchema)
    @problems(401, 404, 422, 503)
    def put(self, data, text_id):
        """Correct a text's themes: stored as feedback for the next training, applied to the text,
        the member's circles and (for a question) peer suggestions at once."""
        web = matching_web()
        with web.runtime.uow_factory() as uow:
            try:
                made = curation.correct_labels(uow, web.index, text_id, data["labels"], web.settings)
            except curation.NotFound as exc:
                abort(404, message=str(exc))
            return {"text": detail_view(uow, curation.get_text(uow, text_id)), "suggestions": len(made)}


@blp.route("/members/<member_id>/themes")
class MemberThemes(MethodView):
    @blp.doc(security=CURATOR)
    @blp.response(200, MemberThemesSchema)
    @problems(401, 404, 503)
    def get(self, member_id):
        """A member's theme circles, the weighted evidence behind them and the curator overrides."""
        with matching_web().runtime.uow_factory() as uow:
            try:
                return curation.member_view(uow, member_id)
            except curation.NotFound as exc:
                abort(404, message=str(exc))


@blp.route("/members/<member_id>/themes/<theme:slug>")
class MemberThemeOverride(MethodView):
    @blp.doc(security=CURATOR)
    @blp.arguments(OverrideRequestSchema)
    @blp.response(200, MemberThemesSchema)
    @problems(401, 404, 422, 503)
    def put(self, data, member_id, slug):
        """Add or remove a theme for a member; it wins over what their submissions say, now and later."""
        return _override(member_id, slug, data["action"])

    @blp.doc(security=CURATOR)
    @blp.response(200, MemberThemesSchema)
    @problems(401, 404, 422, 503)
    def delete(self, member_id, slug):
        """Drop the override: the theme follows the member's submissions again."""
        return _override(member_id, slug, None)


def _override(member_id: str, slug: str, action: str | None) -> dict:
    web = matching_web()
    with web.runtime.uow_factory() as uow:
        try:
            return curation.set_override(uow, member_id, slug, action, web.settings)
        except curation.UnknownTheme as exc:
            abort(422, message=f"Unknown theme: {exc}.", errors={"slug": [f"Unknown theme {slug!r}."]})
        except curation.NotFound as exc:
            abort(404, message=str(exc))


@blp.route("/suggestions")
class Suggestions(MethodView):
    @blp.doc(security=CURATOR)
    @blp.arguments(SuggestionArgsSchema, location="query")
    @blp.response(200, SuggestionListSchema)
    @problems(401, 422, 503)
    def get(self, args):
        """Peer suggestions of a submission or of one learning question, best first, with their reasons."""
        if not args["submission_id"] and not args["question_id"]:
            abort(422, message="Give submission_id or question_id.", errors={"submission_id": ["Give this or question_id."]})
        with matching_web().runtime.uow_factory() as uow:
            rows = curation.suggestions(uow, args["submission_id"], args["question_id"])
            return {"suggestions": [{c: getattr(r, c) for c in SUGGESTION_FIELDS} for r in rows]}


def register_curator_api(app, api) -> None:
    """Called once from matching's create_app()."""
    runtime: Runtime = app.extensions["buurt"]
    app.extensions[EXTENSION] = MatchingWeb(runtime, MatchingSettings.from_settings(runtime.settings), PeerIndex())
    api.spec.components.security_scheme(
        "curatorToken",
        {"type": "http", "scheme": "bearer", "description": "The curator token (BUURT_MATCHING_CURATOR_TOKEN)"},
    )
    api.register_blueprint(blp)
