"""Agenda's message entrypoint: consumer and outbox relay."""

from __future__ import annotations

from services.agenda import handlers
from services.agenda.app import build_runtime
from services.agenda.erasure import erase_member
from services.agenda.partners.jobs import partner_jobs
from services.agenda.representatives import refresh_representatives
from services.agenda.settings import AgendaSettings
from shared.contracts.envelope import Event
from shared.db.uow import UnitOfWork
from shared.messaging.worker import PeriodicJob, Worker
from shared.runtime import Runtime


def grouping_job(runtime: Runtime, settings: AgendaSettings) -> PeriodicJob:
    def group_questions() -> int:
        with runtime.uow_factory() as uow:
            return refresh_representatives(uow, settings)

    return PeriodicJob("group-questions", settings.grouping_interval_seconds, group_questions)


def build_worker(runtime: Runtime) -> Worker:
    settings = AgendaSettings.from_settings(runtime.settings)

    def on_member_erased(uow: UnitOfWork, event: Event) -> None:
        erase_member(uow, event, settings)

    return Worker(
        runtime.settings,
        runtime.uow_factory,
        handlers={
            "intake.submission.confirmed.v1": handlers.on_submission_confirmed,
            "matching.submission.classified.v1": handlers.on_submission_classified,
            "intake.member.erased.v1": on_member_erased,
        },
        jobs=[*partner_jobs(runtime), grouping_job(runtime, settings)],
    )


def main() -> None:
    build_worker(build_runtime()).run_forever()
