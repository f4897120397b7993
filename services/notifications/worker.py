"""Notifications' message entrypoint: consumer, outbox relay and the mailer."""

from __future__ import annotations

import threading
from functools import partial

from services.notifications import handlers
from services.notifications.app import build_runtime
from services.notifications.composition import make_composer, make_transport
from services.notifications.mailer import Mailer
from services.notifications.settings import NotificationsSettings
from shared.messaging.worker import PeriodicJob, Worker
from shared.runtime import Runtime


def build_worker(runtime: Runtime) -> Worker:
    settings = runtime.settings
    own = NotificationsSettings.from_settings(settings)
    composer = make_composer(settings, own)
    mailer = Mailer(runtime.uow_factory, make_transport(own), own.mail_from, rate_per_second=own.send_rate_per_second)
    mail_due = threading.Event()

    def wake_mailer(_consumer: str, outcome) -> None:
        if outcome.status == "applied":
            mail_due.set()

    return Worker(
        settings,
        runtime.uow_factory,
        handlers={
            "intake.submission.received.v1": partial(handlers.on_submission_received, composer=composer),
        },
        jobs=[PeriodicJob("mailer", settings.number("MAILER_INTERVAL", 5.0), mailer.deliver_due, wake=mail_due)],
        on_outcome=wake_mailer,
    )


def main() -> None:
    build_worker(build_runtime()).run_forever()
