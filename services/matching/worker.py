"""Matching's message entrypoint: consumer and outbox relay."""

from __future__ import annotations

from functools import partial

from services.matching import baseline, handlers
from services.matching.app import build_runtime
from shared.messaging.worker import Worker
from shared.runtime import Runtime


def build_worker(runtime: Runtime) -> Worker:
    return Worker(
        runtime.settings,
        runtime.uow_factory,
        handlers={
            "intake.submission.confirmed.v1": partial(
                handlers.on_submission_confirmed, classify=baseline.classify, classifier_version=baseline.VERSION
            ),
            "intake.member.erased.v1": handlers.on_member_erased,
        },
    )


def main() -> None:
    build_worker(build_runtime()).run_forever()
