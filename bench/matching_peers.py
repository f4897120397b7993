"""Benchmark: peer suggestions with 10,000 members in PostgreSQL.

Seeds a fresh PostgreSQL database with 10,000 member profiles, each with an expertise text
(taken from the labelled set, with its gold themes as the themes the member ticked), 85%
of them consenting to introductions, spread over all municipalities and roles, and some
suggestions already made this month. Then applies confirmed submissions (1 to 3 learning
questions each, from the labelled set, by new members) exactly as the worker does: inbox
row, classification, member themes, peer index, suggestions, outbox, commit.

Prints milliseconds per submission (p50, p95, max) for the peer suggestion step alone and
for the whole handler, and how many suggestions were made.

    python bench/matching_peers.py [--members 10000] [--submissions 300]
                                   [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from dataclasses import replace
from functools import partial
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from services.matching import handlers, peers, versions  # noqa: E402
from services.matching.classifier.dataset import load_labelled  # noqa: E402
from services.matching.models import (  # noqa: E402
    TABLES,
    MemberText,
    PeerExposure,
    PeerOffer,
    Profile,
    ThemeAssignment,
)
from services.matching.peer_index import PeerIndex  # noqa: E402
from services.matching.settings import MatchingSettings  # noqa: E402
from services.matching.similarity import term_vector  # noqa: E402
from shared import reference  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.contracts.envelope import Event, utcnow  # noqa: E402
from shared.contracts.registry import validate_incoming  # noqa: E402
from shared.contracts.samples import sample  # noqa: E402
from shared.db.inbox import first_delivery  # noqa: E402
from shared.db.migrations import upgrade  # noqa: E402
from shared.runtime import Runtime  # noqa: E402
from tests.support.infrastructure import PostgresServer  # noqa: E402

ROLES = ("bewoner", "buurtmaker", "wijkprofessional", "beleidsmaker", "bestuurder", "anders")


def seed(runtime: Runtime, model, members: int, rng: random.Random) -> None:
    examples = load_labelled()
    offers = [e for e in examples if e.kind == "expertise"] or examples
    places = [(m.code, m.province_code) for m in reference.municipalities().values()]
    vectors = {e.id: term_vector(model, e.text) for e in offers}
    now = utcnow()
    month = peers.month_of(now)
    profiles, texts, assignments, offer_rows, exposure = [], [], [], [], []
    for _ in range(members):
        member = str(uuid.uuid4())
        example = rng.choice(offers)
        code, province = rng.choice(places)
        role = rng.choice(ROLES)
        consent = rng.random() < 0.85
        text_id = f"{uuid.uuid4()}/expertise"
        profiles.append(dict(member_id=member, role=role, municipality_code=code, province_code=province,
                             peer_introductions=consent, updated_at=now))
        texts.append(dict(text_id=text_id, submission_id=str(uuid.uuid4()), member_id=member, kind="expertise",
                          text=example.text, needs_review=False, classifier_version=model.version, created_at=now,
                          stated_themes=list(example.labels), terms=vectors[example.id]))
        assignments += [dict(text_id=text_id, slug=s, score=0.8, source="auto") for s in example.labels]
        if consent:
            offer_rows.append(dict(text_id=text_id, member_id=member, role=role, municipality_code=code,
                                   province_code=province, themes=list(example.labels), terms=vectors[example.id]))
            if rng.random() < 0.2:
                exposure.append(dict(member_id=member, month=month, count=rng.randint(1, 4)))
    with runtime.uow_factory() as uow:
        for model_class, rows in ((Profile, profiles), (MemberText, texts), (ThemeAssignment, assignments),
                                  (PeerOffer, offer_rows), (PeerExposure, exposure)):
            for start in range(0, len(rows), 2000):
                uow.session.execute(insert(model_class), rows[start:start + 2000])
        uow.commit()
    with runtime.engine.connect() as connection:  # fresh planner statistics, as autovacuum would give
        connection.exec_driver_sql("COMMIT")
        connection.exec_driver_sql("ANALYZE")


def submissions(count: int, rng: random.Random) -> list[dict]:
    examples = load_labelled()
    questions = [e.text for e in examples if e.kind == "learning_question"]
    urgent = [e.text for e in examples if e.kind == "urgent_issue"]
    places = [(m.code, m.province_code) for m in reference.municipalities().values()]
    made = []
    for _ in range(count):
        submission = str(uuid.uuid4())
        data = sample("intake.submission.confirmed.v1")
        data.update(member_id=str(uuid.uuid4()), submission_id=submission, role=rng.choice(ROLES), expertise=None)
        data["municipality_code"], data["province_code"] = rng.choice(places)
        data["urgent_issues"] = {"text_id": f"{submission}/urgent", "text": rng.choice(urgent), "themes": []}
        data["learning_questions"] = [
            {"text_id": f"{submission}/q{i}", "text": rng.choice(questions)} for i in range(1, rng.randint(1, 3) + 1)
        ]
        made.append(data)
    return made


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    rng = random.Random(20261128)

    pg = PostgresServer(args.database_url)
    name = f"buurt_bench_{uuid.uuid4().hex[:8]}_matching"
    url = pg.create_database(name)
    try:
        upgrade("matching", url)
        settings = Settings.from_env("matching", {"BUURT_DATABASE_URL": url, "BUURT_AMQP_URL": "memory://",
                                                   "BUURT_SECRET_KEY": "bench-" + "k" * 40, "BUURT_LOG_LEVEL": "WARNING"})
        runtime = Runtime.create(settings, TABLES)
        own = MatchingSettings.from_settings(settings)
        started = time.perf_counter()
        versions.ensure_active(runtime.uow_factory)
        print(f"classifier version stored from the bundled texts in {time.perf_counter() - started:.1f} s")
        provider = versions.ModelProvider()
        with runtime.uow_factory() as uow:
            model = provider.get(uow)

        started = time.perf_counter()
        seed(runtime, model, args.members, rng)
        print(f"seeded {args.members:,} members with expertise in {time.perf_counter() - started:.1f} s")

        suggest_ms: list[float] = []
        made = 0
        real_suggest = peers.suggest

        def timed_suggest(*a, **k):
            nonlocal made
            begun = time.perf_counter()
            result = real_suggest(*a, **k)
            suggest_ms.append((time.perf_counter() - begun) * 1000)
            made += len(result)
            return result

        handlers.peers.suggest = timed_suggest
        index = PeerIndex()
        started = time.perf_counter()
        with runtime.uow_factory() as uow:
            index.sync(uow)
        print(f"peer index loaded into memory ({len(index):,} offers) in {(time.perf_counter() - started) * 1000:.0f} ms,"
              " once per process")
        handle = partial(handlers.on_submission_confirmed, models=provider, index=index, settings=own)
        batch = submissions(args.submissions, rng)
        whole_ms = []
        for data in batch:
            event = Event(type="intake.submission.confirmed.v1", source="/intake", subject=data["submission_id"], data=data)
            event = replace(event, data=validate_incoming(event.type, event.data))
            begun = time.perf_counter()
            with runtime.uow_factory() as uow:
                if first_delivery(uow, "matching", event):
                    handle(uow, event)
            whole_ms.append((time.perf_counter() - begun) * 1000)
        handlers.peers.suggest = real_suggest
        questions = sum(len(d["learning_questions"]) for d in batch)
        print(f"{len(batch)} submissions ({questions} learning questions), {made} suggestions made")
        for label, values in (("peer suggestions", suggest_ms), ("whole handler (classify, store, suggest, commit)", whole_ms)):
            print(f"  {label}: p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f} ms,"
                  f" max {max(values):.1f} ms per submission")
        runtime.engine.dispose()
    finally:
        pg.drop_database(name)


if __name__ == "__main__":
    main()
