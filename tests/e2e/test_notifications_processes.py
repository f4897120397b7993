"""Notifications as production runs it: a gunicorn web process and a worker process, on
RabbitMQ, PostgreSQL and aiosmtpd. Events in, e-mails out, links followed over HTTP, and a
worker killed in the middle of a mailing."""

from __future__ import annotations

import re
import signal
import time

import pytest
import requests

from shared.messaging.connection import make_connection
from shared.messaging.publisher import Publisher
from shared.messaging.topology import events_exchange
from tests.integration.notifications.support import classified, confirmed, event, new_id, published, received, text_of
from tests.support.infrastructure import unique_name, wait_until
from tests.support.processes import ServiceProcesses

pytestmark = pytest.mark.slow


@pytest.fixture
def notifications(pg, rabbit, _templates, smtp_sink, tmp_path):
    vhost = unique_name("buurt-e2e-notifications")
    amqp_url = rabbit.create_vhost(vhost)
    database = unique_name("buurt_e2e_notifications")
    url = pg.create_database(database, template=_templates("notifications"))
    processes = ServiceProcesses("notifications", {}, tmp_path)
    processes.env = {
        "BUURT_ENV": "production",
        "BUURT_AMQP_URL": amqp_url,
        "BUURT_DATABASE_URL": url,
        "BUURT_SECRET_KEY": "e2e-notifications-" + "k" * 40,
        "BUURT_DATA_DIR": str(tmp_path / "data"),
        "BUURT_WEB_WORKERS": "1",
        "BUURT_MAILER_INTERVAL": "0.5",
        "BUURT_MAIL_LEASE": "2",
        "BUURT_MAIL_MARK_EVERY": "5",
        "BUURT_SEND_RATE": "40",
        "BUURT_PUBLIC_URL": "http://buurt.test",
        "BUURT_NOTIFICATIONS_PUBLIC_URL": processes.url,
        **smtp_sink.env(),
    }
    processes.start_worker()
    processes.start_web()
    processes.wait_ready()
    publisher = Publisher(make_connection(amqp_url))
    try:
        yield processes, publisher
    finally:
        publisher.close()
        processes.stop()
        pg.drop_database(database)
        rabbit.delete_vhost(vhost)


def _publish(publisher, raw):
    # The worker declares the exchanges when it starts; wait for that before the first event.
    deadline = time.monotonic() + 30
    while True:
        try:
            return publisher.publish(raw.to_json(), exchange=events_exchange(raw.source.strip("/")), routing_key=raw.type, message_id=raw.id)
        except Exception:  # noqa: BLE001 - exchange or queue not declared yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_events_in_emails_out_and_one_click_unsubscribe_over_http(notifications, smtp_sink):
    processes, publisher = notifications
    member = new_id()
    _publish(publisher, event("intake.submission.received.v1", received(member, "proc@example.org", "Pim Proces")))
    _publish(publisher, event("intake.submission.confirmed.v1", confirmed(member, "proc@example.org", "Pim Proces")))
    _publish(publisher, event("matching.submission.classified.v1", classified(member, ["jeugd-jongeren"])))
    wait_until(lambda: len(smtp_sink.to("proc@example.org")) == 2, timeout=60, message="confirmation and welcome")
    welcome = next(m for m in smtp_sink.to("proc@example.org") if m["List-Unsubscribe"])
    preferences = re.search(r"http://\S+/preferences/\S+", text_of(welcome)).group(0)
    assert requests.get(preferences, timeout=10).status_code == 200

    # RFC 8058: what a mail provider sends, with no cookie and no session.
    one_click = welcome["List-Unsubscribe"].strip().split(">")[0].strip("<")
    response = requests.post(one_click, data="List-Unsubscribe=One-Click", headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert response.status_code == 200
    # Circle news is off now; agenda news (another category) still comes.
    _publish(publisher, event("matching.submission.classified.v1", classified(member, ["jeugd-jongeren", "overlast"])))
    _publish(publisher, event("agenda.agenda.published.v1", published(3, {"jeugd-jongeren": 1})))
    wait_until(lambda: len(smtp_sink.to("proc@example.org")) == 3, timeout=60, message="the agenda e-mail")
    time.sleep(2)
    subjects = [str(m["Subject"]) for m in smtp_sink.to("proc@example.org")]
    assert not any(s.startswith("U doet mee in nieuwe") for s in subjects)


def test_a_worker_killed_during_a_mailing_loses_nothing(notifications, smtp_sink):
    processes, publisher = notifications
    addresses = [f"kill{i}@example.org" for i in range(60)]
    for address in addresses:
        _publish(publisher, event("intake.submission.received.v1", received(new_id(), address)))
    wait_until(lambda: len(smtp_sink.messages) >= 10, timeout=60, message="the mailing to be under way")
    processes.worker.send_signal(signal.SIGKILL)
    processes.worker.wait(10)
    processes.start_worker()
    wait_until(lambda: {str(m["To"]) for m in smtp_sink.messages} == set(addresses), timeout=90, message="every address served")
    # A message sent just before the kill may go out once more after the lease, but always
    # with the same Message-ID, so the receiving system keeps one. Nothing else repeats.
    by_address: dict[str, set] = {}
    for message in smtp_sink.messages:
        by_address.setdefault(str(message["To"]), set()).add(message["Message-ID"])
    assert all(len(ids) == 1 for ids in by_address.values())
    assert len(smtp_sink.messages) - len(addresses) <= 5  # at most one unmarked group
