"""Embedded mode: folding, erasure and publishing give the same counters on SQLite as on PostgreSQL."""

from __future__ import annotations

from services.agenda.models import TABLES
from shared.config import Settings
from shared.db.migrations import upgrade
from shared.runtime import Runtime
from tests.integration.agenda.conftest import Feeder, curator_publish
from tests.integration.agenda.feeding import AMSTERDAM, GRONINGEN, UTRECHT, apply_as_batch, erased, submission
from tests.integration.agenda.test_live_agenda import consumer_batches, counters
from tests.integration.agenda_partners.conftest import CURATOR_TOKEN, Agenda


def _events():
    return [
        *submission(member_id="a", questions=[("Hoe houd je het plein schoon?", ["openbare-ruimte", "overlast"])], urgent=["overlast"], place=UTRECHT),
        *reversed(submission(member_id="b", questions=[("Wat doe je tegen hangjongeren?", ["jeugd-jongeren"])], urgent=["overlast"], place=AMSTERDAM, role="bewoner")),
        *submission(member_id="b", questions=[("Wie helpt met de buurttuin?", ["groen-natuur"])], place=GRONINGEN, role="bewoner", days_ago=60),
        *[e for i in range(5) for e in submission(member_id=f"c{i}", questions=[("Hoe organiseer je een buurtfeest?", ["sociale-samenhang"])])],
        erased("b"),
    ]


def _sqlite_runtime(tmp_path) -> Runtime:
    url = f"sqlite:///{tmp_path / 'agenda.db'}"
    upgrade("agenda", url)
    settings = Settings.from_env("agenda", {"BUURT_DATABASE_URL": url, "BUURT_DATA_DIR": str(tmp_path), "BUURT_CURATOR_TOKEN": CURATOR_TOKEN, "BUURT_PUBLIC_URL": "http://buurt.test"})
    return Runtime.create(settings, TABLES)


def test_the_agenda_works_the_same_on_sqlite(tmp_path, agenda):
    runtime = _sqlite_runtime(tmp_path)
    try:
        embedded = Agenda(runtime)
        events = _events()
        Feeder(embedded)(*events)
        Feeder(agenda)(*events)  # the same events on PostgreSQL
        assert counters(embedded) == counters(agenda)
        version = curator_publish(embedded)
        assert [t["slug"] for t in version["themes"]] == ["sociale-samenhang"]
        assert embedded.client.get("/versions/1").status_code == 200
    finally:
        runtime.engine.dispose()


def test_consumer_batches_fold_the_same_on_sqlite(tmp_path, agenda):
    runtime = _sqlite_runtime(tmp_path)
    try:
        embedded = Agenda(runtime)
        for batch in consumer_batches():
            apply_as_batch(embedded.uow, *batch, settings=Feeder(embedded).settings)
            apply_as_batch(agenda.uow, *batch, settings=Feeder(agenda).settings)  # the same batches on PostgreSQL
        assert counters(embedded) == counters(agenda)
    finally:
        runtime.engine.dispose()
