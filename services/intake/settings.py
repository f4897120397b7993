"""Intake's own settings, read from the environment by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from shared.config import Settings


@dataclass(frozen=True)
class IntakeSettings:
    confirm_max_age: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> "IntakeSettings":
        return cls(confirm_max_age=timedelta(days=settings.number("CONFIRM_MAX_AGE_DAYS", 7)))
