"""Notifications' message entrypoint: consumer, outbox relay, the mailer and the weekly digest."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from services.notifications import digest, handlers, introductions
from services.notifications.app import build_runtime
from services.notifications.composition import make_composer, make_mailer
from services.notifications.settings import NotificationsSettings
from shared.contracts.envelope import utcnow
from shared.messaging.worker import PeriodicJob, Worker
from shared.runtime import Runtime


def build_worker(runtime: Runtime, clock: Callable[[], datetime] = utcnow) -> Worker:
    settings = runtime.settings
    own = NotificationsSettings.from_settings(settings)
    composer = make_composer(settings, own)
    mailer = make_mailer(runtime.uow_factory, own)
    mail_due = threading.Event()

    def wake_mailer(_consumer: str, outcome) -> None:
        if outcome.status == "applied":
            mail_due.set()

    def weekly_digests() -> int:
        made = digest.send_due_digests(
            runtime.uow_factory, composer, clock(), timedelta(days=own.digest_period_days)
        )
        if made:
            mail_due.set()
        return made

    return Worker(
        settings,
        runtime.uow_factory,
        handlers={
            "intake.submission.received.v1": partial(handlers.on_submission_received, composer=composer),
            "intake.submission.confirmed.v1": partial(handlers.on_submission_confirmed, composer=composer),
            "intake.member.erased.v1": handlers.on_member_erased,
            "matching.submission.classified.v1": partial(handlers.on_submission_classified, composer=composer),
            "matching.peers.suggested.v1": partial(
                introductions.on_peers_suggested, composer=composer, valid_days=own.introduction_valid_days
            ),
            "agenda.agenda.published.v1": partial(handlers.on_agenda_published, composer=composer),
        },
        jobs=[
            PeriodicJob("mailer", settings.number("MAILER_INTERVAL", 5.0), mailer.deliver_due, wake=mail_due),
            PeriodicJob("digest", own.digest_interval_seconds, weekly_digests),
        ],
        on_outcome=wake_mailer,
    )


def main() -> None:
    build_worker(build_runtime()).run_forever()
