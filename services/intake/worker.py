"""Intake's message entrypoint: outbox relay, erasure reports, and the purge jobs."""

from __future__ import annotations

from functools import partial

from services.intake import erasure, housekeeping
from services.intake.app import build_runtime
from services.intake.settings import IntakeSettings
from shared.messaging.worker import PeriodicJob, Worker
from shared.runtime import Runtime

ERASURE_REPORTS = ("matching.erasure.completed.v1", "notifications.erasure.completed.v1", "agenda.erasure.completed.v1")


def build_worker(runtime: Runtime) -> Worker:
    own = IntakeSettings.from_settings(runtime.settings)
    uow_factory = runtime.uow_factory
    jobs = [
        PeriodicJob(
            "purge-unconfirmed",
            own.purge_interval_seconds,
            partial(housekeeping.purge_unconfirmed, uow_factory, own.unconfirmed_retention),
        ),
        PeriodicJob("purge-idempotency-keys", own.purge_interval_seconds, partial(housekeeping.purge_idempotency_keys, uow_factory)),
    ]
    return Worker(runtime.settings, uow_factory, handlers={t: erasure.record_report for t in ERASURE_REPORTS}, jobs=jobs)


def main() -> None:
    build_worker(build_runtime()).run_forever()
