"""Drives the matching service the way its worker does, on a real PostgreSQL database.

``Harness.deliver`` applies an event exactly as the inbox consumer does (inbox row, handler,
commit). ``Harness.outbox`` reads what matching published. Tests that need the broker use
``make_platform``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

from sqlalchemy import select

from services.matching.app import create_app
from services.matching.models import TABLES
from services.matching.versions import ModelProvider
from services.matching.worker import build_worker
from shared.config import Settings
from shared.contracts.envelope import Event
from shared.contracts.registry import contract, validate_incoming
from shared.contracts.samples import sample
from shared.db.inbox import first_delivery
from shared.runtime import Runtime

TOKEN = "curator-token-for-tests-" + "c" * 20
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def new_id() -> str:
    return str(uuid.uuid4())


def confirmed(
    member_id: str,
    *,
    urgent: str = "Jongeren hangen 's avonds op het plein en buren voelen zich niet veilig.",
    questions: tuple[str, ...] = ("Hoe betrek je jongeren bij plannen voor hun eigen plein?",),
    expertise: str | None = None,
    expertise_themes: tuple[str, ...] = (),
    role: str = "bewoner",
    municipality: tuple[str, str] = ("GM0363", "PV27"),
    peers: bool = True,
) -> dict:
    submission = new_id()
    data = sample("intake.submission.confirmed.v1")
    data.update(member_id=member_id, submission_id=submission, role=role)
    data["municipality_code"], data["province_code"] = municipality
    data["urgent_issues"] = {"text_id": f"{submission}/urgent", "text": urgent, "themes": []}
    data["learning_questions"] = [{"text_id": f"{submission}/q{i + 1}", "text": q} for i, q in enumerate(questions)]
    data["expertise"] = (
        {"text_id": f"{submission}/expertise", "text": expertise, "themes": list(expertise_themes)} if expertise else None
    )
    data["consents"] = {"contact": True, "peer_introductions": peers, "publish_example": False}
    return data


def erased(member_id: str) -> dict:
    return {**sample("intake.member.erased.v1"), "member_id": member_id, "erasure_id": new_id()}


class Harness:
    def __init__(self, database_url: str, data_dir, env: dict[str, str] | None = None):
        self.settings = Settings.from_env(
            "matching",
            {
                "BUURT_DATABASE_URL": database_url,
                "BUURT_AMQP_URL": "memory://",
                "BUURT_DATA_DIR": str(data_dir),
                "BUURT_SECRET_KEY": "matching-test-" + "s" * 32,
                "BUURT_MATCHING_CURATOR_TOKEN": TOKEN,
                **(env or {}),
            },
        )
        self.runtime = Runtime.create(self.settings, TABLES)
        self.app = create_app(self.runtime)
        self.app.config["TESTING"] = True
        worker = build_worker(self.runtime)
        self.handlers = worker.handlers
        self.models: ModelProvider = self.handlers["intake.submission.confirmed.v1"].keywords["models"]
        self.models.warm(self.runtime.uow_factory)  # what the worker's warm-up job does at start

    @property
    def client(self):
        return self.app.test_client()

    def uow(self):
        return self.runtime.uow_factory()

    def deliver(self, event_type: str, data: dict) -> Event:
        raw = Event(type=event_type, source=f"/{contract(event_type).producer}", subject=data["member_id"], data=data)
        validated = replace(raw, data=validate_incoming(event_type, raw.data))
        with self.uow() as uow:
            if first_delivery(uow, "matching", validated):
                self.handlers[event_type](uow, validated)
                uow.commit()
        return raw

    def outbox(self, event_type: str) -> list[dict]:
        with self.uow() as uow:
            table = uow.tables.outbox
            rows = uow.session.execute(
                select(table.c.envelope).where(table.c.event_type == event_type).order_by(table.c.seq)
            ).scalars()
            return [json.loads(r)["data"] for r in rows]

    def close(self) -> None:
        self.runtime.engine.dispose()
