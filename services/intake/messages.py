"""The error messages of the questionnaire, translatable (English msgids, Dutch catalogue).

Lazy strings: marshmallow formats them (``.format(max=...)``) while validating, which is
inside a request, so each person reads them in the language of that request.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REQUIRED = _l("Please fill this in.")
CHOOSE_ONE = _l("Please choose one of the options.")
NOT_TEXT = _l("This must be text.")
NOT_A_LIST = _l("This must be a list.")
NOT_AN_OBJECT = _l("This must be a group of answers (a JSON object).")
NOT_YES_NO = _l("This must be yes or no (true or false).")
UNKNOWN_FIELD = _l("We do not know this field. Check the spelling.")
TOO_LONG = _l("Please use at most {max} characters.")
EMAIL = _l("Please enter an e-mail address like name@example.nl.")
URL = _l("Please enter a web address that starts with https:// or http://.")
MUNICIPALITY = _l("We cannot find this municipality. Type its name (for example Utrecht) or its CBS code (for example GM0344).")
MUNICIPALITY_SUGGEST = _l("We cannot find this municipality. Did you mean: {names}?")
ROLE_OTHER = _l("You chose 'other': please say what your role is.")
OTHER_TEXT = _l("You chose 'other': please describe it.")
THEMES_MAX = _l("Please choose at most {max} themes.")
UNKNOWN_THEME = _l("This theme does not exist. Choose from the list.")
DUPLICATE = _l("You chose the same option twice.")
CHOICES_MIN = _l("Please choose at least one option.")
QUESTIONS_COUNT = _l("Please write at least 1 and at most {max} questions.")
CONSENT_CONTACT = _l("We can only take your answers if we may contact you. Please tick the box.")
EXPERTISE_TEXT = _l("You chose themes for your expertise: please describe what you can offer.")
PUBLISH_WITHOUT_EXAMPLE = _l("You can only agree to publication if you describe an example.")
INVALID_BODY = _l("The request body must be a JSON object.")
