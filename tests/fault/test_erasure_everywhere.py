"""After an erasure has been processed, no table of any service's database (outbox, inbox and
dead letters included) holds the member's e-mail address or name any more."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from kombu import Connection
from sqlalchemy import String, Text, inspect, select, text
from sqlalchemy.types import JSON

from shared.config import SERVICES
from shared.messaging.dead_letters import list_dead_letters
from tests.support.flow import confirmation_link, minimal_submission, text_part
from tests.support.infrastructure import wait_until

pytestmark = pytest.mark.slow

ERASE_LINK = re.compile(r"https?://\S+/erase/[\w.\-]+")
NAME = "Zeldenrust Quirijnsdochter"
EMAIL = "z.quirijnsdochter@example.org"


def occurrences(runtime, needles: list[str]) -> list[str]:
    """Every table.column whose value contains one of the needles, case-insensitively."""
    found = []
    engine = runtime.engine
    inspector = inspect(engine)
    with engine.connect() as connection:
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                if not isinstance(column["type"], (String, Text, JSON)) and "JSON" not in str(column["type"]).upper():
                    continue
                for needle in needles:
                    query = text(f'SELECT count(*) FROM "{table}" WHERE lower(CAST("{column["name"]}" AS TEXT)) LIKE :needle')
                    if connection.execute(query, {"needle": f"%{needle.lower()}%"}).scalar_one():
                        found.append(f"{runtime.service}.{table}.{column['name']} contains {needle!r}")
    return found


def test_erasure_leaves_no_trace_of_email_or_name_anywhere(make_platform, smtp_sink, vhost):
    platform = make_platform(env=smtp_sink.env())
    intake = platform["intake"].client
    body = {**minimal_submission(EMAIL, "Hoe krijg ik meer buren mee naar de bewonersavond?"), "name": NAME}
    assert intake.post("/api/v1/submissions", json=body).status_code == 201
    wait_until(lambda: smtp_sink.to(EMAIL), timeout=30, message="the confirmation e-mail")
    assert intake.get(urlsplit(confirmation_link(smtp_sink.to(EMAIL)[0])).path.removeprefix("/intake")).status_code == 200
    # Every service has seen the member: notifications sends the welcome after matching classified.
    wait_until(lambda: len(smtp_sink.to(EMAIL)) >= 2, timeout=60, message="the welcome e-mail")
    assert any(occurrences(platform[s].runtime, [EMAIL]) for s in ("intake", "notifications"))

    link = ERASE_LINK.search(text_part(smtp_sink.to(EMAIL)[-1])).group(0)
    path = urlsplit(link).path.removeprefix("/intake")
    page = intake.get(path)  # asks first; a GET never erases
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    erased = intake.post(path, data={"csrf_token": csrf})
    assert erased.status_code in (200, 302, 303), erased.get_data(as_text=True)[:500]

    def every_service_reported():
        with platform["intake"].uow() as uow:
            reports = uow.session.execute(text("SELECT count(DISTINCT service) FROM erasure_reports")).scalar_one()
        return reports == 3

    wait_until(every_service_reported, timeout=60, message="matching, notifications and agenda to report the erasure")
    for service in SERVICES:
        relay = platform[service].worker.relay
        wait_until(lambda r=relay: r.publish_batch() == 0, timeout=30, message=f"{service}'s outbox to drain")

    leftovers = [hit for s in SERVICES for hit in occurrences(platform[s].runtime, [EMAIL, NAME])]
    amqp_url, _ = vhost
    with Connection(amqp_url) as connection:
        for service in SERVICES:
            for letter in list_dead_letters(connection, service):
                if EMAIL.encode() in letter.body or NAME.encode() in letter.body:
                    leftovers.append(f"{service}.dlq message {letter.message_id}")
    assert leftovers == []
