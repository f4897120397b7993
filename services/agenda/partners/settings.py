"""The partner part's own settings, read from the environment by the composition roots."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from shared.config import ConfigurationError, Settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class PartnerSettings:
    curator_token: str | None  # None: the curator API is off and answers 503
    allow_http: bool  # plain http endpoints; never in production
    allowed_networks: tuple[Network, ...]  # exceptions to the SSRF guard (tests: loopback)
    timeout_seconds: float
    retry_window: timedelta
    backoff_initial_seconds: float
    backoff_max_seconds: float
    secret_overlap: timedelta
    delivery_interval_seconds: float
    batch_size: int
    lease: timedelta
    log_retention: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> "PartnerSettings":
        token = settings.value("CURATOR_TOKEN")
        if token and not settings.embedded and len(token) < 32:
            # Unset is allowed (the curator API stays off); a weak token is not.
            raise ConfigurationError("agenda: BUURT_CURATOR_TOKEN must be at least 32 characters in production")
        allow_http = settings.flag("WEBHOOK_ALLOW_HTTP", settings.embedded)
        if allow_http and not settings.embedded:
            raise ConfigurationError("agenda: BUURT_WEBHOOK_ALLOW_HTTP is not allowed in production; webhooks use https")
        timeout = settings.number("WEBHOOK_TIMEOUT", 10.0)
        window_hours = settings.number("WEBHOOK_RETRY_WINDOW_HOURS", 48.0)
        batch_size = max(1, settings.integer("WEBHOOK_BATCH_SIZE", 20))
        if window_hours < 24 and not settings.embedded:
            raise ConfigurationError("agenda: BUURT_WEBHOOK_RETRY_WINDOW_HOURS must be at least 24 in production")
        return cls(
            curator_token=token or None,
            allow_http=allow_http,
            allowed_networks=parse_networks(settings.value("WEBHOOK_ALLOWED_NETWORKS", "")),
            timeout_seconds=timeout,
            retry_window=timedelta(hours=window_hours),
            backoff_initial_seconds=settings.number("WEBHOOK_BACKOFF_INITIAL", 5.0),
            backoff_max_seconds=settings.number("WEBHOOK_BACKOFF_MAX", 3600.0),
            secret_overlap=timedelta(hours=settings.number("WEBHOOK_SECRET_OVERLAP_HOURS", 24.0)),
            delivery_interval_seconds=settings.number("WEBHOOK_DELIVERY_INTERVAL", 2.0),
            batch_size=batch_size,
            # A claimed batch is sent one by one: the lease covers the whole batch timing out, so
            # no other worker takes a row of it while it is still waiting its turn here.
            lease=timedelta(seconds=max(60.0, 2 * timeout * batch_size)),
            log_retention=timedelta(days=settings.number("WEBHOOK_LOG_RETENTION_DAYS", 30.0)),
        )


def parse_networks(raw: str | None) -> tuple[Network, ...]:
    networks = []
    for part in (raw or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ConfigurationError(f"BUURT_WEBHOOK_ALLOWED_NETWORKS: {part!r} is not a CIDR network") from exc
    return tuple(networks)
