"""Intake on its own fresh PostgreSQL database: the Flask app (test client) and its unit of work.

No relay runs here, so every event intake wrote stays in the outbox for the test to read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import func, select

from services.intake.app import create_app
from services.intake.models import TABLES, IdempotencyRecord, Member, Submission
from shared.config import Settings
from shared.runtime import Runtime
from tests.support.infrastructure import unique_name

BASE_ENV = {
    "BUURT_AMQP_URL": "memory://",
    "BUURT_PUBLIC_URL": "http://buurt.test",
    "BUURT_INTAKE_MIN_FILL_SECONDS": "0",
    "BUURT_INTAKE_SUBMIT_RATE_LIMIT": "1000 per minute",
}


@dataclass
class Intake:
    app: Flask
    runtime: Runtime

    @property
    def client(self):
        return self.app.test_client()

    @property
    def ctx(self):
        return self.app.extensions["intake"]

    def uow(self):
        return self.runtime.uow_factory()

    def counts(self) -> dict[str, int]:
        with self.uow() as uow:
            return {
                "members": uow.session.scalar(select(func.count()).select_from(Member)),
                "submissions": uow.session.scalar(select(func.count()).select_from(Submission)),
                "idempotency": uow.session.scalar(select(func.count()).select_from(IdempotencyRecord)),
                "outbox": uow.session.scalar(select(func.count()).select_from(TABLES.outbox)),
            }

    def events(self, event_type: str | None = None) -> list[dict]:
        with self.uow() as uow:
            rows = uow.session.execute(select(TABLES.outbox.c.envelope).order_by(TABLES.outbox.c.seq)).scalars()
            envelopes = [json.loads(r) for r in rows]
        return [e for e in envelopes if event_type is None or e["type"] == event_type]

    def form_page(self, client, path: str = "/", **headers) -> dict[str, str]:
        """GET the form and return the hidden fields a browser would send back."""
        html = client.get(path, headers=headers).get_data(as_text=True)
        return {
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),
            "rendered": re.search(r'name="rendered" value="([^"]+)"', html).group(1),
        }


@pytest.fixture
def make_intake(make_database, tmp_path):
    made: list[Intake] = []

    def make(**env: str) -> Intake:
        settings = Settings.from_env(
            "intake",
            {**BASE_ENV, "BUURT_DATABASE_URL": make_database("intake"), "BUURT_DATA_DIR": str(tmp_path / "data"), **env},
        )
        runtime = Runtime.create(settings, TABLES)
        app = create_app(runtime)
        app.config["TESTING"] = True
        made.append(Intake(app, runtime))
        return made[-1]

    yield make
    for intake in made:
        intake.runtime.engine.dispose()


@pytest.fixture
def intake(make_intake) -> Intake:
    return make_intake()


@pytest.fixture(scope="module")
def quiet_intake(pg, _templates, tmp_path_factory):
    """One intake for a whole module of tests that must store nothing (so they can share it)."""
    name = unique_name("buurt_test_intake")
    url = pg.create_database(name, template=_templates("intake"))
    settings = Settings.from_env(
        "intake", {**BASE_ENV, "BUURT_DATABASE_URL": url, "BUURT_DATA_DIR": str(tmp_path_factory.mktemp("data"))}
    )
    runtime = Runtime.create(settings, TABLES)
    app = create_app(runtime)
    app.config["TESTING"] = True
    yield Intake(app, runtime)
    runtime.engine.dispose()
    pg.drop_database(name)


def full_submission(email: str = "sanne@example.org") -> dict:
    """Every question answered."""
    return {
        "name": "Sanne de Vries",
        "email": email,
        "language": "nl",
        "role": "anders",
        "role_other": "Opbouwwerker",
        "organisation": "Bewonersgroep Het Plein",
        "municipality": "Den Haag",
        "neighbourhood": "Transvaal",
        "urgent_issues": {"text": "Jongeren hangen 's avonds op het plein.", "themes": ["overlast", "jeugd-jongeren"]},
        "knowledge_sources": {"choices": ["collega", "anders"], "other": "Podcasts over buurtwerk"},
        "learning_questions": ["Hoe betrek je jongeren bij het plein?", "Hoe organiseer je een buurtbudget?"],
        "needs": {"choices": ["intervisie", "praktijkvoorbeelden"]},
        "expertise": {"text": "Ik organiseer al jaren buurtfeesten.", "themes": ["sociale-samenhang"]},
        "practice_example": {"title": "Plein van iedereen", "description": "Jongeren ontwierpen zelf hun plein.", "url": "https://example.org/plein"},
        "consents": {"contact": True, "peer_introductions": True, "publish_example": True},
    }
