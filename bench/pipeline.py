"""Benchmark: pipeline throughput against the broker's raw publishing rate.

10,000 confirmed submissions are written to intake's outbox while its relay is stopped;
then the relay starts and the figure is how long it takes until matching, agenda and
notifications have applied every event they receive (`intake.submission.confirmed.v1`
and `matching.submission.classified.v1`), as submissions per second. Beside it, in the
same run and the same broker, the raw rate at which kombu publishes persistent messages
with publisher confirms to a quorum queue. Goal: the pipeline at least 30% of that rate.
Also printed: when the welcome e-mails had all reached the SMTP server, and the peak
memory (RSS) of every worker process (goal < 150 MiB each).

    python bench/pipeline.py [--submissions 10000] [--raw 10000]
"""

from __future__ import annotations

import argparse
import json
import time
import uuid

from kombu import Connection, Exchange, Producer, Queue

from harness import peak_memory, print_memory, running_platform
from shared.contracts.samples import sample
from shared.runtime import Runtime
from shared.config import Settings
from services.intake.models import TABLES as INTAKE_TABLES
from tests.support.ledger import inbox_count, scalar

QUESTIONS = [
    "Hoe krijgen we jongeren van de straat en aan het werk?",
    "Wat werkt tegen eenzaamheid bij ouderen in een flat?",
    "Hoe pak je zwerfvuil rond de winkels samen met bewoners aan?",
    "Welke aanpak helpt gezinnen met schulden eerder in beeld te krijgen?",
    "Hoe maak je een buurt veiliger zonder meer cameras?",
    "Hoe betrek je nieuwkomers bij het buurthuis?",
    "Wat doe je aan hardrijders in een woonwijk?",
    "Hoe verduurzaam je oude huurwoningen zonder dat de huur stijgt?",
    "Hoe organiseer je een moestuin op een braakliggend terrein?",
    "Hoe houd je de huisarts en de supermarkt in een krimpdorp?",
]
CONFIRMED = "intake.submission.confirmed.v1"
CLASSIFIED = "matching.submission.classified.v1"


def raw_publish_rate(amqp_url: str, count: int) -> float:
    body = json.dumps(sample(CONFIRMED)).encode()
    queue = Queue("bench.raw", Exchange("bench.raw", "direct", durable=True), "raw", durable=True, queue_arguments={"x-queue-type": "quorum"})
    with Connection(amqp_url, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        queue(channel).declare()
        producer = Producer(channel, exchange=queue.exchange, routing_key="raw")
        started = time.perf_counter()
        for _ in range(count):
            producer.publish(body, delivery_mode=2, content_type="application/json", content_encoding="utf-8")
        elapsed = time.perf_counter() - started
        queue(channel).delete()
    return count / elapsed


def confirmed_event(index: int) -> tuple[str, dict]:
    data = sample(CONFIRMED)
    submission, member = str(uuid.uuid4()), str(uuid.uuid4())
    data.update(
        submission_id=submission,
        member_id=member,
        email=f"bench{index}@example.org",
        name=f"Bench Maker {index}",
        expertise=None,
    )
    data["urgent_issues"] = {**data["urgent_issues"], "text_id": f"{submission}/urgent"}
    data["learning_questions"] = [{"text_id": f"{submission}/q1", "text": QUESTIONS[index % len(QUESTIONS)]}]
    return submission, data


def inject(database_url: str, count: int) -> None:
    settings = Settings.from_env("intake", {"BUURT_DATABASE_URL": database_url, "BUURT_SECRET_KEY": "b" * 40})
    runtime = Runtime.create(settings, INTAKE_TABLES)
    try:
        for start in range(0, count, 500):
            with runtime.uow_factory() as uow:
                uow.publish_many(CONFIRMED, [confirmed_event(i) for i in range(start, min(count, start + 500))])
                uow.commit()
    finally:
        runtime.engine.dispose()


def applied(urls: dict[str, str], count: int) -> dict[str, bool]:
    return {
        "matching": inbox_count(urls["matching"], CONFIRMED) >= count,
        "agenda": inbox_count(urls["agenda"], CONFIRMED) >= count and inbox_count(urls["agenda"], CLASSIFIED) >= count,
        "notifications": inbox_count(urls["notifications"], CONFIRMED) >= count
        and inbox_count(urls["notifications"], CLASSIFIED) >= count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--raw", type=int, default=10_000)
    options = parser.parse_args()

    with running_platform(with_web=False) as bench:
        raw = raw_publish_rate(bench.amqp_url, options.raw)
        intake = bench.platform["intake"]
        intake.worker.terminate()  # its relay must not start before every event is written
        intake.worker.wait(15)
        inject(bench.database_urls["intake"], options.submissions)
        started = time.perf_counter()
        intake.start_worker()
        done_at: dict[str, float] = {}
        while len(done_at) < 3:
            for service, finished in applied(bench.database_urls, options.submissions).items():
                if finished and service not in done_at:
                    done_at[service] = time.perf_counter() - started
            time.sleep(0.5)
        drained = max(done_at.values())
        while len(bench.smtp.messages) < options.submissions and time.perf_counter() - started < drained + 600:
            time.sleep(0.5)
        mailed = time.perf_counter() - started
        welcome = scalar(bench.database_urls["notifications"], "SELECT count(*) FROM emails WHERE state = 'sent'")
        memory = peak_memory(bench.platform)

    rate = options.submissions / drained
    print(f"\npipeline: {options.submissions} confirmed submissions through matching, agenda and notifications")
    for service, seconds in sorted(done_at.items(), key=lambda item: item[1]):
        print(f"  {service:<14} all applied after {seconds:7.1f} s")
    print(f"  pipeline throughput        {rate:8.1f} submissions/s")
    print(f"  raw kombu publish rate     {raw:8.1f} messages/s (persistent, confirmed, quorum queue)")
    ratio = rate / raw
    print(f"  pipeline / raw             {ratio:8.1%}  (goal >= 30%: {'met' if ratio >= 0.30 else 'MISSED'})")
    print(f"  e-mails sent               {welcome} after {mailed:.1f} s ({welcome / mailed:.1f}/s overall)")
    print_memory({k: v for k, v in memory.items() if "worker" in k})


if __name__ == "__main__":
    main()
