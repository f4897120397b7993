"""Intake's own settings, read from the environment by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from shared.config import Settings


@dataclass(frozen=True)
class IntakeSettings:
    confirm_max_age: timedelta
    unconfirmed_retention: timedelta
    erasure_link_max_age: timedelta
    idempotency_ttl: timedelta
    resend_interval: timedelta
    resend_max: int
    min_fill_seconds: float
    rate_limit_enabled: bool
    rate_limit_storage_uri: str
    rate_limit_key_prefix: str
    submit_rate_limit: str
    resend_rate_limit: str
    erase_rate_limit: str
    trusted_proxies: int
    purge_interval_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> "IntakeSettings":
        return cls(
            confirm_max_age=timedelta(days=settings.number("CONFIRM_MAX_AGE_DAYS", 7)),
            unconfirmed_retention=timedelta(days=settings.number("UNCONFIRMED_RETENTION_DAYS", 30)),
            erasure_link_max_age=timedelta(days=settings.number("ERASURE_LINK_MAX_AGE_DAYS", 365)),
            idempotency_ttl=timedelta(hours=settings.number("IDEMPOTENCY_TTL_HOURS", 24)),
            resend_interval=timedelta(seconds=settings.number("RESEND_INTERVAL_SECONDS", 60)),
            resend_max=settings.integer("RESEND_MAX", 3),
            min_fill_seconds=settings.number("MIN_FILL_SECONDS", 3),
            rate_limit_enabled=settings.flag("RATE_LIMIT_ENABLED", True),
            rate_limit_storage_uri=settings.value("RATE_LIMIT_STORAGE_URI", "memory://"),
            rate_limit_key_prefix=settings.value("RATE_LIMIT_KEY_PREFIX", "buurt-intake"),
            submit_rate_limit=settings.value("SUBMIT_RATE_LIMIT", "10 per minute;100 per hour"),
            resend_rate_limit=settings.value("RESEND_RATE_LIMIT", "5 per hour"),
            erase_rate_limit=settings.value("ERASE_RATE_LIMIT", "10 per hour"),
            trusted_proxies=settings.integer("TRUSTED_PROXIES", 0),
            purge_interval_seconds=settings.number("PURGE_INTERVAL_SECONDS", 3600),
        )
