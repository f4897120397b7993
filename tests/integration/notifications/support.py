"""Drives the notifications service the way its worker does, on real PostgreSQL and SMTP.

``Harness.deliver`` applies an event exactly as the inbox consumer does (record it in the
inbox, run the handler, commit); ``Harness.send`` runs the real mailer once. Tests that
need the broker itself use ``make_platform`` instead.
"""

from __future__ import annotations

import re
from dataclasses import replace
import uuid
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select

from services.notifications.app import create_app
from services.notifications.composition import make_composer, make_mailer
from services.notifications.models import TABLES, Contact, Email
from services.notifications.settings import NotificationsSettings
from services.notifications.worker import build_worker
from shared.config import Settings
from shared.contracts.envelope import Event
from shared.contracts.registry import contract, validate_incoming
from shared.contracts.samples import sample
from shared.db.inbox import first_delivery
from shared.runtime import Runtime

PUBLIC = "http://buurt.test"
NOTIFICATIONS = f"{PUBLIC}/notifications"
INTAKE = f"{PUBLIC}/intake"
URL = re.compile(r"https?://[^\s<>\"']+")


def new_id() -> str:
    return str(uuid.uuid4())


def received(member_id: str, email: str, name: str = "Sanne de Vries", language: str = "nl", **extra) -> dict:
    return {
        **sample("intake.submission.received.v1"),
        "submission_id": new_id(),
        "member_id": member_id,
        "email": email,
        "name": name,
        "language": language,
        "confirmation_token": f"confirm-{member_id}",
        "erasure_token": f"erase-{member_id}",
        **extra,
    }


def confirmed(member_id: str, email: str, name: str = "Sanne de Vries", language: str = "nl", contact: bool = True, peers: bool = True) -> dict:
    data = sample("intake.submission.confirmed.v1")
    data.update(member_id=member_id, submission_id=new_id(), email=email, name=name, language=language, erasure_token=f"erase-{member_id}")
    data["consents"] = {"contact": contact, "peer_introductions": peers, "publish_example": False}
    return data


def classified(member_id: str, themes: list[str]) -> dict:
    return {**sample("matching.submission.classified.v1"), "submission_id": new_id(), "member_id": member_id, "member_themes": themes}


def suggested(asking: str, offering: str, question: str = "Hoe betrek je jongeren bij plannen voor hun plein?", expertise: str = "Ik laat jongeren zelf hun hangplek ontwerpen.") -> dict:
    return {
        **sample("matching.peers.suggested.v1"),
        "suggestion_id": new_id(),
        "asking_member_id": asking,
        "offering_member_id": offering,
        "question_text": question,
        "expertise_text": expertise,
        "themes": ["jeugd-jongeren"],
    }


def published(version: int, ranks: dict[str, int], rose=(), fell=(), appeared=(), disappeared=()) -> dict:
    data = sample("agenda.agenda.published.v1")
    template = data["themes"][0]
    data["version"] = version
    data["themes"] = [{**template, "slug": slug, "rank": rank} for slug, rank in ranks.items()]
    data["changelog"] = {"rose": list(rose), "fell": list(fell), "appeared": list(appeared), "disappeared": list(disappeared)}
    data["links"]["html"] = f"{PUBLIC}/agenda/versions/{version}"
    return data


def erased(member_id: str) -> dict:
    return {**sample("intake.member.erased.v1"), "member_id": member_id, "erasure_id": new_id()}


def event(event_type: str, data: dict, event_id: str | None = None) -> Event:
    return Event(type=event_type, source=f"/{contract(event_type).producer}", subject=data.get("member_id", "x"), data=data, id=event_id or new_id())


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(text: str) -> list[str]:
    return URL.findall(text)


class Harness:
    def __init__(self, database_url: str, data_dir, env: dict[str, str] | None = None):
        self.settings = Settings.from_env(
            "notifications",
            {
                "BUURT_DATABASE_URL": database_url,
                "BUURT_AMQP_URL": "memory://",
                "BUURT_DATA_DIR": str(data_dir),
                "BUURT_PUBLIC_URL": PUBLIC,
                "BUURT_SECRET_KEY": "notifications-test-" + "s" * 32,
                "BUURT_SEND_RATE": "1000",
                **(env or {}),
            },
        )
        self.runtime = Runtime.create(self.settings, TABLES)
        self.own = NotificationsSettings.from_settings(self.settings)
        self.composer = make_composer(self.settings, self.own)
        self.mailer = make_mailer(self.runtime.uow_factory, self.own)
        self.app = create_app(self.runtime)
        self.app.config["TESTING"] = True
        self.handlers = build_worker(self.runtime).handlers

    def reconfigure(self, env: dict[str, str]) -> None:
        """Restart the mailer with other settings (a fixed password, a CA file), same database."""
        self.settings = Settings.from_env("notifications", {**self.settings.env, **env})
        self.own = NotificationsSettings.from_settings(self.settings)
        self.mailer = make_mailer(self.runtime.uow_factory, self.own)

    @property
    def client(self):
        return self.app.test_client()

    def uow(self):
        return self.runtime.uow_factory()

    def deliver(self, event_type: str, data: dict, event_id: str | None = None) -> Event:
        """Apply one event as the inbox consumer does; a repeated id has no effect."""
        raw = event(event_type, data, event_id)
        validated = replace(raw, data=validate_incoming(event_type, raw.data))
        with self.uow() as uow:
            if first_delivery(uow, "notifications", validated):
                self.handlers[event_type](uow, validated)
                uow.commit()
        return raw

    def join(self, member_id: str, email: str, name: str = "Sanne de Vries", language: str = "nl", themes: list[str] | None = None, **consents: Any) -> None:
        """A member signs up and confirms (and is classified into themes, if given)."""
        self.deliver("intake.submission.received.v1", received(member_id, email, name, language))
        self.deliver("intake.submission.confirmed.v1", confirmed(member_id, email, name, language, **consents))
        if themes:
            self.deliver("matching.submission.classified.v1", classified(member_id, themes))

    def send(self):
        return self.mailer.deliver_due()

    def emails(self, **where: Any) -> list[Email]:
        with self.uow() as uow:
            query = select(Email).order_by(Email.created_at)
            for name, value in where.items():
                query = query.where(getattr(Email, name) == value)
            rows = list(uow.session.scalars(query))
            uow.session.expunge_all()  # readable after the unit of work ends
            return rows

    def contact(self, member_id: str) -> Contact | None:
        with self.uow() as uow:
            contact = uow.session.get(Contact, member_id)
            uow.session.expunge_all()
            return contact

    def path(self, url: str) -> str:
        """The path of a notifications link, for the Flask test client."""
        assert url.startswith(NOTIFICATIONS + "/"), url
        return url.removeprefix(NOTIFICATIONS)

    def close(self) -> None:
        self.runtime.engine.dispose()
