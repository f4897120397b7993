"""Builds notifications' collaborators from settings: shared by the app and the worker."""

from __future__ import annotations

from services.notifications.composer import Composer, Links
from services.notifications.rendering import Renderer
from services.notifications.settings import NotificationsSettings
from services.notifications.transports import FileTransport, SmtpTransport, Transport
from shared.config import Settings


def make_composer(settings: Settings, own: NotificationsSettings) -> Composer:
    links = Links(
        intake=settings.public_url("intake"),
        agenda=settings.public_url("agenda"),
        notifications=settings.public_url("notifications"),
    )
    return Composer(Renderer(), links, own.message_id_domain, settings.integer("CONFIRM_MAX_AGE_DAYS", 7))


def make_transport(own: NotificationsSettings) -> Transport:
    return SmtpTransport(own.smtp) if own.smtp else FileTransport(own.mail_dir)
