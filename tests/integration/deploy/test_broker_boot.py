"""A RabbitMQ node boots with deploy/rabbitmq/rabbitmq.conf and the definitions directory.

What docker-compose does, on a scratch node of this machine's RabbitMQ: the config file,
the topology and users written by `buurt broker-definitions`, every other file of
deploy/rabbitmq/definitions/. The node must boot, create no guest user, and let each service log in
with its password and declare its topology.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from shared.config import SERVICES
from shared.messaging.connection import make_connection
from shared.messaging.definitions import service_topologies
from tests.support.smtp import free_port
from tests.unit.deploy.compose import ROOT

pytestmark = pytest.mark.slow

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
REPOSITORY_DEFINITIONS = ROOT / "deploy" / "rabbitmq" / "definitions"


ORDER_PROBE = {
    "users": [{"name": "order-probe", "password_hash": "", "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []}],
    "permissions": [{"user": "order-probe", "vhost": "/", "configure": "^$", "write": "^$", "read": "^agenda\\.events$"}],
    "queues": [{"name": "order-probe.agenda", "vhost": "/", "durable": True, "auto_delete": False, "arguments": {"x-queue-type": "quorum"}}],
    "bindings": [
        {
            "source": "agenda.events",
            "vhost": "/",
            "destination": "order-probe.agenda",
            "destination_type": "queue",
            "routing_key": "agenda.agenda.published.v1",
            "arguments": {},
        }
    ],
}


def buurt(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "-m", "services", *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    if not SERVER.exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{SERVER} is needed to boot a scratch RabbitMQ node", pytrace=False)
        pytest.skip("no local RabbitMQ installation to boot a scratch node from")
    home = tmp_path_factory.mktemp("rabbit")
    amqp_port, dist_port, http_port = free_port(), free_port(), free_port()
    passwords = {s: f"pw-{s}-{uuid.uuid4().hex[:8]}" for s in SERVICES}
    admin_password = uuid.uuid4().hex

    # What the compose file's broker-definitions job writes.
    definitions = home / "definitions"
    definitions.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUURT_")}
    (definitions / "00-platform.json").write_text(buurt("broker-definitions", env=env))
    for path in REPOSITORY_DEFINITIONS.glob("*.json"):
        if path.name != "platform.json":
            shutil.copy(path, definitions / path.name)
    # Like a partner's file: it needs the vhost and agenda.events, and its name sorts before
    # "platform" (RabbitMQ imports in name order and silently stops at a failing file).
    (definitions / "aa-order-probe.json").write_text(json.dumps(ORDER_PROBE))
    secrets = {f"BUURT_BROKER_{s.upper()}_PASSWORD": p for s, p in passwords.items()}
    (definitions / "users.json").write_text(
        buurt("broker-definitions", "--users", env={**env, **secrets, "BUURT_BROKER_ADMIN_PASSWORD": admin_password})
    )

    conf = home / "conf.d"
    conf.mkdir()
    shutil.copy(ROOT / "deploy" / "rabbitmq" / "rabbitmq.conf", conf / "20-buurt.conf")
    # Only what must differ on a shared test machine: ports and paths.
    (conf / "90-test.conf").write_text(
        f"listeners.tcp.default = {amqp_port}\nmanagement.tcp.port = {http_port}\nload_definitions = {definitions}\n"
    )
    (home / "enabled_plugins").write_text("[rabbitmq_management].\n")
    (home / "rabbitmq-env.conf").write_text("")
    node_name = f"buurt-boot-{uuid.uuid4().hex[:8]}@localhost"
    node_env = {
        **os.environ,
        "HOME": str(home),
        "RABBITMQ_NODENAME": node_name,
        "RABBITMQ_DIST_PORT": str(dist_port),
        "RABBITMQ_CONF_ENV_FILE": str(home / "rabbitmq-env.conf"),
        "RABBITMQ_CONFIG_FILE": str(home / "no-such-file"),
        "RABBITMQ_CONFIG_FILES": str(conf),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(home / "enabled_plugins"),
        "RABBITMQ_MNESIA_BASE": str(home / "mnesia"),
        "RABBITMQ_LOG_BASE": str(home / "log"),
        "ERL_EPMD_ADDRESS": "127.0.0.1",
    }
    log = open(home / "node.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen([str(SERVER)], env=node_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    management = f"http://127.0.0.1:{http_port}/api"
    admin = ("buurt-admin", admin_password)
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            log.close()
            pytest.fail("the node did not boot:\n" + (home / "node.log").read_text()[-4000:])
        try:
            if requests.get(f"{management}/overview", auth=admin, timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            stop(process)
            log.close()
            pytest.fail("the node did not answer in time (or buurt-admin was not imported):\n" + (home / "node.log").read_text()[-4000:])
        time.sleep(0.5)
    yield {
        "amqp": lambda user, password: f"amqp://{user}:{password}@127.0.0.1:{amqp_port}/%2F",
        "api": lambda path: requests.get(f"{management}/{path}", auth=admin, timeout=10).json(),
        "passwords": passwords,
        "definitions": definitions,
    }
    stop(process)
    log.close()


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def test_the_node_imports_every_definitions_file(node):
    users = {u["name"] for u in node["api"]("users")}
    queues = {q["name"]: q for q in node["api"]("queues/%2F")}
    exchanges = {e["name"] for e in node["api"]("exchanges/%2F")}
    for path in node["definitions"].glob("*.json"):
        document = json.loads(path.read_text())
        assert {u["name"] for u in document.get("users", [])} <= users, path.name
        assert {e["name"] for e in document.get("exchanges", [])} <= exchanges, path.name
        for queue in document.get("queues", []):
            assert queues[queue["name"]]["arguments"] == queue["arguments"], (path.name, queue["name"])
    assert "guest" not in users  # a node that imports definitions creates no default user
    bindings = {(b["source"], b["destination"]) for b in node["api"]("bindings/%2F")}
    assert ("agenda.events", "order-probe.agenda") in bindings
    assert {p["user"] for p in node["api"]("permissions")} >= {"order-probe", *(f"buurt-{s}" for s in SERVICES)}


def test_each_service_logs_in_and_declares_its_topology(node):
    for topology in service_topologies({}):
        url = node["amqp"](f"buurt-{topology.service}", node["passwords"][topology.service])
        with make_connection(url) as connection:
            topology.declare(connection)


def test_a_wrong_password_is_refused(node):
    with pytest.raises(Exception, match="ACCESS_REFUSED|Login was refused|403"):
        with make_connection(node["amqp"]("buurt-intake", "not-the-password")) as connection:
            connection.ensure_connection(max_retries=1)
