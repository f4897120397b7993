"""Agenda's message entrypoint: consumer and outbox relay."""

from __future__ import annotations

from services.agenda import handlers
from services.agenda.app import build_runtime
from services.agenda.partners.jobs import partner_jobs
from shared.messaging.worker import Worker
from shared.runtime import Runtime


def build_worker(runtime: Runtime) -> Worker:
    return Worker(
        runtime.settings,
        runtime.uow_factory,
        handlers={
            "intake.submission.confirmed.v1": handlers.on_submission_confirmed,
            "matching.submission.classified.v1": handlers.on_submission_classified,
        },
        jobs=partner_jobs(runtime),
    )


def main() -> None:
    build_worker(build_runtime()).run_forever()
