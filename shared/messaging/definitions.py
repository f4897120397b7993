"""RabbitMQ definitions for the platform, generated from the code that declares the topology.

The broker loads them at boot (``deploy/rabbitmq/definitions/platform.json``), so every
exchange, queue and binding exists before the first worker starts, with exactly the
arguments that worker's ``Topology`` declares: RabbitMQ refuses a redeclaration with other
arguments, so the two must never drift apart. Nothing here restates a queue argument; it
reads the kombu objects ``Topology`` builds.

``service_users`` adds one broker user per service with least privilege, derived from the
same objects: a service may declare, write and read its own exchange and queues, and read
(bind from) the exchanges it consumes.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from typing import Any

from kombu import Exchange, Queue

from shared.config import SERVICES, Settings
from shared.messaging.topology import Topology

DEFAULT_VHOST = "/"
PASSWORD_HASHING = "rabbit_password_hashing_sha256"
# RabbitMQ checks a publish to the nameless default exchange against this name.
DEFAULT_EXCHANGE_RESOURCE = "amq.default"
# Settings that describe where a process runs rather than the topology; a scratch build ignores them.
_RUNTIME_SETTINGS = ("ENV", "DATABASE_URL", "AMQP_URL", "DATA_DIR", "SECRET_KEY")
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")


class DefinitionConflict(ValueError):
    """Two services describe the same exchange or queue differently."""


# -- where the topologies come from ------------------------------------------------------


def service_topologies(env: Mapping[str, str] | None = None) -> list[Topology]:
    """Every service's topology exactly as its worker declares it.

    Each service's real ``build_worker`` runs against a throwaway runtime (an in-memory
    SQLite database, a broker URL that is never dialled), so the handled types come from
    the worker's own handler table and the retry steps and delivery limit from the same
    settings (``BUURT_RETRY_DELAYS``, ``BUURT_DELIVERY_LIMIT``) the running worker reads.
    """
    from services.catalog import module  # the services sit above the kit; only asked here

    source = dict(os.environ if env is None else env)
    topologies = []
    with tempfile.TemporaryDirectory(prefix="buurt-definitions-") as scratch:
        for service in SERVICES:
            settings = Settings.from_env(service, _scratch_env(source, scratch))
            runtime = module(service, "app").build_runtime(settings)
            try:
                topologies.append(module(service, "worker").build_worker(runtime).topology)
            finally:
                runtime.engine.dispose()
    return topologies


def _scratch_env(env: Mapping[str, str], scratch: str) -> dict[str, str]:
    runtime_keys = {f"BUURT_{name}" for name in _RUNTIME_SETTINGS} | {
        f"BUURT_{service.upper()}_{name}" for service in SERVICES for name in _RUNTIME_SETTINGS
    }
    kept = {key: value for key, value in env.items() if key not in runtime_keys}
    return {
        **kept,
        "BUURT_ENV": "embedded",
        "BUURT_DATABASE_URL": "sqlite://",
        # Not the memory transport, so the topology carries the broker's queue arguments.
        "BUURT_AMQP_URL": "amqp://definitions.invalid:5672//",
        "BUURT_DATA_DIR": scratch,
        "BUURT_SECRET_KEY": "scratch-key-for-reading-the-topology-only",
    }


# -- topology ----------------------------------------------------------------------------


def broker_definitions(topologies: Iterable[Topology], vhost: str = DEFAULT_VHOST) -> dict[str, Any]:
    """The RabbitMQ definitions document (vhost, exchanges, queues, bindings) for these topologies."""
    exchanges: dict[str, dict] = {}
    queues: dict[str, dict] = {}
    bindings: dict[tuple, dict] = {}
    for topology in topologies:
        for exchange in topology.exchanges():
            _add(exchanges, exchange.name, _exchange_definition(exchange, vhost), "exchange")
        for queue in topology.queues():
            _add(queues, queue.name, _queue_definition(queue, vhost), "queue")
            for definition in _binding_definitions(queue, vhost):
                key = (definition["source"], definition["destination"], definition["routing_key"])
                _add(bindings, key, definition, "binding")
    return {
        "vhosts": [{"name": vhost}],
        "exchanges": [exchanges[k] for k in sorted(exchanges)],
        "queues": [queues[k] for k in sorted(queues)],
        "bindings": [bindings[k] for k in sorted(bindings)],
    }


def _add(found: dict, key, definition: dict, kind: str) -> None:
    if key in found and found[key] != definition:
        raise DefinitionConflict(f"{kind} {key!r} is declared differently: {found[key]} and {definition}")
    found[key] = definition


def _exchange_definition(exchange: Exchange, vhost: str) -> dict[str, Any]:
    return {
        "name": exchange.name,
        "vhost": vhost,
        "type": exchange.type,
        "durable": bool(exchange.durable),
        "auto_delete": bool(exchange.auto_delete),
        "internal": bool(getattr(exchange, "internal", False)),
        "arguments": dict(exchange.arguments or {}),
    }


def _queue_definition(queue: Queue, vhost: str) -> dict[str, Any]:
    if queue.exclusive:
        raise DefinitionConflict(f"queue {queue.name!r} is exclusive and cannot be defined ahead of its connection")
    return {
        "name": queue.name,
        "vhost": vhost,
        "durable": bool(queue.durable),
        "auto_delete": bool(queue.auto_delete),
        "arguments": dict(queue.queue_arguments or {}),
    }


def _binding_definitions(queue: Queue, vhost: str) -> list[dict[str, Any]]:
    """What kombu binds when it declares the queue; the default exchange binds implicitly."""
    pairs = [(b.exchange, b.routing_key, b.arguments) for b in queue.bindings]
    if queue.exchange is not None and queue.exchange.name:
        pairs.append((queue.exchange, queue.routing_key, queue.binding_arguments))
    return [
        {
            "source": exchange.name,
            "vhost": vhost,
            "destination": queue.name,
            "destination_type": "queue",
            "routing_key": routing_key or "",
            "arguments": dict(arguments or {}),
        }
        for exchange, routing_key, arguments in pairs
        if exchange is not None and exchange.name
    ]


# -- users and permissions ---------------------------------------------------------------


def user_name(service: str, prefix: str = "buurt-") -> str:
    return f"{prefix}{service}"


def service_permissions(topology: Topology) -> dict[str, str]:
    """configure / write / read regular expressions for one service's broker user.

    - configure: what its worker declares (``Topology.declare`` and kombu's consumer
      redeclare non-passively, which RabbitMQ checks as configure even when the object
      exists: that includes the exchanges it consumes from);
    - write: its own exchange (the relay publishes), its own queues (binding into them),
      and the default exchange when it consumes (a failed message is republished to its
      retry queue or dead-letter queue through it);
    - read: its own queues (consuming) and every exchange its queues bind from.
    """
    queues = topology.queues()
    own_exchange = f"{topology.service}.events"
    declared_exchanges = [e.name for e in topology.exchanges()]
    queue_names = [q.name for q in queues]
    sources = sorted({b["source"] for q in queues for b in _binding_definitions(q, DEFAULT_VHOST)})
    write = [n for n in declared_exchanges if n == own_exchange] + queue_names
    if topology.consumes:
        write.append(DEFAULT_EXCHANGE_RESOURCE)
    return {
        "configure": _exact(declared_exchanges + queue_names),
        "write": _exact(write),
        "read": _exact(queue_names + sources),
    }


def _exact(names: Iterable[str]) -> str:
    """A regular expression that matches exactly these names and nothing else."""
    names = sorted(set(names))
    if not names:
        return "^$"  # RabbitMQ's way of granting nothing
    for name in names:
        if not _SAFE_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a plain resource name")
    return "^(" + "|".join(re.escape(n) for n in names) + ")$"


def hash_password(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's salted SHA-256 password hash (rabbit_password_hashing_sha256)."""
    salt = os.urandom(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode("utf-8")).digest()).decode("ascii")


def service_users(
    topologies: Iterable[Topology],
    passwords: Mapping[str, str],
    vhost: str = DEFAULT_VHOST,
    prefix: str = "buurt-",
    admin_password: str | None = None,
) -> dict[str, Any]:
    """Definitions of one user per service (``<prefix><service>``) with its permissions on the vhost.

    With ``admin_password`` also ``<prefix>admin``: a management administrator with full
    rights, because a broker that loads definitions at boot creates no default user.
    """
    users, permissions = [], []
    for topology in topologies:
        name = user_name(topology.service, prefix)
        password = passwords.get(topology.service)
        if not password:
            raise ValueError(f"no broker password for {topology.service}")
        users.append({"name": name, "password_hash": hash_password(password), "hashing_algorithm": PASSWORD_HASHING, "tags": []})
        permissions.append({"user": name, "vhost": vhost, **service_permissions(topology)})
    if admin_password:
        name = user_name("admin", prefix)
        users.append(
            {"name": name, "password_hash": hash_password(admin_password), "hashing_algorithm": PASSWORD_HASHING, "tags": ["administrator"]}
        )
        permissions.append({"user": name, "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"})
    return {"vhosts": [{"name": vhost}], "users": users, "permissions": permissions}
