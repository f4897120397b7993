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


@dataclass(frozen=True)
class NotificationsSettings:
    mail_from: str
    message_id_domain: str
    smtp: SmtpSettings | None  # None: write .eml files to mail_dir
    mail_dir: Path
    send_rate_per_second: float

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
            )
        elif not settings.embedded:
            raise ConfigurationError("notifications: production mode needs BUURT_SMTP_HOST")
        mail_from = settings.value("MAIL_FROM", "Buurtplatform <noreply@buurtplatform.localhost>")
        return cls(
            mail_from=mail_from,
            message_id_domain=settings.value("MESSAGE_ID_DOMAIN", mail_from.rsplit("@", 1)[-1].strip(">")),
            smtp=smtp,
            mail_dir=Path(settings.value("MAIL_DIR", str(settings.data_dir / "mail"))),
            send_rate_per_second=settings.number("SEND_RATE", 50),
        )
