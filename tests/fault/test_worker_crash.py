"""A worker killed with SIGKILL after its database commit and before its acknowledgement:
RabbitMQ redelivers, the inbox absorbs it, and no second e-mail goes out."""

from __future__ import annotations

import time

import pytest
import requests

from tests.support.flow import minimal_submission
from tests.support.infrastructure import wait_until
from tests.support.ledger import inbox_count, scalar

pytestmark = pytest.mark.slow


def test_kill_after_commit_before_ack_is_absorbed_by_the_inbox(process_platform, smtp_sink, tmp_path):
    platform, db = process_platform(
        service_env={"notifications": {"BUURT_FAILPOINTS": "consumer.after_commit", "BUURT_FAILPOINT_DIR": str(tmp_path)}}
    )
    notifications = platform["notifications"]
    response = requests.post(f"{platform['intake'].url}/api/v1/submissions", json=minimal_submission("crash@example.org"), timeout=10)
    assert response.status_code == 201

    wait_until(lambda: notifications.worker.poll() is not None, timeout=60, message="the worker to die at the failpoint")
    assert (tmp_path / "consumer.after_commit.fired").exists()
    assert scalar(db["notifications"], "SELECT count(*) FROM emails") == 1  # committed before the kill

    notifications.start_worker()  # the orchestrator restarts it
    wait_until(lambda: len(smtp_sink.messages) >= 1, timeout=60, message="the confirmation e-mail")
    time.sleep(3)  # a second e-mail would follow now
    assert len(smtp_sink.to("crash@example.org")) == 1
    assert "duplicate event acknowledged without effect" in notifications.logs("worker")  # the redelivery
    assert inbox_count(db["notifications"], "intake.submission.received.v1") == 1
    assert scalar(db["notifications"], "SELECT count(*) FROM emails") == 1


def test_kill_between_handing_to_smtp_and_marking_sent_leaves_one_message_in_the_mailbox(process_platform, smtp_sink, tmp_path):
    platform, db = process_platform(
        service_env={
            "notifications": {
                "BUURT_FAILPOINTS": "mailer.after_send",
                "BUURT_FAILPOINT_DIR": str(tmp_path),
                "BUURT_MAIL_LEASE": "2",  # seconds until a claimed row of a dead worker is tried again
            }
        }
    )
    notifications = platform["notifications"]
    response = requests.post(f"{platform['intake'].url}/api/v1/submissions", json=minimal_submission("handoff@example.org"), timeout=10)
    assert response.status_code == 201

    wait_until(lambda: notifications.worker.poll() is not None, timeout=60, message="the worker to die after the hand-off")
    assert len(smtp_sink.to("handoff@example.org")) == 1  # the mail server has it
    assert scalar(db["notifications"], "SELECT count(*) FROM emails WHERE state = 'sending'") == 1  # not marked

    notifications.start_worker()
    wait_until(
        lambda: scalar(db["notifications"], "SELECT count(*) FROM emails WHERE state = 'sent'") == 1,
        timeout=60,
        message="the row to end sent",
    )
    delivered = smtp_sink.to("handoff@example.org")
    # Sent again after the lease, with the same Message-ID: a mailbox keeps one of them.
    assert len({m["Message-ID"] for m in delivered}) == 1
    assert len(delivered) <= 2
    print(f"\nkilled after the SMTP hand-off: {len(delivered)} transmission(s), 1 distinct Message-ID")
