"""The broker goes away in the middle of a burst, or before it: nothing accepted is lost,
nothing is done twice, and everything drains once it is back."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.flow import confirmation_link, theme_row
from tests.support.infrastructure import wait_until
from tests.support.ledger import Burst, inbox_count, mailbox_report, platform_ledger, scalar, unpublished_outbox

pytestmark = pytest.mark.slow

RECEIVED, CONFIRMED, CLASSIFIED = (
    "intake.submission.received.v1",
    "intake.submission.confirmed.v1",
    "matching.submission.classified.v1",
)


@pytest.mark.timeout(900)
def test_broker_stopped_mid_burst_loses_nothing_and_doubles_nothing(process_platform, private_rabbit, private_vhost, smtp_sink):
    platform, db = process_platform()
    burst = Burst(platform["intake"].url, "burst")
    thread = burst.start(1000)
    wait_until(lambda: len(burst.accepted) >= 300, timeout=120, message="300 accepted submissions")
    private_rabbit.stop_app()
    stopped_at = time.monotonic()
    time.sleep(3)
    private_rabbit.start_app()
    restarted_at = time.monotonic()
    thread.join(300)

    assert burst.statuses == {201: 1000}, burst.statuses  # the web never needed the broker
    expected = set(burst.accepted)
    wait_until(lambda: len(smtp_sink.messages) >= len(expected), timeout=300, message="every confirmation e-mail")
    time.sleep(3)  # a duplicate would arrive right behind
    mails = mailbox_report(smtp_sink.messages, expected)
    print(f"\nbroker stopped mid-burst for {restarted_at - stopped_at:.1f}s: {mails}")

    assert scalar(db["intake"], "SELECT count(*) FROM submissions") == 1000
    wait_until(lambda: unpublished_outbox(db["intake"]) == 0, timeout=60, message="intake's outbox to drain")
    assert inbox_count(db["notifications"], RECEIVED) == 1000
    assert scalar(db["notifications"], "SELECT count(*) FROM emails WHERE template = 'confirmation'") == 1000
    assert mails["lost"] == 0 and mails["duplicated_deliveries"] == 0 and mails["received"] == 1000

    # Second leg: every confirmation through matching and agenda, with the broker stopped again.
    links = [confirmation_link(m) for m in smtp_sink.messages]
    intake = platform["intake"].url
    for i, link in enumerate(links):
        if i == 400:
            private_rabbit.stop_app()
        if i == 700:
            private_rabbit.start_app()
        assert requests.get(intake + urlsplit(link).path, timeout=30).status_code == 200

    def agenda_counted():
        row = theme_row(requests.get(f"{platform['agenda'].url}/api/v1/agenda", timeout=10).json(), "jeugd-jongeren")
        return row and row["members"] == 1000

    try:
        wait_until(agenda_counted, timeout=300, message="the agenda to count all 1000 members")
    finally:
        print(f"\nledger after the second leg: {platform_ledger(db, private_vhost)}")
    assert inbox_count(db["matching"], CONFIRMED) == 1000
    assert inbox_count(db["agenda"], CONFIRMED) == 1000
    assert inbox_count(db["agenda"], CLASSIFIED) == 1000
    for service in ("intake", "matching"):
        wait_until(lambda s=service: unpublished_outbox(db[s]) == 0, timeout=60, message=f"{service}'s outbox to drain")


def test_broker_down_before_the_burst_intake_keeps_accepting_and_all_drains_later(process_platform, private_rabbit, smtp_sink):
    platform, db = process_platform()
    private_rabbit.stop_app()
    try:
        burst = Burst(platform["intake"].url, "early")
        burst.run(300)
        assert burst.statuses == {201: 300}, burst.statuses
        # Relays back off without hanging: every process is alive and answers.
        for service in platform.services.values():
            assert service.worker.poll() is None and service.web.poll() is None
            assert requests.get(f"{service.url}/healthz", timeout=5).status_code == 200
            ready = requests.get(f"{service.url}/readyz", timeout=10)
            assert ready.status_code == 503 and ready.headers["Content-Type"].startswith("application/problem+json")
        assert unpublished_outbox(db["intake"]) == 300
        assert smtp_sink.messages == []
    finally:
        private_rabbit.start_app()

    wait_until(lambda: len(smtp_sink.messages) >= 300, timeout=300, message="every e-mail after the broker returned")
    time.sleep(3)
    mails = mailbox_report(smtp_sink.messages, set(burst.accepted))
    print(f"\nbroker down before the burst: {mails}")
    assert mails["lost"] == 0 and mails["duplicated_deliveries"] == 0
    assert unpublished_outbox(db["intake"]) == 0
