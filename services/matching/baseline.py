"""Keyword baseline from themes.json: the walking skeleton's classifier until the learned one lands."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared import reference

VERSION = "keywords-1"


@dataclass(frozen=True)
class TextThemes:
    themes: dict[str, float]
    needs_review: bool


def _matches(keyword: reference.Keyword, text: str) -> bool:
    term = re.escape(keyword.term)
    if keyword.match == "word":
        return re.search(rf"\b{term}\b", text) is not None
    if keyword.match == "prefix":
        return re.search(rf"\b{term}", text) is not None
    return keyword.term in text


def classify(text: str) -> TextThemes:
    lowered = text.lower()
    hits = {t.slug: sum(_matches(k, lowered) for k in t.keywords) for t in reference.themes()}
    themes = {slug: min(1.0, 0.5 + 0.25 * n) for slug, n in hits.items() if n}
    return TextThemes(themes=themes, needs_review=not themes)
