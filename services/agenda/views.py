"""Public views of a version or of the live state: labelled, without internal ids.

Question ids and the members behind them never leave agenda: public outputs get the text
and how many members asked something alike, nothing more.
"""

from __future__ import annotations

import copy
from typing import Any

from services.agenda.models import Version
from services.agenda.wording import province_label, role_label, theme_label

INTERNAL_QUESTION_FIELDS = ("id", "member_id")


def _label_cells(cells: list[dict[str, Any]], kind: str, language: str) -> list[dict[str, Any]]:
    label = (lambda k: province_label(k)) if kind == "provinces" else (lambda k: role_label(k, language))
    return [{**cell, "label": label(cell["key"])} for cell in cells]


def public_theme(theme: dict[str, Any], language: str) -> dict[str, Any]:
    theme = copy.deepcopy(theme)
    theme["label"] = theme_label(theme["slug"], language)
    theme["representative_questions"] = [
        {k: v for k, v in q.items() if k not in INTERNAL_QUESTION_FIELDS} for q in theme["representative_questions"]
    ]
    theme.setdefault("note", None)
    breakdown = theme.get("breakdown") or {}
    theme["breakdown"] = {kind: _label_cells(breakdown.get(kind, []), kind, language) for kind in ("provinces", "roles")}
    return theme


def public_totals(totals: dict[str, Any], language: str) -> dict[str, Any]:
    return {
        **totals,
        "provinces": _label_cells(totals.get("provinces", []), "provinces", language),
        "roles": _label_cells(totals.get("roles", []), "roles", language),
    }


def public_version(version: Version, language: str = "nl") -> dict[str, Any]:
    document = version.document
    return {
        "version": document["version"],
        "published_at": document["published_at"],
        "reissue_of": document.get("reissue_of"),
        "redacted": version.redacted_at is not None,
        "themes": [public_theme(t, language) for t in document["themes"]],
        "themes_not_shown": document.get("themes_not_shown", 0),
        "changelog": document["changelog"],
        "totals": public_totals(document.get("totals", {}), language),
        "formula": document.get("formula", {}),
        "links": document["links"],
    }


def version_summary(version: Version) -> dict[str, Any]:
    return {
        "version": version.version,
        "published_at": version.document["published_at"],
        "reissue_of": version.reissue_of,
        "themes": len(version.document["themes"]),
        "links": version.document["links"],
    }
