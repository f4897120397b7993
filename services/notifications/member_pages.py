"""The pages a member reaches from an e-mail: preferences, unsubscribe, introduction answers.

Each page is reached by a signed link; the token in the URL is the whole authorisation,
so there is no session and no cookie, and the forms need no CSRF token (a forged POST
would need the secret token already). That is also what RFC 8058 one-click asks: a POST
to the List-Unsubscribe URL, from a mail provider, without any cookie, works at once.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from services.notifications import introductions, preferences
from services.notifications.links import InvalidLink
from services.notifications.preferences import CATEGORIES, FREQUENCIES, InvalidPreferences, UnknownMember
from services.notifications.wording import texts

member_pages = Blueprint("member_pages", __name__)


def _context():
    return current_app.extensions["notifications"]


def _browser_language() -> str:
    chosen = request.args.get("lang")
    if chosen in ("nl", "en"):
        return chosen
    return request.accept_languages.best_match(["nl", "en"]) or "nl"


def _page(template: str, status: int = 200, language: str | None = None, **values):
    language = language or _browser_language()
    html = render_template(template, language=language, t=texts(language), **values)
    response = current_app.response_class(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"  # pages with a personal token
    response.headers["Referrer-Policy"] = "no-referrer"  # keep the token out of other sites' logs
    return response


def _message(title_key: str, text_key: str, status: int, language: str | None = None, link: tuple[str, str] | None = None):
    return _page("pages/message.html", status, language, title_key=title_key, text_key=text_key, link=link)


def _bad_link(error: InvalidLink):
    if error.expired:
        return _message("link_expired_title", "link_expired_text", 410)
    return _message("link_invalid_title", "link_invalid_text", 404)


def _unknown(language: str | None = None):
    return _message("unknown_title", "unknown_text", 404, language)


@member_pages.route("/preferences/<token>", methods=["GET", "POST"])
def preferences_page(token: str):
    ctx = _context()
    try:
        member_id = ctx.composer.links.signer.preferences_member(token)
    except InvalidLink as error:
        return _bad_link(error)
    with ctx.runtime.uow_factory() as uow:
        try:
            saved = preferences.of_member(uow, member_id)
            erase_url = ctx.composer.links.erase(preferences.erasure_token(uow, member_id))
        except UnknownMember:
            return _unknown()
    values = {"categories": CATEGORIES, "frequencies": FREQUENCIES, "erase_url": erase_url, "errors": {}}
    if request.method == "GET":
        return _page("pages/preferences.html", language=saved.language, chosen=saved.__dict__, **values)
    wanted = {name: request.form.get(name, "") for name in (*CATEGORIES, "language")}
    with ctx.runtime.uow_factory() as uow:
        try:
            saved = preferences.change(uow, member_id, wanted)
        except UnknownMember:
            return _unknown()
        except InvalidPreferences as invalid:
            values["errors"] = invalid.errors
            return _page("pages/preferences.html", 400, saved.language, chosen=wanted, **values)
    return _page("pages/preferences.html", language=saved.language, chosen=saved.__dict__, saved=True, **values)


@member_pages.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe_page(token: str):
    ctx = _context()
    try:
        member_id, category = ctx.composer.links.signer.unsubscribe_request(token)
    except InvalidLink as error:
        return _bad_link(error)
    with ctx.runtime.uow_factory() as uow:
        try:
            language = preferences.of_member(uow, member_id).language
        except UnknownMember:
            return _unknown()
    preferences_url = ctx.composer.links.preferences(member_id)
    if request.method == "GET":
        # A GET never unsubscribes: link checkers and previews follow links on their own.
        what = category if category in CATEGORIES else "all"
        return _page("pages/unsubscribe.html", language=language, what=what)
    with ctx.runtime.uow_factory() as uow:
        try:
            preferences.unsubscribe(uow, member_id, category)
        except UnknownMember:
            return _unknown(language)
        except InvalidPreferences:
            return _message("link_invalid_title", "link_invalid_text", 404, language)
    return _message("unsubscribed_title", "unsubscribed_text", 200, language, link=(preferences_url, "change_more"))


@member_pages.route("/introductions/<token>", methods=["GET", "POST"])
def introduction_page(token: str):
    ctx = _context()
    try:
        answer = ctx.composer.links.signer.introduction_answer(token)
    except InvalidLink as error:
        if error.expired:
            return _message("link_expired_title", "introduction_expired", 410)
        return _bad_link(error)
    if request.method == "GET":
        with ctx.runtime.uow_factory() as uow:
            state = introductions.view(uow, answer)
        if state.status != "open":
            return _introduction_result(state)
        preselected = request.args.get("answer") if request.args.get("answer") in ("accept", "decline") else None
        return _page("pages/introduction.html", language=state.language, preselected=preselected)
    choice = request.form.get("answer")
    if choice not in ("accept", "decline"):
        with ctx.runtime.uow_factory() as uow:
            state = introductions.view(uow, answer)
        return _page("pages/introduction.html", 400, state.language, preselected=None, missing=True)
    with ctx.runtime.uow_factory() as uow:
        result = introductions.record_answer(uow, ctx.composer, answer, accepted=choice == "accept")
    return _introduction_result(result)


def _introduction_result(result: introductions.AnswerResult):
    status = {"expired": 410, "gone": 404}.get(result.status, 200)
    key = {"open": "introduction_waiting"}.get(result.status, f"introduction_{result.status}")
    return _message("introduction_title", key, status, result.language)
