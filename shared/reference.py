"""Reference data shipped with the project: the theme taxonomy and the CBS municipalities.

Loaded on first use and cached; nothing is read at import time.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# Names people use that differ from the CBS spelling.
MUNICIPALITY_ALIASES = {
    "den haag": "GM0518",  # 's-Gravenhage
    "the hague": "GM0518",
    "den bosch": "GM0796",  # 's-Hertogenbosch
    "s-hertogenbosch": "GM0796",
    "s-gravenhage": "GM0518",
    "bergen nh": "GM0373",
    "bergen lb": "GM0893",
}


@dataclass(frozen=True)
class Keyword:
    term: str
    match: str  # "substring", "prefix" or "word"


@dataclass(frozen=True)
class Theme:
    slug: str
    label_nl: str
    label_en: str
    description_nl: str
    keywords: tuple[Keyword, ...]

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_nl


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    province_code: str
    province: str


@cache
def themes() -> tuple[Theme, ...]:
    raw = json.loads((DATA_DIR / "themes.json").read_text(encoding="utf-8"))
    return tuple(
        Theme(
            slug=t["slug"],
            label_nl=t["label_nl"],
            label_en=t["label_en"],
            description_nl=t["description_nl"],
            keywords=tuple(Keyword(k["term"], k["match"]) for k in t["keywords"]),
        )
        for t in raw["themes"]
    )


@cache
def theme_slugs() -> frozenset[str]:
    return frozenset(t.slug for t in themes())


@cache
def themes_by_slug() -> dict[str, Theme]:
    return {t.slug: t for t in themes()}


@cache
def municipalities() -> dict[str, Municipality]:
    with (DATA_DIR / "gemeenten.csv").open(encoding="utf-8", newline="") as f:
        return {
            row["code"]: Municipality(row["code"], row["name"], row["province_code"], row["province"])
            for row in csv.DictReader(f)
        }


def _fold(name: str) -> str:
    """Lowercase, strip accents and leading apostrophes so 'Súdwest' and "'s-Gravenhage" match."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.lower().strip().lstrip("'").replace("(", "").replace(")", "").replace(".", "")


@cache
def _municipality_index() -> dict[str, str]:
    index = {_fold(m.name): code for code, m in municipalities().items()}
    index.update(MUNICIPALITY_ALIASES)
    return index


def find_municipality(name_or_code: str) -> Municipality | None:
    """Look a municipality up by CBS code, official name or common alias."""
    value = name_or_code.strip()
    if value.upper() in municipalities():
        return municipalities()[value.upper()]
    code = _municipality_index().get(_fold(value))
    return municipalities().get(code) if code else None


def suggest_municipalities(prefix: str, limit: int = 10) -> list[Municipality]:
    """Municipalities whose name or alias starts with (or else contains) the typed text."""
    folded = _fold(prefix)
    if not folded:
        return []
    starts, contains = [], []
    for name, code in sorted(_municipality_index().items()):
        bucket = starts if name.startswith(folded) else contains if folded in name else None
        if bucket is not None and code not in starts and code not in contains:
            bucket.append(code)
    return [municipalities()[c] for c in (starts + contains)[:limit]]
