"""What the end-to-end benchmarks share: the whole platform as real processes on fresh
PostgreSQL databases, a fresh RabbitMQ vhost and a local aiosmtpd server, and the peak
memory of every process. Built on the same support code the fault tests use."""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared.config import SERVICES  # noqa: E402
from tests.support.databases import prepare_database  # noqa: E402
from tests.support.infrastructure import PostgresServer, RabbitServer  # noqa: E402
from tests.support.processes import ProcessPlatform  # noqa: E402
from tests.support.smtp import SmtpSink  # noqa: E402

DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
MANAGEMENT_URL = "http://guest:guest@127.0.0.1:15672/"

# Limits meant for real traffic are lifted so the figures show what the platform can do.
BENCH_ENV = {
    "BUURT_RATE_LIMIT_ENABLED": "false",
    "BUURT_SEND_RATE": "100000",
    "BUURT_MAILER_INTERVAL": "1",
    "BUURT_WEB_WORKERS": "2",
    "BUURT_WEB_THREADS": "8",
    "BUURT_LOG_LEVEL": "WARNING",
}


@dataclass
class BenchPlatform:
    platform: ProcessPlatform
    database_urls: dict[str, str]
    amqp_url: str
    smtp: SmtpSink


@contextlib.contextmanager
def running_platform(with_web: bool = True, extra_env: dict[str, str] | None = None) -> Iterator[BenchPlatform]:
    pg = PostgresServer(DATABASE_URL)
    rabbit = RabbitServer(AMQP_URL, MANAGEMENT_URL)
    run = uuid.uuid4().hex[:8]
    databases = {s: f"buurt_bench_{run}_{s}" for s in SERVICES}
    vhost = f"buurt-bench-{run}"
    smtp = SmtpSink().start()
    platform = None
    try:
        urls = {}
        for service, name in databases.items():
            urls[service] = pg.create_database(name)
            prepare_database(service, urls[service])
        amqp_url = rabbit.create_vhost(vhost)
        logs = Path(tempfile.mkdtemp(prefix="buurt-bench-"))
        platform = ProcessPlatform.create(amqp_url, urls, logs, {**BENCH_ENV, **smtp.env(), **(extra_env or {})})
        if with_web:
            platform.start()
        else:
            for service in platform.services.values():
                service.start_worker()
            for service in platform.services.values():
                service.wait_worker_started()
        yield BenchPlatform(platform, urls, amqp_url, smtp)
    finally:
        if platform is not None:
            platform.stop()
        smtp.stop()
        for name in databases.values():
            pg.drop_database(name)
        rabbit.delete_vhost(vhost)


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory of a process (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def process_tree(pid: int) -> list[int]:
    """A process and its children (gunicorn's workers)."""
    children = []
    for path in Path("/proc").glob(f"{pid}/task/*/children"):
        children += [int(c) for c in path.read_text().split()]
    return [pid] + [p for child in children for p in process_tree(child)]


def peak_memory(platform: ProcessPlatform) -> dict[str, float]:
    """Peak RSS of every web and worker process, by name (gunicorn workers separately)."""
    figures = {}
    for name, service in platform.services.items():
        for kind, process in (("web", service.web), ("worker", service.worker)):
            if process is None or process.poll() is not None:
                continue
            for index, pid in enumerate(process_tree(process.pid)):
                label = f"{name} {kind}" + ("" if index == 0 else f" #{index}")
                figures[label] = peak_rss_mib(pid)
    return figures


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    q = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return {"p50": q[49], "p95": q[94], "p99": q[98]}


def print_memory(figures: dict[str, float], goal_mib: float = 150) -> None:
    print(f"\npeak memory (RSS) per process, goal < {goal_mib:.0f} MiB each")
    for label, mib in sorted(figures.items()):
        print(f"  {label:<28}{mib:>8.1f} MiB {'' if mib < goal_mib else '  OVER'}")
