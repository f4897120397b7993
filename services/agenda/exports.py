"""Open-data exports of a version: CSV tables and the JSON document, from its public view."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

THEME_COLUMNS = (
    "version", "rank", "score_rank", "slug", "label", "score", "members", "questions", "urgent_mentions",
    "municipalities", "provinces", "roles", "trend", "note",
)


def _csv(header: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # Suppressed counts are empty cells, never a number.
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in header})
    return out.getvalue()


def themes_csv(document: dict[str, Any]) -> str:
    return _csv(THEME_COLUMNS, [{**t, "version": document["version"]} for t in document["themes"]])


def breakdown_csv(document: dict[str, Any]) -> str:
    header = ("version", "slug", "dimension", "key", "label", "members")
    rows = [
        {"version": document["version"], "slug": t["slug"], "dimension": dim, **cell}
        for t in document["themes"]
        for dim in ("provinces", "roles")
        for cell in t["breakdown"].get(dim, [])
    ]
    return _csv(header, rows)


def questions_csv(document: dict[str, Any]) -> str:
    header = ("version", "slug", "position", "text", "similar_count")
    rows = [
        {"version": document["version"], "slug": t["slug"], "position": i, **q}
        for t in document["themes"]
        for i, q in enumerate(t["representative_questions"], 1)
    ]
    return _csv(header, rows)


def json_export(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
