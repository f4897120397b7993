"""End to end with real processes: gunicorn web and worker processes of all four services,
RabbitMQ, PostgreSQL and an aiosmtpd server, driven over HTTP like a person would."""

from __future__ import annotations

import time

import pytest
import requests

from shared.config import SERVICES
from tests.support.flow import confirmation_link, minimal_submission, theme_row
from tests.support.infrastructure import unique_name, wait_until
from tests.support.processes import ProcessPlatform
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def running_platform(pg, rabbit, _templates, smtp_sink, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("e2e")
    vhost = unique_name("buurt-e2e")
    amqp_url = rabbit.create_vhost(vhost)
    databases = {name: unique_name(f"buurt_e2e_{name}") for name in SERVICES}
    urls = {name: pg.create_database(db, template=_templates(name)) for name, db in databases.items()}
    platform = ProcessPlatform.create(amqp_url, urls, tmp_path, {"BUURT_MAILER_INTERVAL": "1", **smtp_sink.env()})
    try:
        yield platform.start().services
    finally:
        platform.stop()
        for name in databases.values():
            pg.drop_database(name)
        rabbit.delete_vhost(vhost)


def test_submission_email_confirmation_and_agenda_with_real_processes(running_platform, smtp_sink):
    intake, agenda = running_platform["intake"].url, running_platform["agenda"].url
    started = time.monotonic()
    for i in range(5):
        response = requests.post(f"{intake}/api/v1/submissions", json=minimal_submission(f"e2e{i}@example.org"), timeout=10)
        assert response.status_code == 201, response.text

    wait_until(lambda: len(smtp_sink.messages) == 5, timeout=60, message="five confirmation e-mails")
    mailed = time.monotonic()
    for message in smtp_sink.messages:
        link = confirmation_link(message)
        assert link.startswith(intake)
        assert requests.get(link, timeout=10).status_code == 200

    def counted():
        row = theme_row(requests.get(f"{agenda}/api/v1/agenda", timeout=10).json(), "jeugd-jongeren")
        return row if row and row["members"] == 5 else None

    wait_until(counted, timeout=60, message="the agenda to count the five members")
    done = time.monotonic()
    print(f"\nend-to-end: submit->5 e-mails {mailed - started:.2f}s, confirm->agenda {done - mailed:.2f}s")


def test_every_service_answers_health_readiness_metrics_and_openapi(running_platform):
    for name, processes in running_platform.items():
        assert requests.get(f"{processes.url}/healthz", timeout=5).json() == {"status": "ok"}
        assert requests.get(f"{processes.url}/readyz", timeout=5).status_code == 200
        metrics = requests.get(f"{processes.url}/metrics", timeout=5)
        assert "buurt_http_requests_total" in metrics.text, name
        assert requests.get(f"{processes.url}/api/openapi.json", timeout=5).json()["openapi"].startswith("3.1")
