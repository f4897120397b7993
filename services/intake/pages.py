"""Intake's pages for people: the questionnaire, "check your e-mail", confirmation and privacy."""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale

from services.intake import handlers
from services.intake.bot_traps import RENDERED_FIELD
from services.intake.form import FormState, body_from_form, errors_for_form, field_id
from services.intake.questionnaire import KNOWLEDGE_LABELS, LANGUAGE_LABELS, NEED_LABELS, ROLE_LABELS
from services.intake.tokens import InvalidToken
from services.intake.validation import validate_submission
from shared import reference

pages = Blueprint("pages", __name__)


def _intake():
    return current_app.extensions["intake"]


def lang() -> str:
    return str(get_locale() or "nl")


@pages.app_context_processor
def _questionnaire_options() -> dict:
    language = lang()
    return {
        "field_id": field_id,
        "role_options": list(ROLE_LABELS.items()),
        "knowledge_options": list(KNOWLEDGE_LABELS.items()),
        "need_options": list(NEED_LABELS.items()),
        "language_options": list(LANGUAGE_LABELS.items()),
        "theme_options": [(t.slug, t.label(language)) for t in reference.themes()],
        "confirm_days": int(_intake().settings.confirm_max_age.days),
    }


def render_form(state: FormState, status: int = 200, rendered: str | None = None):
    clock = _intake().render_clock
    return render_template("form.html", form=state, rendered=rendered or clock.stamp()), status


@pages.get("/")
def questionnaire():
    return render_form(FormState())


@pages.post("/")
def submit():
    intake = _intake()
    trap = intake.render_clock.trap(request.form)
    if trap is not None:
        # Same answer as a person gets, so a bot learns nothing; nothing is stored.
        intake.bot_counter.labels(intake.runtime.service, trap).inc()
        return _to_check_page(str(uuid.uuid4()))
    body, question_fields = body_from_form(request.form)
    answers, errors = validate_submission(body)
    if errors:
        state = FormState(values=request.form, errors=errors_for_form(errors, question_fields))
        return render_form(state, 422, rendered=intake.render_clock.valid_stamp(request.form.get(RENDERED_FIELD)))
    accepted = handlers.retry_on_conflict(intake.runtime.uow_factory, lambda uow: handlers.submit(uow, answers, intake.tokens))
    return _to_check_page(accepted.submission_id)


def _to_check_page(submission_id: str):
    token = _intake().tokens.status.sign(submission_id)
    return redirect(url_for("pages.check_email", token=token, lang=lang()), code=303)


@pages.get("/check/<token>")
def check_email(token: str):
    return render_template("check.html", token=token, resent=request.args.get("resent"))


@pages.post("/check/<token>/resend")
def resend(token: str):
    intake = _intake()
    try:
        submission_id = intake.tokens.status.verify(token)
    except InvalidToken:
        return render_template("check.html", token=token, resent="invalid"), 400
    outcome, status, wait = "sent", 303, None
    with intake.runtime.uow_factory() as uow:
        try:
            handlers.resend_confirmation(uow, submission_id, intake.tokens, intake.settings.resend_interval, intake.settings.resend_max)
        except handlers.SubmissionNotFound:
            pass  # a bot's made-up submission, or one purged meanwhile: the same friendly answer
        except handlers.AlreadyConfirmed:
            outcome = "confirmed"
        except handlers.ResendRefused as refusal:
            outcome, status = ("wait", 429) if refusal.retry_after else ("enough", 429)
            wait = int(refusal.retry_after.total_seconds() + 0.999) if refusal.retry_after else None
    if status == 303:
        return redirect(url_for("pages.check_email", token=token, resent=outcome, lang=lang()), code=303)
    headers = {"Retry-After": str(wait)} if wait else {}
    return render_template("check.html", token=token, resent=outcome, wait=wait), status, headers


@pages.get("/confirm/<token>")
def confirm(token: str):
    intake = _intake()
    try:
        submission_id = intake.tokens.confirm.verify(token)
    except InvalidToken as exc:
        return render_template("confirm_failed.html", expired=exc.expired), 400
    with intake.runtime.uow_factory() as uow:
        try:
            result = handlers.confirm(uow, submission_id, intake.tokens)
        except handlers.SubmissionNotFound:
            return render_template("confirm_failed.html", expired=False, gone=True), 404
    return render_template("confirmed.html", already=result.already_confirmed)


@pages.get("/privacy")
def privacy():
    own = _intake().settings
    return render_template(
        "privacy.html",
        unconfirmed_days=int(own.unconfirmed_retention.days),
        confirm_days=int(own.confirm_max_age.days),
    )
