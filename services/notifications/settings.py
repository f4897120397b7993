"""Notifications' own settings, read from the environment by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shared.config import ConfigurationError, Settings


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "none", "starttls" or "tls"
    username: str | None
    password: str | None
    timeout: float
    ca_file: str | None = None  # trust this CA bundle instead of the system's (private relays, tests)


@dataclass(frozen=True)
class NotificationsSettings:
    mail_from: str
    message_id_domain: str
    smtp: SmtpSettings | None  # None: write .eml files to mail_dir
    mail_dir: Path
    send_rate_per_second: float
    batch_size: int = 50
    unsubscribe_mailto: str | None = None  # optional mailto: address in List-Unsubscribe
    introduction_valid_days: int = 14
    preferences_link_days: int = 365
    digest_period_days: float = 7.0
    digest_interval_seconds: float = 3600.0
    retry_base_seconds: float = 30.0  # first wait after a transient failure; doubles each attempt
    retry_max_seconds: float = 1800.0
    mark_every: int = 20  # sent rows marked per transaction
    lease_seconds: float = 300.0  # a claimed row is retried after this if its worker died
    connections: int = 1  # SMTP connections used side by side, each kept open for a whole run

    @classmethod
    def from_settings(cls, settings: Settings) -> "NotificationsSettings":
        host = settings.value("SMTP_HOST")
        security = settings.value("SMTP_SECURITY", "starttls" if not settings.embedded else "none")
        if security not in ("none", "starttls", "tls"):
            raise ConfigurationError("BUURT_SMTP_SECURITY must be none, starttls or tls")
        smtp = None
        if host:
            smtp = SmtpSettings(
                host=host,
                port=settings.integer("SMTP_PORT", 465 if security == "tls" else 587 if security == "starttls" else 25),
                security=security,
                username=settings.value("SMTP_USERNAME"),
                password=settings.value("SMTP_PASSWORD"),
                timeout=settings.number("SMTP_TIMEOUT", 10),
                ca_file=settings.value("SMTP_CA_FILE"),
            )
            if smtp.username and security == "none" and not settings.embedded:
                raise ConfigurationError("notifications: BUURT_SMTP_USERNAME needs BUURT_SMTP_SECURITY starttls or tls")
        elif not settings.embedded:
            raise ConfigurationError("notifications: production mode needs BUURT_SMTP_HOST")
        mail_from = settings.value("MAIL_FROM", "Buurtplatform <noreply@buurtplatform.localhost>")
        rate = settings.number("SEND_RATE", 50)
        if rate <= 0:
            raise ConfigurationError("BUURT_SEND_RATE must be more than 0 e-mails per second")
        return cls(
            mail_from=mail_from,
            message_id_domain=settings.value("MESSAGE_ID_DOMAIN", mail_from.rsplit("@", 1)[-1].strip(">")),
            smtp=smtp,
            mail_dir=Path(settings.value("MAIL_DIR", str(settings.data_dir / "mail"))),
            send_rate_per_second=rate,
            batch_size=max(1, settings.integer("MAIL_BATCH_SIZE", 50)),
            unsubscribe_mailto=settings.value("UNSUBSCRIBE_MAILTO"),
            introduction_valid_days=settings.integer("INTRODUCTION_VALID_DAYS", 14),
            preferences_link_days=settings.integer("PREFERENCES_LINK_DAYS", 365),
            digest_period_days=settings.number("DIGEST_PERIOD_DAYS", 7),
            digest_interval_seconds=settings.number("DIGEST_INTERVAL", 3600),
            retry_base_seconds=settings.number("MAIL_RETRY_BASE", 30),
            retry_max_seconds=settings.number("MAIL_RETRY_MAX", 1800),
            mark_every=settings.integer("MAIL_MARK_EVERY", 20),
            lease_seconds=settings.number("MAIL_LEASE", 300),
            connections=max(1, settings.integer("SMTP_CONNECTIONS", 1)),
        )
