"""Runs services in-process against real infrastructure: each service's runtime, Flask app
(driven through its test client) and worker threads, as the production entrypoints build them."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask
from flask.testing import FlaskClient

from services.catalog import module
from shared.config import Settings
from shared.db.uow import UnitOfWork
from shared.messaging.worker import Worker
from shared.runtime import Runtime

# Short retry steps so tests see retries and dead letters within seconds.
TEST_ENV = {"BUURT_RETRY_DELAYS": "0.2,0.4", "BUURT_DELIVERY_LIMIT": "3", "BUURT_MAILER_INTERVAL": "0.5"}


@dataclass
class RunningService:
    name: str
    runtime: Runtime
    app: Flask
    worker: Worker

    @property
    def client(self) -> FlaskClient:
        return self.app.test_client()

    def uow(self) -> UnitOfWork:
        return self.runtime.uow_factory()


@dataclass
class Platform:
    services: dict[str, RunningService] = field(default_factory=dict)

    def __getitem__(self, name: str) -> RunningService:
        return self.services[name]

    def start(self) -> "Platform":
        for service in self.services.values():
            service.worker.declare_topology()
        for service in self.services.values():
            service.worker.start()
        for service in self.services.values():
            if service.worker.consumer is not None:
                service.worker.consumer.ready.wait(10)
        return self

    def stop(self) -> None:
        for service in self.services.values():
            service.worker.stop()
        for service in self.services.values():
            service.worker.join()
            service.runtime.engine.dispose()


def build_service(name: str, env: dict[str, str]) -> RunningService:
    settings = Settings.from_env(name, {**TEST_ENV, **env})
    runtime = Runtime.create(settings, module(name, "models").TABLES)
    app = module(name, "app").create_app(runtime)
    app.config["TESTING"] = True
    return RunningService(name, runtime, app, module(name, "worker").build_worker(runtime))
