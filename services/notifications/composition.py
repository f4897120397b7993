"""Builds notifications' collaborators from settings: shared by the app and the worker."""

from __future__ import annotations

from datetime import timedelta

from services.notifications.composer import Composer, Links
from services.notifications.links import LinkSigner
from services.notifications.mailer import Mailer, backoff
from services.notifications.rendering import Renderer
from services.notifications.settings import NotificationsSettings
from services.notifications.transports import FileTransport, SmtpTransport, Transport
from shared.config import Settings
from shared.db.uow import UnitOfWorkProvider


def make_signer(settings: Settings, own: NotificationsSettings) -> LinkSigner:
    return LinkSigner(
        settings.secret_key,
        preferences_max_age=timedelta(days=own.preferences_link_days),
        introduction_max_age=timedelta(days=own.introduction_valid_days),
    )


def make_composer(settings: Settings, own: NotificationsSettings) -> Composer:
    links = Links(
        intake=settings.public_url("intake"),
        agenda=settings.public_url("agenda"),
        notifications=settings.public_url("notifications"),
        signer=make_signer(settings, own),
        unsubscribe_mailto=own.unsubscribe_mailto,
    )
    return Composer(Renderer(), links, own.message_id_domain, settings.integer("CONFIRM_MAX_AGE_DAYS", 7))


def make_transport(own: NotificationsSettings) -> Transport:
    return SmtpTransport(own.smtp) if own.smtp else FileTransport(own.mail_dir)


def make_mailer(uow_factory: UnitOfWorkProvider, own: NotificationsSettings) -> Mailer:
    return Mailer(
        uow_factory,
        make_transport(own),
        own.mail_from,
        batch_size=own.batch_size,
        rate_per_second=own.send_rate_per_second,
        retry_delay=backoff(own.retry_base_seconds, own.retry_max_seconds),
        mark_every=own.mark_every,
        lease=timedelta(seconds=own.lease_seconds),
        connections=own.connections,
    )
