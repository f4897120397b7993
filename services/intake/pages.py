"""Intake's pages for people: following the confirmation link."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from services.intake import handlers
from services.intake.tokens import InvalidToken

pages = Blueprint("pages", __name__)


@pages.get("/confirm/<token>")
def confirm(token: str):
    intake = current_app.extensions["intake"]
    try:
        submission_id = intake.confirm_tokens.verify(token)
    except InvalidToken as exc:
        return render_template("confirm_failed.html", expired=exc.expired), 400
    with intake.runtime.uow_factory() as uow:
        try:
            result = handlers.confirm(uow, submission_id)
        except handlers.SubmissionNotFound:
            return render_template("confirm_failed.html", expired=False), 404
    return render_template("confirmed.html", already=result.already_confirmed)
