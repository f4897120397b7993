"""The options of the questionnaire's choice questions, with their labels for people.

The option values themselves are the contract's (shared.contracts.fields and .intake); a unit
test checks that every one of them has a label here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MAX_NAME = 200
MAX_EMAIL = 320
MAX_SHORT = 200
MAX_TEXT = 2000
MAX_OTHER = 500
MAX_QUESTION = 500
MAX_QUESTIONS = 5
MAX_THEMES = 3
MAX_URL = 500

ROLE_LABELS = {
    "bewoner": _l("Resident"),
    "buurtmaker": _l("Active resident or neighbourhood maker"),
    "wijkprofessional": _l("Neighbourhood professional"),
    "beleidsmaker": _l("Policy maker"),
    "bestuurder": _l("Administrator (for example alderman or councillor)"),
    "anders": _l("Other"),
}

KNOWLEDGE_LABELS = {
    "collega": _l("From colleagues"),
    "netwerkbijeenkomsten": _l("At network meetings"),
    "kennisinstituten": _l("On websites of knowledge institutes"),
    "vakliteratuur": _l("From professional literature"),
    "training": _l("In training courses"),
    "sociale-media": _l("On social media"),
    "bewoners": _l("From residents themselves"),
    "anders": _l("Other"),
}

NEED_LABELS = {
    "training": _l("Training or a course"),
    "intervisie": _l("Peer consultation (intervisie)"),
    "praktijkvoorbeelden": _l("Examples from practice"),
    "onderzoek": _l("Research"),
    "netwerk": _l("A network of people"),
    "hulpmiddelen": _l("Tools and methods"),
    "anders": _l("Other"),
}

LANGUAGE_LABELS = {"nl": "Nederlands", "en": "English"}

