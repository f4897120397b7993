"""The web form's side of the one validation: HTML form fields to the JSON body and errors back.

Form fields are named by the path of the answer in the JSON body (``urgent_issues.text``),
so an error from the shared validation lands beside the field it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from services.intake.questionnaire import MAX_QUESTIONS
from services.intake.validation import Errors

# Lists of checkboxes: an error about one item belongs to the whole group.
CHECKBOX_GROUPS = ("urgent_issues.themes", "knowledge_sources.choices", "needs.choices", "expertise.themes")
TEXT_FIELDS = (
    "name",
    "email",
    "role_other",
    "organisation",
    "municipality",
    "neighbourhood",
    "urgent_issues.text",
    "knowledge_sources.other",
    "needs.other",
    "expertise.text",
    "practice_example.title",
    "practice_example.description",
    "practice_example.url",
)

# The label that the error summary shows for each field.
FIELD_LABELS = {
    "name": _l("Your name"),
    "email": _l("Your e-mail address"),
    "language": _l("Language for e-mails"),
    "role": _l("Your role"),
    "role_other": _l("Your role, in your own words"),
    "organisation": _l("Organisation"),
    "municipality": _l("Municipality"),
    "neighbourhood": _l("Neighbourhood"),
    "urgent_issues.themes": _l("Themes of the most urgent issues"),
    "urgent_issues.text": _l("The most urgent issues"),
    "knowledge_sources.choices": _l("Where you find knowledge"),
    "knowledge_sources.other": _l("Other source of knowledge"),
    "needs.choices": _l("What you need"),
    "needs.other": _l("Other need"),
    "expertise.text": _l("What you can offer"),
    "expertise.themes": _l("Themes of your expertise"),
    "practice_example.title": _l("Title of the example"),
    "practice_example.description": _l("Description of the example"),
    "practice_example.url": _l("Link to the example"),
    "consents.contact": _l("Permission to contact you"),
    "consents.peer_introductions": _l("Introductions to others"),
    "consents.publish_example": _l("Publishing your example"),
}


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-").replace("_", "-")


@dataclass
class FormState:
    """What the template needs to show the form again: the values as typed and the errors per field."""

    values: MultiDict = field(default_factory=MultiDict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def chosen(self, name: str) -> list[str]:
        return self.values.getlist(name)

    def summary(self) -> list[tuple[str, str, str]]:
        """(anchor, label, message) for every error, in the order of the form."""
        fields = list(FIELD_LABELS)
        at = fields.index("needs.choices")  # the questions come between knowledge and needs
        fields[at:at] = [f"learning_questions.{i}" for i in range(MAX_QUESTIONS)]
        order = {name: i for i, name in enumerate(["_form", *fields])}
        items = []
        for path in sorted(self.errors, key=lambda p: order.get(p, len(order))):
            label = _question_label(path) if path.startswith("learning_questions.") else FIELD_LABELS.get(path, "")
            for message in self.errors[path]:
                items.append((self.anchor(path), str(label), message))
        return items

    def anchor(self, path: str) -> str:
        if path == "_form":
            return field_id("name")
        if path in CHECKBOX_GROUPS or path in ("role", "language"):
            return field_id(path) + "-0"  # the group's first option
        return field_id(path)


def _question_label(path: str) -> str:
    return str(_l("Learning question %(number)s", number=int(path.rsplit(".", 1)[1]) + 1))


def body_from_form(form: MultiDict) -> tuple[dict[str, Any], list[int]]:
    """The JSON body the form stands for, and for each learning question in it the form field it came from."""
    def text(name: str) -> str:
        return form.get(name, "").strip()

    body: dict[str, Any] = {
        "name": text("name"),
        "email": text("email"),
        "language": form.get("language", "nl"),
        "municipality": text("municipality"),
        "urgent_issues": {"themes": form.getlist("urgent_issues.themes"), "text": text("urgent_issues.text")},
        "knowledge_sources": {"choices": form.getlist("knowledge_sources.choices"), "other": text("knowledge_sources.other") or None},
        "needs": {"choices": form.getlist("needs.choices"), "other": text("needs.other") or None},
        "consents": {
            "contact": form.get("consents.contact") == "yes",
            "peer_introductions": form.get("consents.peer_introductions") == "yes",
            "publish_example": form.get("consents.publish_example") == "yes",
        },
    }
    if form.get("role"):
        body["role"] = form["role"]
    for optional in ("role_other", "organisation", "neighbourhood"):
        if text(optional):
            body[optional] = text(optional)
    question_fields = [i for i in range(MAX_QUESTIONS) if text(f"learning_questions.{i}")]
    body["learning_questions"] = [text(f"learning_questions.{i}") for i in question_fields]
    if text("expertise.text") or form.getlist("expertise.themes"):
        body["expertise"] = {"text": text("expertise.text"), "themes": form.getlist("expertise.themes")}
    example = {name: text(f"practice_example.{name}") for name in ("title", "description", "url")}
    if any(example.values()):
        body["practice_example"] = {k: v for k, v in example.items() if v or k != "url"}
    return body, question_fields


def errors_for_form(errors: Errors, question_fields: list[int]) -> dict[str, list[str]]:
    """Errors keyed by the form field they belong beside."""
    placed: dict[str, list[str]] = {}
    for path, messages in errors.items():
        placed.setdefault(_form_field(path, question_fields), []).extend(messages)
    return placed


def _form_field(path: str, question_fields: list[int]) -> str:
    for group in CHECKBOX_GROUPS:
        if path.startswith(group):
            return group
    if path == "learning_questions":
        return "learning_questions.0"
    if path.startswith("learning_questions."):
        index = int(path.split(".")[1])
        return f"learning_questions.{question_fields[index] if index < len(question_fields) else 0}"
    if path in FIELD_LABELS:
        return path
    return "_form"  # an unknown field or a malformed post: not something a person typed
