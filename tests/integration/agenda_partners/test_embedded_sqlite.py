"""Embedded mode: the same partner flow on SQLite (no SKIP LOCKED, no NOTIFY)."""

from __future__ import annotations

from services.agenda.models import TABLES
from shared.config import Settings
from shared.db.migrations import upgrade
from shared.runtime import Runtime
from tests.integration.agenda_partners.conftest import CURATOR_TOKEN, LOOPBACK, Agenda


def test_partners_work_on_sqlite(tmp_path, receiver):
    url = f"sqlite:///{tmp_path / 'agenda.db'}"
    upgrade("agenda", url)
    settings = Settings.from_env(
        "agenda",
        {
            "BUURT_DATABASE_URL": url,
            "BUURT_DATA_DIR": str(tmp_path),
            "BUURT_CURATOR_TOKEN": CURATOR_TOKEN,
            "BUURT_WEBHOOK_ALLOWED_NETWORKS": LOOPBACK,
        },
    )
    runtime = Runtime.create(settings, TABLES)
    try:
        agenda = Agenda(runtime)
        _, auth = agenda.register_partner()
        receiver.secrets = [agenda.subscribe(auth, receiver.url())["secret"]]
        receiver.script = [(500, {})]
        event, _ = agenda.publish()
        deliverer = agenda.deliverer(backoff_initial_seconds=0.0, backoff_max_seconds=0.0)
        first = deliverer.deliver_due()
        assert first.retrying == 1 and first.next_due is not None
        deliverer.deliver_due()
        assert receiver.processed_ids() == [event.id]
        log = agenda.client.get("/api/v1/partner/deliveries", headers=auth).get_json()
        assert [a["status_code"] for a in log["deliveries"][0]["attempt_log"]] == [500, 200]
    finally:
        runtime.engine.dispose()
