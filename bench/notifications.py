"""Benchmark: e-mails rendered and sent per second by the notifications service.

Two runs on PostgreSQL, both ending at the real mailer, which sends over one SMTP
connection to a local aiosmtpd server that accepts everything:

- a mailing: one ``agenda.agenda.published.v1`` event for members in its themes, rendered
  by the real handler (Jinja2 HTML and text per member, in their language) in one
  transaction; this is where volume comes from;
- confirmations: one ``intake.submission.received.v1`` event per e-mail, each applied as
  the consumer does (inbox row, contact, rendering, e-mail row, one transaction each).

The send rate limit (BUURT_SEND_RATE, 50 per second by default) is lifted for the bench so
the figures show what the service can do, not the limit it is configured to keep.

    python bench/notifications.py [--members 2000] [--confirmations 500] [--connections 1]
                                  [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402

from services.notifications.composition import make_composer, make_mailer  # noqa: E402
from services.notifications.handlers import on_agenda_published, on_submission_received  # noqa: E402
from services.notifications.models import TABLES, Circle, Contact  # noqa: E402
from services.notifications.settings import NotificationsSettings  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.contracts.envelope import Event, utcnow  # noqa: E402
from shared.contracts.registry import validate_incoming  # noqa: E402
from shared.contracts.samples import sample  # noqa: E402
from shared.db.inbox import first_delivery  # noqa: E402
from shared.db.migrations import upgrade  # noqa: E402
from shared.runtime import Runtime  # noqa: E402


# The SMTP server runs in a process of its own, as a real relay would, so it does not share
# this process's interpreter lock with the mailer. It prints how many messages it accepted.
SMTP_SERVER = """
import sys, time
from aiosmtpd.controller import Controller

class Counting:
    received = 0
    async def handle_DATA(self, server, session, envelope):
        Counting.received += 1
        return "250 OK"

controller = Controller(Counting(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.readline()
controller.stop()
print(Counting.received, flush=True)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_smtp_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-c", SMTP_SERVER, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if server.stdout.readline().strip() != "ready":
        raise SystemExit("the SMTP server did not start")
    return server


def stop_smtp_server(server: subprocess.Popen) -> int:
    out, _ = server.communicate("stop\n", timeout=30)
    return int(out.strip() or 0)


def apply(runtime, handler, event) -> None:
    """What the inbox consumer does with one event."""
    with runtime.uow_factory() as uow:
        if first_delivery(uow, "notifications", event):
            handler(uow, event)
            uow.commit()


def typed(event_type: str, data: dict) -> Event:
    source = "/" + event_type.split(".", 1)[0]
    raw = Event(type=event_type, source=source, subject=str(data.get("member_id", "bench")), data=data)
    return replace(raw, data=validate_incoming(raw.type, raw.data))


def send_all(mailer, expected: int) -> None:
    sent = 0
    while sent < expected:
        report = mailer.deliver_due()
        if not report.sent:
            raise SystemExit(f"the mailer stopped after {sent} of {expected} messages: {report}")
        sent += report.sent


def add_members(runtime, count: int) -> None:
    """Confirmed members with consent in two theme circles, half Dutch, half English (setup, not timed)."""
    now = utcnow()
    with runtime.uow_factory() as uow:
        for i in range(count):
            member_id = str(uuid.uuid4())
            uow.session.add(Contact(member_id=member_id, email=f"member{i}@example.org", name=f"Lid {i}",
                                    language="en" if i % 2 else "nl", updated_at=now, confirmed=True,
                                    consent_contact=True, consent_peer_introductions=True, erasure_token=f"erase-{member_id}"))
            uow.session.add_all([Circle(member_id=member_id, theme="jeugd-jongeren"), Circle(member_id=member_id, theme="overlast")])
        uow.commit()


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:8.1f} per second"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--confirmations", type=int, default=500)
    parser.add_argument("--connections", type=int, default=1, help="BUURT_SMTP_CONNECTIONS (default 1, as in production)")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    name = f"buurt_bench_notifications_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(args.database_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    database_url = args.database_url.rsplit("/", 1)[0] + f"/{name}"
    port = free_port()
    smtp_server = start_smtp_server(port)
    runtime = None
    try:
        upgrade("notifications", database_url)
        settings = Settings.from_env(
            "notifications",
            {
                "BUURT_DATABASE_URL": database_url,
                "BUURT_AMQP_URL": "memory://",
                "BUURT_SECRET_KEY": "bench-" + "b" * 40,
                "BUURT_DATA_DIR": tempfile.mkdtemp(prefix="buurt-bench-"),
                "BUURT_SMTP_HOST": "127.0.0.1",
                "BUURT_SMTP_PORT": str(port),
                "BUURT_SMTP_SECURITY": "none",
                "BUURT_SEND_RATE": "100000",  # the default is 50/s; the bench measures capacity
                "BUURT_MAIL_BATCH_SIZE": "200",
                "BUURT_SMTP_CONNECTIONS": str(args.connections),
            },
        )
        runtime = Runtime.create(settings, TABLES)
        own = NotificationsSettings.from_settings(settings)
        composer = make_composer(settings, own)
        mailer = make_mailer(runtime.uow_factory, own)

        add_members(runtime, args.members)
        agenda = sample("agenda.agenda.published.v1")
        agenda["themes"].append({**agenda["themes"][0], "slug": "overlast", "rank": 2})
        mailing = typed("agenda.agenda.published.v1", agenda)
        started, cpu_started = time.perf_counter(), time.process_time()
        apply(runtime, partial(on_agenda_published, composer=composer), mailing)
        rendered, cpu_rendered = time.perf_counter(), time.process_time()
        send_all(mailer, args.members)
        mailed, cpu_mailed = time.perf_counter(), time.process_time()

        confirmations = []
        for i in range(args.confirmations):
            data = {**sample("intake.submission.received.v1"), "member_id": str(uuid.uuid4()),
                    "submission_id": str(uuid.uuid4()), "email": f"new{i}@example.org", "name": f"Nieuw {i}"}
            confirmations.append(typed("intake.submission.received.v1", data))
        confirm_started = time.perf_counter()
        for event in confirmations:
            apply(runtime, partial(on_submission_received, composer=composer), event)
        confirm_rendered = time.perf_counter()
        send_all(mailer, args.confirmations)
        confirm_mailed = time.perf_counter()
        received = stop_smtp_server(smtp_server)
        smtp_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        smtp_cpu_seconds = smtp_cpu.ru_utime + smtp_cpu.ru_stime
        total = args.members + args.confirmations
        load = os.getloadavg()[0]

        print(f"SMTP server received:       {received} of {args.members + args.confirmations} messages "
              f"over {args.connections} connection(s); send rate limit lifted (default 50/s)")
        print(f"mailing of {args.members} (agenda published, one event):")
        print(f"  rendered and stored:      {rate(args.members, rendered - started)}")
        print(f"  sent by the mailer:       {rate(args.members, mailed - rendered)}")
        print(f"  rendered and sent:        {rate(args.members, mailed - started)}  overall (goal: at least 200)")
        print(f"{args.confirmations} confirmations (one event and one transaction each):")
        print(f"  rendered and stored:      {rate(args.confirmations, confirm_rendered - confirm_started)}")
        print(f"  sent by the mailer:       {rate(args.confirmations, confirm_mailed - confirm_rendered)}")
        print(f"  rendered and sent:        {rate(args.confirmations, confirm_mailed - confirm_started)}  overall")
        # Wall-clock figures depend on what else the machine runs; CPU time per message does not.
        service_ms = (cpu_mailed - cpu_started) / args.members * 1000
        render_ms = (cpu_rendered - cpu_started) / args.members * 1000
        smtp_ms = smtp_cpu_seconds / total * 1000
        print(f"CPU per message of the mailing: {service_ms:.2f} ms in the service ({render_ms:.2f} rendering and storing, "
              f"{service_ms - render_ms:.2f} sending and marking), {smtp_ms:.2f} ms in the SMTP server")
        print(f"  so one core renders and sends {1000 / service_ms:.0f} per second (PostgreSQL's own CPU not counted)")
        print(f"load average during the run: {load:.1f} on {os.cpu_count()} cores")
    finally:
        if runtime is not None:
            runtime.engine.dispose()
        if smtp_server.poll() is None:
            smtp_server.kill()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
