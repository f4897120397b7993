"""Intake's message entrypoint: the outbox relay (and, later, erasure reports)."""

from __future__ import annotations

from services.intake.app import build_runtime
from shared.messaging.worker import Worker
from shared.runtime import Runtime


def build_worker(runtime: Runtime) -> Worker:
    return Worker(runtime.settings, runtime.uow_factory, handlers={})


def main() -> None:
    build_worker(build_runtime()).run_forever()
