"""`buurt run` on an empty data folder: the whole flow over HTTP, with no outside services."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
from email import policy

import pytest
import requests

from tests.support.flow import confirmation_link, minimal_submission, theme_row
from tests.support.infrastructure import wait_until
from tests.support.smtp import free_port

pytestmark = pytest.mark.slow


@pytest.fixture
def embedded(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUURT_")}  # nothing configured
    process = subprocess.Popen(
        [sys.executable, "-m", "services", "run", "--port", str(port), "--data-dir", str(tmp_path / "data")],
        env=env,
        stdout=open(tmp_path / "run.log", "wb"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(base + "/", timeout=2).status_code == 200
        except requests.RequestException:
            return process.poll() is not None  # stop waiting if it died

    wait_until(up, timeout=60, message="buurt run to answer")
    assert process.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
    yield base, tmp_path / "data"
    process.send_signal(signal.SIGINT)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()


def test_buurt_run_serves_the_whole_flow_from_an_empty_data_folder(embedded):
    base, data = embedded
    for i in range(5):
        response = requests.post(f"{base}/intake/api/v1/submissions", json=minimal_submission(f"local{i}@example.org"), timeout=10)
        assert response.status_code == 201, response.text

    mail_dir = data / "mail"
    wait_until(lambda: len(list(mail_dir.glob("*.eml"))) == 5, timeout=30, message="five .eml files")
    mailbox = requests.get(f"{base}/notifications/mailbox", timeout=10)
    assert mailbox.text.count("/notifications/mailbox/") == 5

    for path in mail_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        link = confirmation_link(message)
        assert link.startswith(f"{base}/intake/confirm/")
        assert requests.get(link, timeout=10).status_code == 200

    def counted():
        row = theme_row(requests.get(f"{base}/agenda/api/v1/agenda", timeout=10).json(), "jeugd-jongeren")
        return row if row and row["members"] == 5 else None

    # An empty data folder has no classifier version yet: matching trains the bundled one on
    # its first start (up to a minute on two cores) and classifies the waiting submissions after it.
    wait_until(counted, timeout=180, message="the agenda to count five members")
