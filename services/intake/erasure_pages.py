"""Erasure for people: the link from an e-mail, a confirmation (POST, never GET), and the status."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l

from services.intake import erasure
from services.intake.pages import lang
from services.intake.tokens import InvalidToken

erasure_pages = Blueprint("erasure", __name__)

SERVICE_LABELS = {
    "matching": _l("Theme groups and introductions (matching)"),
    "notifications": _l("E-mails (notifications)"),
    "agenda": _l("Learning agenda (agenda)"),
}


def _intake():
    return current_app.extensions["intake"]


@erasure_pages.get("/erase/<token>")
def ask(token: str):
    try:
        _intake().tokens.erase.verify(token)
    except InvalidToken as exc:
        return render_template("erase_failed.html", expired=exc.expired), 400
    return render_template("erase_confirm.html", token=token)


@erasure_pages.post("/erase/<token>")
def erase(token: str):
    intake = _intake()
    try:
        member_id = intake.tokens.erase.verify(token)
    except InvalidToken as exc:
        return render_template("erase_failed.html", expired=exc.expired), 400
    with intake.runtime.uow_factory() as uow:
        try:
            erasure_id = erasure.erase_member(uow, member_id, via="link")
        except erasure.MemberNotFound:
            return render_template("erase_failed.html", expired=False, gone=True), 404
    status_token = intake.tokens.erasure_status.sign(erasure_id)
    return redirect(url_for("erasure.status", token=status_token, lang=lang()), code=303)


@erasure_pages.get("/erasures/<token>")
def status(token: str):
    intake = _intake()
    try:
        erasure_id = intake.tokens.erasure_status.verify(token)
    except InvalidToken as exc:
        return render_template("erase_failed.html", expired=exc.expired), 400
    with intake.runtime.uow_factory() as uow:
        try:
            state = erasure.erasure_status(uow, erasure_id)
        except erasure.ErasureNotFound:
            return render_template("erase_failed.html", expired=False), 404
    return render_template(
        "erasure_status.html", state=state, token=token, services=erasure.REPORTING_SERVICES, service_labels=SERVICE_LABELS
    )
