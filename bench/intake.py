"""Throughput and latency of POST /api/v1/submissions, side by side with a minimal reference endpoint.

Both run under gunicorn (the project's gunicorn settings: 2 workers x 4 threads) against
fresh PostgreSQL databases that this script creates and drops. 16 clients keep one request
each in flight over keep-alive connections. The two endpoints take turns in several
rounds, so noise from other work on the machine falls on both alike.

The reference validates a two-field body and commits one row plus one outbox row with the
relay's NOTIFY, as the platform's unit of work does (bench/intake_reference.py). Intake does
what a submission needs on top: the whole questionnaire validated, the member upserted, three
signed tokens, the event checked against its contract, and the web app's security, metrics
and correlation hooks.

Rate limiting is switched off for intake (BUURT_INTAKE_RATE_LIMIT_ENABLED=false): all load
comes from one address, and the limiter would answer 429 instead of measuring the endpoint.

    python bench/intake.py [--seconds 10] [--rounds 3] [--clients 16]

Environment: BUURT_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
a role that may create databases.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_RATIO = 0.80
GOAL_P99_MS = 50.0


@dataclass
class Target:
    name: str
    app: str
    path: str
    body: callable
    extra_env: dict[str, str] = field(default_factory=dict)
    pythonpath: str | None = None
    port: int = 0
    process: subprocess.Popen | None = None
    log: Path | None = None
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0


def intake_body(n: int) -> bytes:
    from tests.support.flow import minimal_submission

    body = minimal_submission(f"bench-{n}-{uuid.uuid4().hex[:8]}@example.org")
    body["learning_questions"] = ["Hoe betrekken we jongeren bij plannen voor het plein?", "Hoe vinden we vrijwilligers?"]
    return json.dumps(body).encode()


def reference_body(n: int) -> bytes:
    return json.dumps({"name": "Bench Buurtmaker", "email": f"bench-{n}-{uuid.uuid4().hex[:8]}@example.org"}).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def admin_url() -> str:
    return os.environ.get("BUURT_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def database_url(name: str) -> str:
    base = admin_url().rsplit("/", 1)[0]
    return f"{base}/{name}"


def run_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url(), autocommit=True) as connection:
        connection.execute(sql)


def start(target: Target, database: str) -> None:
    target.port = free_port()
    env = {
        **os.environ,
        "BUURT_ENV": "production",
        "BUURT_DATABASE_URL": database_url(database),
        "BUURT_AMQP_URL": "memory://",
        "BUURT_SECRET_KEY": "bench-" + "s" * 40,
        "BUURT_DATA_DIR": str(Path("/tmp") / f"buurt-bench-{os.getpid()}"),
        "BUURT_WEB_WORKERS": "2",
        "BUURT_WEB_THREADS": "4",
        "BUURT_LOG_LEVEL": "WARNING",
        **target.extra_env,
    }
    args = [sys.executable, "-m", "gunicorn", "-c", "python:shared.web.gunicorn_conf", "--bind", f"127.0.0.1:{target.port}"]
    args += ["--access-logfile", "/dev/null"]
    if target.pythonpath:
        args += ["--pythonpath", target.pythonpath]
    target.log = Path(env["BUURT_DATA_DIR"]) / f"{target.name}.log"
    target.log.parent.mkdir(parents=True, exist_ok=True)
    with target.log.open("wb") as log:
        target.process = subprocess.Popen([*args, target.app], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_up(target: Target, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if target.process.poll() is not None:
            raise RuntimeError(f"{target.name} exited: {target.log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", target.port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{target.name} did not start")


async def _request(reader, writer, port: int, path: str, body: bytes) -> int:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    writer.write(head + body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("the server closed the keep-alive connection")
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return int(status_line.split()[1])


async def _load(target: Target, clients: int, seconds: float, counter, record: bool) -> None:
    stop_at = time.perf_counter() + seconds

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", target.port)
        try:
            while time.perf_counter() < stop_at:
                body = target.body(next(counter))
                started = time.perf_counter()
                try:
                    status = await _request(reader, writer, target.port, target.path, body)
                except (ConnectionError, asyncio.IncompleteReadError):
                    # A keep-alive connection the server let go: open a new one and send again.
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", target.port)
                    status = await _request(reader, writer, target.port, target.path, body)
                elapsed = time.perf_counter() - started
                if record:
                    target.latencies.append(elapsed)
                    target.errors += status != 201
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    if record:
        target.seconds += time.perf_counter() - began


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each measured turn")
    parser.add_argument("--rounds", type=int, default=5, help="turns per endpoint, alternating")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured load before the first turn")
    options = parser.parse_args()

    from shared.db.migrations import upgrade

    run_id = uuid.uuid4().hex[:8]
    databases = {"intake": f"buurt_bench_{run_id}_intake", "reference": f"buurt_bench_{run_id}_reference"}
    targets = [
        Target("reference", "intake_reference:create_app()", "/items", reference_body, pythonpath=str(ROOT / "bench")),
        Target("intake", "services.intake.app:create_app()", "/api/v1/submissions", intake_body,
               extra_env={"BUURT_INTAKE_RATE_LIMIT_ENABLED": "false"}),
    ]
    counter = itertools.count()
    try:
        for name in databases.values():
            run_admin(f'CREATE DATABASE "{name}"')
        upgrade("intake", database_url(databases["intake"]))
        sys.path.insert(0, str(ROOT / "bench"))
        import intake_reference

        intake_reference.create_tables(database_url(databases["reference"]))
        for target in targets:
            start(target, databases[target.name])
        for target in targets:
            wait_up(target)
        for target in targets:
            asyncio.run(_load(target, options.clients, options.warmup, counter, record=False))
        for _ in range(options.rounds):
            for target in targets:
                asyncio.run(_load(target, options.clients, options.seconds, counter, record=True))
    except Exception:
        for target in targets:
            if target.log and target.log.exists():
                print(f"--- {target.name} log ---\n{target.log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        raise
    finally:
        for target in targets:
            if target.process and target.process.poll() is None:
                target.process.send_signal(signal.SIGTERM)
        for target in targets:
            if target.process:
                try:
                    target.process.wait(20)
                except subprocess.TimeoutExpired:
                    target.process.kill()
        for name in databases.values():
            run_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    print(f"\nPOST throughput and latency, {options.clients} concurrent clients, gunicorn 2 workers x 4 threads, PostgreSQL")
    print(f"{options.rounds} alternating turns of {options.seconds:.0f} s per endpoint; intake rate limiting off\n")
    print(f"{'endpoint':<28}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    results = {}
    for target in targets:
        rate = len(target.latencies) / target.seconds
        p50, p99 = percentile(target.latencies, 0.50) * 1000, percentile(target.latencies, 0.99) * 1000
        results[target.name] = (rate, p50, p99)
        label = "reference (row + outbox)" if target.name == "reference" else "intake /api/v1/submissions"
        print(f"{label:<28}{len(target.latencies):>10}{rate:>10.1f}{p50:>10.1f}{p99:>10.1f}{target.errors:>8}")
    ratio = results["intake"][0] / results["reference"][0]
    p99 = results["intake"][2]
    print(f"\nintake throughput = {ratio:.0%} of the reference (goal >= {GOAL_RATIO:.0%}): {'met' if ratio >= GOAL_RATIO else 'MISSED'}")
    print(f"intake p99 = {p99:.1f} ms (goal < {GOAL_P99_MS:.0f} ms): {'met' if p99 < GOAL_P99_MS else 'MISSED'}")
    return 0 if all(t.errors == 0 for t in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
