"""CPU per POST /api/v1/submissions, beside the reference endpoint, without a web server.

Each app is called in this process through Flask's test client against its own fresh
PostgreSQL database (created and dropped here), one request after another, so no HTTP
parsing and no thread switching is counted: the figures are the apps' own cost. Counted per
request: this process's CPU time (time.process_time), and the CPU of the PostgreSQL backends
serving the app's database (from /proc, when the server runs on this machine), since under
gunicorn both share the same cores. The two apps take turns in several rounds.

CPU time still moves with other work on a shared machine (caches, hyper-threads). For a
figure that does not, count instructions: run one app under callgrind with --callgrind, which
switches instrumentation on for the measured requests only, and divide the "totals:" line
of the output by the number of requests:

    python bench/intake_cpu.py [--requests 2000] [--rounds 3] [--only intake|reference]
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=intake.cg \\
        python bench/intake_cpu.py --only intake --rounds 1 --requests 300 --callgrind
    py-spy record --gil -f raw -o intake.txt -- python bench/intake_cpu.py --only intake

Environment as bench/intake.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from intake import database_url, intake_body, reference_body, run_admin  # noqa: E402  (bench/intake.py)

APPS = ("reference", "intake")


def make_client(name: str, database: str):
    """(test client, path, body maker) for one app on a fresh database, configured as bench/intake.py's gunicorn."""
    os.environ.update(
        BUURT_ENV="production",
        BUURT_DATABASE_URL=database_url(database),
        BUURT_AMQP_URL="memory://",
        BUURT_SECRET_KEY="bench-" + "s" * 40,
        BUURT_DATA_DIR=str(Path("/tmp") / f"buurt-bench-{os.getpid()}"),
        BUURT_LOG_LEVEL="WARNING",
        BUURT_INTAKE_RATE_LIMIT_ENABLED="false",
    )
    if name == "intake":
        from services.intake.app import create_app
        from shared.db.migrations import upgrade

        upgrade("intake", database_url(database))
        return create_app().test_client(), "/api/v1/submissions", intake_body
    import intake_reference

    intake_reference.create_tables(database_url(database))
    return intake_reference.create_app().test_client(), "/items", reference_body


def server_cpu(database: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends connected to this database (0 when not visible)."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        pids = [row[0] for row in connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,))]
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime and stime
    return ticks / os.sysconf("SC_CLK_TCK")


def callgrind(switch: str) -> None:
    subprocess.run(["callgrind_control", "--instr", switch, str(os.getpid())], check=True, capture_output=True)


def measure(client, path: str, body, requests: int, instrument: bool = False) -> float:
    """CPU seconds per request in this process over `requests` POSTs; every answer must be 201."""
    bodies = [body(n) for n in range(requests)]
    headers = {"Content-Type": "application/json"}
    if instrument:
        callgrind("on")
    started = time.process_time()
    for data in bodies:
        response = client.post(path, data=data, headers=headers)
        if response.status_code != 201:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.get_data(as_text=True)[:500]}")
    spent = time.process_time() - started
    if instrument:
        callgrind("off")
    return spent / requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per round and app")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds per app, taking turns; the median is shown")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--only", choices=APPS, help="measure one app (under callgrind or py-spy)")
    parser.add_argument("--callgrind", action="store_true", help="switch callgrind's instrumentation on for the measured requests")
    options = parser.parse_args()

    names = (options.only,) if options.only else APPS
    run_id = uuid.uuid4().hex[:8]
    databases = {name: f"buurt_bench_{run_id}_{name}_cpu" for name in names}
    app_cpu: dict[str, list[float]] = {name: [] for name in names}
    db_cpu: dict[str, list[float]] = {name: [] for name in names}
    try:
        for database in databases.values():
            run_admin(f'CREATE DATABASE "{database}"')
        clients = {name: make_client(name, databases[name]) for name in names}
        for name in names:
            measure(*clients[name], options.warmup)
        for _ in range(options.rounds):
            for name in names:
                before = server_cpu(databases[name])
                app_cpu[name].append(measure(*clients[name], options.requests, options.callgrind))
                db_cpu[name].append((server_cpu(databases[name]) - before) / options.requests)
    finally:
        for database in databases.values():
            run_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    print(f"CPU ms per request (Flask test client, PostgreSQL), {options.requests} requests x {options.rounds} rounds, median\n")
    print(f"{'':<12}{'app':>8}{'database':>10}   app per round")
    median = {name: statistics.median(values) * 1000 for name, values in app_cpu.items()}
    for name in names:
        rounds = ", ".join(f"{v * 1000:.2f}" for v in app_cpu[name])
        print(f"{name:<12}{median[name]:>8.2f}{statistics.median(db_cpu[name]) * 1000:>10.2f}   ({rounds})")
    if len(names) == 2:
        print(f"\nintake / reference (app CPU) = {median['intake'] / median['reference']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
