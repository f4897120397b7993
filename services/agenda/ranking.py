"""The priority score of a theme and the ranked, suppressed snapshot of the live agenda.

Score (between 0 and 1) = sum of weight x part / sum of weights, with each part between 0 and 1:

- ``members``: members who asked about or mentioned the theme, divided by the most of any theme;
- ``municipalities``: municipalities those members come from, divided by the most of any theme;
- ``roles``: different roles among them (resident, professional, ...) out of all roles;
- ``urgency``: urgent-issue mentions, divided by the most of any theme;
- ``recency``: the share of the theme's texts that arrived in the last ``trend_days`` days.

Only themes with at least ``min_group`` members are ranked; the others are counted as
"not shown" and never published with any number. Within a theme, a province or role with
fewer than ``min_group`` members is published as suppressed (null), in every output.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from services.agenda.models import ALL_THEMES, ThemeCell, ThemeDay, ThemeStat
from services.agenda.representatives import representatives_for
from services.agenda.settings import SCORE_PARTS, AgendaSettings
from shared.contracts.envelope import isoformat, utcnow
from shared.contracts.fields import ROLES
from shared.db.uow import UnitOfWork


def score(parts: dict[str, float], weights: dict[str, float]) -> float:
    total = sum(weights.values())
    return round(sum(weights[p] * parts[p] for p in SCORE_PARTS) / total, 4)


def trend_label(recent: int, earlier: int, earlier_days: int, trend_days: int) -> str:
    """'new' (nothing before), 'rising' or 'falling' (daily rate a quarter above or below before), 'steady'."""
    if recent == 0 and earlier == 0:
        return "steady"
    if earlier == 0 or earlier_days <= 0:
        return "new"
    ratio = (recent / trend_days) / (earlier / earlier_days)
    return "rising" if ratio >= 1.25 else "falling" if ratio <= 0.8 else "steady"


def _cells(uow: UnitOfWork) -> dict[str, dict[str, dict[str, int]]]:
    cells: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for slug, dimension, value, members in uow.session.execute(
        select(ThemeCell.slug, ThemeCell.dimension, ThemeCell.value, ThemeCell.members).where(ThemeCell.members > 0)
    ):
        cells[slug][dimension][value] = members
    return cells


def _days(uow: UnitOfWork, since: date) -> dict[str, dict[str, Any]]:
    recent = func.sum(ThemeDay.texts).filter(ThemeDay.day >= since)
    earlier = func.sum(ThemeDay.texts).filter(ThemeDay.day < since)
    rows = uow.session.execute(
        select(ThemeDay.slug, recent, earlier, func.min(ThemeDay.day)).group_by(ThemeDay.slug)
    )
    return {slug: {"recent": r or 0, "earlier": e or 0, "first_day": first} for slug, r, e, first in rows}


def suppressed(count: int, min_group: int) -> int | None:
    return count if count >= min_group else None


def breakdown(cells: dict[str, int], min_group: int, keys: list[str] | None = None) -> list[dict[str, Any]]:
    """Members per key, null below the minimum group size."""
    keys = keys if keys is not None else sorted(cells)
    return [{"key": key, "members": suppressed(cells.get(key, 0), min_group)} for key in keys if cells.get(key, 0) > 0]


def live_snapshot(uow: UnitOfWork, settings: AgendaSettings, with_questions: bool = True) -> dict[str, Any]:
    """The live agenda as it would be published now: ranked, suppressed, with representative questions."""
    today = utcnow().date()
    since = today - timedelta(days=settings.trend_days - 1)
    stats = {s.slug: s for s in uow.session.scalars(select(ThemeStat))}
    cells = _cells(uow)
    days = _days(uow, since)
    eligible = [s for slug, s in stats.items() if slug != ALL_THEMES and s.members >= settings.min_group]
    hidden = sum(1 for slug, s in stats.items() if slug != ALL_THEMES and 0 < s.members < settings.min_group)
    most = {
        "members": max((s.members for s in eligible), default=0),
        "municipalities": max((len(cells[s.slug]["municipality"]) for s in eligible), default=0),
        "urgency": max((s.urgent_mentions for s in eligible), default=0),
    }
    themes = []
    for stat in eligible:
        theme_cells = cells[stat.slug]
        activity = days.get(stat.slug, {"recent": 0, "earlier": 0, "first_day": today})
        recent, earlier = activity["recent"], activity["earlier"]
        parts = {
            "members": stat.members / most["members"] if most["members"] else 0.0,
            "municipalities": len(theme_cells["municipality"]) / most["municipalities"] if most["municipalities"] else 0.0,
            "roles": len(theme_cells["role"]) / len(ROLES),
            "urgency": stat.urgent_mentions / most["urgency"] if most["urgency"] else 0.0,
            "recency": recent / (recent + earlier) if recent + earlier else 0.0,
        }
        themes.append(
            {
                "slug": stat.slug,
                "score": score(parts, settings.weights),
                "score_parts": {p: round(v, 4) for p, v in parts.items()},
                "members": stat.members,
                "questions": stat.questions,
                "urgent_mentions": stat.urgent_mentions,
                "municipalities": len(theme_cells["municipality"]),
                "provinces": len(theme_cells["province"]),
                "roles": len(theme_cells["role"]),
                "trend": trend_label(recent, earlier, (since - activity["first_day"]).days, settings.trend_days),
                "texts_recent": recent,
                "texts_earlier": earlier,
                "breakdown": {
                    "provinces": breakdown(theme_cells["province"], settings.min_group),
                    "roles": breakdown(theme_cells["role"], settings.min_group, list(ROLES)),
                },
                "representative_questions": [],
            }
        )
    themes.sort(key=lambda t: (-t["score"], -t["members"], t["slug"]))
    for rank, theme in enumerate(themes, 1):
        theme["rank"] = rank
    if with_questions and themes:
        representatives = representatives_for(uow, [t["slug"] for t in themes], settings)
        for theme in themes:
            theme["representative_questions"] = representatives.get(theme["slug"], [])
    overall = stats.get(ALL_THEMES)
    all_cells = cells[ALL_THEMES]
    return {
        "generated_at": isoformat(utcnow()),
        "totals": {
            "members": suppressed(overall.members if overall else 0, settings.min_group),
            "questions": overall.questions if overall and overall.members >= settings.min_group else None,
            "municipalities": len(all_cells["municipality"]),
            "provinces": breakdown(all_cells["province"], settings.min_group),
            "roles": breakdown(all_cells["role"], settings.min_group, list(ROLES)),
        },
        "themes": themes,
        "themes_not_shown": hidden,
        "formula": {"weights": dict(settings.weights), "min_group": settings.min_group, "trend_days": settings.trend_days},
    }
