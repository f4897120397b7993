"""Intake's answers to refused requests: problem+json for the API, a friendly page in the form's language."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge, TooManyRequests

from services.intake.form import FormState
from services.intake.protection import retry_after_seconds, too_many_requests_problem
from shared.web.problems import problem, wants_json


def install_intake_errors(app: Flask) -> None:
    app.register_error_handler(TooManyRequests, _too_many_requests)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(CSRFError, _csrf_failed)


def _too_many_requests(_error: TooManyRequests):
    seconds = retry_after_seconds()
    if wants_json():
        return too_many_requests_problem(seconds)
    page = render_template("rate_limited.html", seconds=seconds)
    return page, 429, {"Retry-After": str(seconds)}


def _too_large(error: RequestEntityTooLarge):
    limit = request.max_content_length
    detail = _("The request is larger than %(limit)s bytes.", limit=limit) if limit else error.description
    if wants_json():
        return problem(413, _("Request too large"), detail)
    return render_template("message.html", title=_("Your answers are too long"), text=_(
        "What you sent is too long for us to receive. Please shorten your texts and send the form again."
    )), 413


def _csrf_failed(error: CSRFError):
    """The form's safety code was missing or too old: show the answers again so nothing typed is lost."""
    from services.intake.pages import render_form  # the page renderer lives with the pages

    if request.endpoint == "pages.submit":
        # Only the values are kept: the old render stamp goes too, so a stale replay is not trusted either.
        state = FormState(values=request.form, errors={"_form": [_("For your safety this page had expired. Check your answers and send the form again.")]})
        return render_form(state, 400)
    return render_template("message.html", title=_("This page has expired"), text=_(
        "For your safety this page had expired. Go back, reload the page and try again."
    )), 400
