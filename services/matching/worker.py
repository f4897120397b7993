"""Matching's message entrypoint: consumer and outbox relay, classifying with the active model."""

from __future__ import annotations

import threading
from functools import partial

from services.matching import handlers, peer_index, versions
from services.matching.app import build_runtime
from services.matching.peer_index import PeerIndex
from services.matching.peers import month_of
from services.matching.settings import MatchingSettings
from shared.contracts.envelope import utcnow
from shared.messaging.worker import PeriodicJob, Worker
from shared.runtime import Runtime


def build_worker(runtime: Runtime) -> Worker:
    own = MatchingSettings.from_settings(runtime.settings)
    models = versions.ModelProvider()
    index = PeerIndex()
    # Runs once as soon as the worker starts (the event is already set), then rests: a fresh
    # database gets a version trained on the bundled texts before the first message needs it.
    warm_now = threading.Event()
    warm_now.set()
    return Worker(
        runtime.settings,
        runtime.uow_factory,
        handlers={
            "intake.submission.confirmed.v1": partial(
                handlers.on_submission_confirmed, models=models, index=index, settings=own
            ),
            "intake.member.erased.v1": handlers.on_member_erased,
        },
        jobs=[
            PeriodicJob("classifier-warm-up", 24 * 3600, partial(models.warm, runtime.uow_factory), wake=warm_now),
            PeriodicJob("purge-peer-index", 24 * 3600, partial(purge_peer_index, runtime)),
        ],
    )


def purge_peer_index(runtime: Runtime) -> None:
    with runtime.uow_factory() as uow:
        peer_index.purge(uow, month_of(utcnow()))


def main() -> None:
    build_worker(build_runtime()).run_forever()
