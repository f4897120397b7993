"""A web process started the way the image starts it: entrypoint, gunicorn, SCRIPT_NAME, health check.

Real gunicorn with two workers on PostgreSQL and RabbitMQ, with the image's gunicorn
arguments, behind the path prefix the proxy and the Ingress route unchanged.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from shared.db.migrations import upgrade
from tests.support.infrastructure import unique_name
from tests.support.smtp import free_port
from tests.unit.deploy.compose import ROOT
from tests.unit.deploy.test_image import ENTRYPOINT, image_env

pytestmark = pytest.mark.slow

HEALTHCHECK = ROOT / "deploy" / "image" / "healthcheck.py"


@pytest.fixture(scope="module")
def agenda_web(pg, rabbit, tmp_path_factory):
    """One web process for the module's tests (starting and stopping gunicorn takes seconds)."""
    tmp_path = tmp_path_factory.mktemp("agenda-web")
    database, vhost = unique_name("buurt_test_web"), unique_name("buurt-test-web")
    database_url = pg.create_database(database)
    upgrade("agenda", database_url)
    amqp_url = rabbit.create_vhost(vhost)
    metrics = tmp_path / "prometheus"
    metrics.mkdir()
    (metrics / "counter_99999.db").write_bytes(b"left by an earlier run")
    # `buurt` as the image has it, but running this checkout's code.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "buurt").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m services "$@"\n')
    (bin_dir / "buurt").chmod(0o755)
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "GUNICORN_CMD_ARGS": image_env()["GUNICORN_CMD_ARGS"],
        "BUURT_ENV": "production",
        "BUURT_SECRET_KEY": "w" * 48,
        "BUURT_DATABASE_URL": database_url,
        "BUURT_AMQP_URL": amqp_url,
        "BUURT_BIND": f"127.0.0.1:{port}",
        "BUURT_WEB_WORKERS": "2",
        "SCRIPT_NAME": "/agenda",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
    }
    log = open(tmp_path / "web.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        ["sh", str(ENTRYPOINT), "web", "agenda"], env=env, cwd=Path.cwd(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, (tmp_path / "web.log").read_text()[-3000:]
        try:
            if requests.get(f"{base}/agenda/healthz", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.1)
    yield {"base": base, "env": env, "metrics": metrics, "process": process}
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
    log.close()
    pg.drop_database(database)
    rabbit.delete_vhost(vhost)


def test_serves_its_health_readiness_and_api_under_the_prefix(agenda_web):
    base = agenda_web["base"]
    assert requests.get(f"{base}/agenda/healthz", timeout=5).status_code == 200
    ready = requests.get(f"{base}/agenda/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "broker": "ok"}
    assert requests.get(f"{base}/agenda/api/v1/agenda", timeout=5).status_code == 200
    # Only prefixed paths exist, which is why every probe names the prefix.
    assert requests.get(f"{base}/healthz", timeout=5).status_code != 200


def test_the_image_health_check_follows_bind_and_prefix(agenda_web):
    env = agenda_web["env"]
    check = [sys.executable, str(HEALTHCHECK)]
    assert subprocess.run(check, env=env, timeout=30).returncode == 0
    elsewhere = {**env, "BUURT_BIND": f"127.0.0.1:{free_port()}"}
    assert subprocess.run(check, env=elsewhere, capture_output=True, timeout=30).returncode == 1
    unprefixed = {**env, "SCRIPT_NAME": ""}
    assert subprocess.run(check, env=unprefixed, capture_output=True, timeout=30).returncode == 1


def test_metrics_add_up_across_gunicorn_workers_from_a_clean_directory(agenda_web):
    base, metrics = agenda_web["base"], agenda_web["metrics"]
    assert not (metrics / "counter_99999.db").exists()  # the entrypoint cleared the earlier run
    for _ in range(20):
        requests.get(f"{base}/agenda/api/v1/agenda", timeout=5)
    text = requests.get(f"{base}/agenda/metrics", timeout=5).text
    served = [line for line in text.splitlines() if line.startswith("buurt_http_requests_total{") and 'endpoint="agenda.live_agenda"' in line]
    assert served and float(served[0].rsplit(" ", 1)[1]) >= 20
    assert any(p.name.startswith("counter_") for p in metrics.iterdir())
