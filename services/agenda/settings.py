"""Agenda's own settings (the priority formula and what is published), read by the composition roots."""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import ConfigurationError, Settings

# The parts of the priority score, in the order the agenda page explains them.
SCORE_PARTS = ("members", "municipalities", "roles", "urgency", "recency")
DEFAULT_WEIGHTS = {"members": 0.30, "municipalities": 0.25, "roles": 0.10, "urgency": 0.20, "recency": 0.15}


@dataclass(frozen=True)
class AgendaSettings:
    weights: dict[str, float]  # per score part; only their ratios matter (the score is divided by their sum)
    min_group: int = 5  # cells (themes, provinces, roles) with fewer members are never published
    trend_days: int = 30  # "recent" for the trend and the recency part of the score
    similarity: float = 0.6  # Jaccard similarity of normalised words from which two questions count as alike
    questions_per_theme: int = 5  # representative questions shown per theme
    public_url: str = "http://127.0.0.1:8000/agenda"
    grouping_interval_seconds: float = 60.0  # how often the worker groups all questions anew
    grouping_max_age_seconds: float = 300.0  # an older grouping is not used; drafts group afresh

    @classmethod
    def from_settings(cls, settings: Settings) -> "AgendaSettings":
        weights = {part: settings.number(f"AGENDA_WEIGHT_{part.upper()}", default) for part, default in DEFAULT_WEIGHTS.items()}
        if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise ConfigurationError("agenda: BUURT_AGENDA_WEIGHT_* must be 0 or more, and not all 0")
        min_group = settings.integer("AGENDA_MIN_GROUP", 5)
        if min_group < 5:
            raise ConfigurationError("agenda: BUURT_AGENDA_MIN_GROUP may not be below 5 (the platform's privacy rule)")
        similarity = settings.number("AGENDA_SIMILARITY", 0.6)
        if not 0 < similarity <= 1:
            raise ConfigurationError("agenda: BUURT_AGENDA_SIMILARITY must be above 0 and at most 1")
        return cls(
            weights=weights,
            min_group=min_group,
            trend_days=max(1, settings.integer("AGENDA_TREND_DAYS", 30)),
            similarity=similarity,
            questions_per_theme=max(1, settings.integer("AGENDA_QUESTIONS_PER_THEME", 5)),
            public_url=settings.public_url("agenda"),
            grouping_interval_seconds=max(1.0, settings.number("AGENDA_GROUPING_INTERVAL", 60.0)),
            grouping_max_age_seconds=settings.number("AGENDA_GROUPING_MAX_AGE", 300.0),
        )
