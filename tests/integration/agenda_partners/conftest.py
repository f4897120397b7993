"""Fixtures for the partner tests: an agenda app on a fresh database, a deliverer, a receiver."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from datetime import datetime, timedelta

import pytest

from services.agenda.app import create_app
from services.agenda.models import TABLES
from services.agenda.partners import handlers
from services.agenda.partners.delivery import Deliverer
from services.agenda.partners.jobs import build_deliverer
from services.agenda.partners.settings import PartnerSettings
from shared.config import Settings
from shared.contracts.envelope import utcnow
from shared.contracts.samples import sample
from shared.runtime import Runtime
from tests.integration.agenda_partners.receiver import WebhookReceiver

CURATOR_TOKEN = "curator-token-for-tests-0123456789abcdef"
LOOPBACK = "127.0.0.0/8,::1/128"
CURATOR = {"Authorization": f"Bearer {CURATOR_TOKEN}"}


class Clock:
    """A clock the tests move by hand; the deliverer reads it for every decision."""

    def __init__(self, start: datetime | None = None):
        self.now = start or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


class Agenda:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.app = create_app(runtime)
        self.app.config["TESTING"] = True
        self.client = self.app.test_client()
        self.settings = PartnerSettings.from_settings(runtime.settings)

    def uow(self):
        return self.runtime.uow_factory()

    def deliverer(self, clock=None, **overrides) -> Deliverer:
        settings = self.settings
        if overrides:
            settings = dataclasses.replace(settings, **overrides)
        deliverer = build_deliverer(self.runtime, settings)
        if clock is not None:
            deliverer.clock = clock
        return deliverer

    def register_partner(self, name: str = "Kennisinstituut Buurt") -> tuple[str, dict[str, str]]:
        response = self.client.post("/api/v1/curator/partners", json={"name": name}, headers=CURATOR)
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        return body["partner"]["id"], {"Authorization": f"Bearer {body['api_token']}"}

    def subscribe(self, auth: dict[str, str], url: str, themes=(), event_types=("agenda.agenda.published.v1",)) -> dict:
        response = self.client.post(
            "/api/v1/partner/subscriptions",
            json={"url": url, "event_types": list(event_types), "themes": list(themes)},
            headers=auth,
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def publish(self, version: int = 3, themes: list[str] | None = None):
        """What the agenda's publish use case does: publish and queue deliveries, one transaction."""
        data = sample("agenda.agenda.published.v1")
        data["version"] = version
        if themes is not None:
            template = data["themes"][0]
            data["themes"] = [{**template, "slug": slug, "rank": rank} for rank, slug in enumerate(themes, 1)]
        with self.uow() as uow:
            event = uow.publish("agenda.agenda.published.v1", subject=str(version), data=data)
            queued = handlers.queue_webhook_deliveries(uow, event)
            uow.commit()
            # Plain copies: the rows are expired once the unit of work closes.
            deliveries = [SimpleNamespace(id=d.id, subscription_id=d.subscription_id) for d in queued]
        return event, deliveries


@pytest.fixture
def make_agenda(make_database, tmp_path):
    """make_agenda(**env) -> an agenda app (no worker) on a fresh PostgreSQL database."""
    runtimes: list[Runtime] = []

    def make(**env: str) -> Agenda:
        settings = Settings.from_env(
            "agenda",
            {
                "BUURT_DATABASE_URL": make_database("agenda"),
                "BUURT_DATA_DIR": str(tmp_path / "data"),
                "BUURT_PUBLIC_URL": "http://buurt.test",
                "BUURT_CURATOR_TOKEN": CURATOR_TOKEN,
                "BUURT_WEBHOOK_ALLOWED_NETWORKS": LOOPBACK,
                "BUURT_WEBHOOK_TIMEOUT": "3",
                **env,
            },
        )
        runtime = Runtime.create(settings, TABLES)
        runtimes.append(runtime)
        return Agenda(runtime)

    yield make
    for runtime in runtimes:
        runtime.engine.dispose()


@pytest.fixture
def agenda(make_agenda) -> Agenda:
    return make_agenda()


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()
