"""Benchmark: the live agenda's fold rate and the time to publish a large version, on PostgreSQL.

1. Folding: ``--events`` submissions (1 to 3 learning questions and an urgent issue each, on
   1 or 2 of the 16 themes, from random municipalities and roles). Their confirmed events are
   applied first; then the classified events, each of which completes its submission and
   folds it into the counters, are applied the way the kit's consumer does: in batches of
   ``--batch`` (the batch's inbox rows in one statement, the handler per event, one commit
   per batch). Printed: classified events folded per second (goal: at least 1,000).
2. Publishing: the database is filled (through the same handlers) to ``--questions`` learning
   questions and analysed; the worker's ``group-questions`` job groups alike questions per
   theme (timed on its own); then a curator's draft is made from the live state (counters,
   ranking, suppression, the job's representative questions) and published (version
   document, quotes, outbox event, webhook deliveries for 20 subscriptions). Printed:
   seconds for draft + publish (goal: under 2 s for 100,000 questions), and what grouping
   afresh would add. Question texts are the classifier's labelled
   texts, each asked again by others as is or with a word left out, added or mistyped
   (``--corpus synthetic``: a tiny made-up vocabulary, the worst case for grouping).

    python bench/agenda.py [--events 5000] [--questions 100000] [--batch 20] [--corpus labelled|synthetic]
                           [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from services.agenda import curation, handlers  # noqa: E402
from services.agenda.models import TABLES, Question  # noqa: E402
from services.agenda.partners.models import Partner, Subscription  # noqa: E402
from services.agenda.representatives import compute_representatives, refresh_representatives  # noqa: E402
from services.agenda.settings import AgendaSettings  # noqa: E402
from shared import reference  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.contracts.envelope import Event, isoformat, utcnow  # noqa: E402
from shared.contracts.fields import ROLES  # noqa: E402
from shared.contracts.registry import validate_incoming  # noqa: E402
from shared.contracts.samples import sample  # noqa: E402
from shared.db.inbox import first_deliveries  # noqa: E402
from shared.db.migrations import upgrade  # noqa: E402
from shared.runtime import Runtime  # noqa: E402

OPENINGS = ["Hoe", "Hoe kun je", "Wat is de beste manier om", "Welke aanpak werkt om", "Hoe krijgen we het voor elkaar om", "Wie helpt ons"]
TOPICS = {
    "jeugd-jongeren": ["jongeren te betrekken bij het plein", "hangjongeren aan te spreken", "een jongerenraad op te zetten"],
    "wonen": ["betaalbare woningen voor starters te vinden", "woningdelen mogelijk te maken", "ouderen te laten doorstromen"],
    "groen-natuur": ["een buurttuin aan te leggen", "geveltuinen te stimuleren", "het schoolplein te vergroenen"],
    "overlast": ["geluidsoverlast van buren op te lossen", "overlast van feesten te beperken", "burenruzies te bemiddelen"],
    "armoede-bestaanszekerheid": ["gezinnen met schulden te bereiken", "een voedselbank in de wijk te starten"],
}
FILLER = (
    "samen snel goed eerlijk klein groot oud nieuw eerst later vaker minder budget vrijwilligers gemeente corporatie school "
    "bibliotheek buurthuis kerk moskee sportclub winkeliers ondernemers politie wijkagent huisarts opbouwwerk welzijn "
    "zomer winter avond weekend dorp stad wijk straat flat portiek galerij hofje plein park speeltuin fietspad"
).split()
PLACES = list(reference.municipalities().values())


LABELLED = Path(__file__).resolve().parents[1] / "services" / "matching" / "data" / "labelled"
ADDITIONS = ["in onze wijk", "met weinig geld", "samen met bewoners", "bij ons in het dorp", "als vrijwilliger", "in de stad"]


def synthetic_text(rng: random.Random, slug: str) -> str:
    """Worst case for grouping: a tiny vocabulary, so most questions look alike to many others."""
    topic = rng.choice(TOPICS.get(slug) or [f"het thema {slug} aan te pakken", f"meer te leren over {slug}"])
    extra = " ".join(rng.sample(FILLER, rng.randint(0, 3)))
    return f"{rng.choice(OPENINGS)} {topic}{' ' + extra if extra else ''}?"


def labelled_texts() -> dict[str, list[str]]:
    """Real-world-like texts per theme: the labelled sets of the classifier (2,000+ texts)."""
    per_theme: dict[str, list[str]] = {}
    for path in sorted(LABELLED.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                for slug in item["labels"]:
                    per_theme.setdefault(slug, []).append(item["text"][:2000])
    return per_theme


def varied(rng: random.Random, text: str) -> str:
    """The same question as someone else would type it: as is, a word left out or added, a typo."""
    words = text.split()
    roll = rng.random()
    if roll < 0.4 or len(words) < 4:
        return text
    if roll < 0.7:
        del words[rng.randrange(len(words))]
    elif roll < 0.85:
        words.insert(rng.randrange(len(words)), rng.choice(ADDITIONS))
    else:
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 3:
            j = rng.randrange(len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


class Corpus:
    def __init__(self, kind: str):
        self.kind = kind
        self.texts = labelled_texts() if kind == "labelled" else {}

    def question(self, rng: random.Random, slug: str) -> str:
        if self.kind == "synthetic" or not self.texts.get(slug):
            return synthetic_text(rng, slug)
        return varied(rng, rng.choice(self.texts[slug]))


def submission_events(rng: random.Random, slugs: list[str], corpus: Corpus) -> tuple[Event, Event]:
    submission_id, member_id = str(uuid.uuid4()), str(uuid.uuid4())
    place = rng.choice(PLACES)
    when = isoformat(utcnow() - timedelta(days=rng.randint(0, 120)))
    questions = []
    for i in range(rng.randint(1, 3)):
        themes = rng.sample(slugs, rng.choice((1, 1, 2)))
        questions.append((f"{submission_id}/q{i + 1}", corpus.question(rng, themes[0]), themes))
    urgent = rng.sample(slugs, rng.choice((1, 2)))
    confirmed = sample("intake.submission.confirmed.v1")
    confirmed.update(
        submission_id=submission_id,
        member_id=member_id,
        role=rng.choice(ROLES),
        municipality_code=place.code,
        municipality_name=place.name,
        province_code=place.province_code,
        province=place.province,
        confirmed_at=when,
        submitted_at=when,
        learning_questions=[{"text_id": t, "text": text} for t, text, _ in questions],
    )
    confirmed["urgent_issues"] = {"text_id": f"{submission_id}/u", "text": "Overlast op het plein.", "themes": urgent}
    classified = sample("matching.submission.classified.v1")
    classified.update(
        submission_id=submission_id,
        member_id=member_id,
        member_themes=[],
        texts=[
            *(
                {"text_id": t, "kind": "learning_question", "themes": [{"slug": s, "score": 0.9} for s in themes], "needs_review": False}
                for t, _, themes in questions
            ),
            {"text_id": f"{submission_id}/u", "kind": "urgent_issue", "themes": [{"slug": s, "score": 0.8} for s in urgent], "needs_review": False},
        ],
    )
    return _event("intake.submission.confirmed.v1", confirmed), _event("matching.submission.classified.v1", classified)


def _event(event_type: str, data: dict) -> Event:
    event = Event(type=event_type, source="/" + event_type.split(".")[0], subject=data["submission_id"], data=data)
    return replace(event, data=validate_incoming(event_type, data))  # what the consumer hands the handler


HANDLERS = {
    "intake.submission.confirmed.v1": handlers.on_submission_confirmed,
    "matching.submission.classified.v1": handlers.on_submission_classified,
}


def apply_in_batches(runtime: Runtime, events: list[Event], batch: int) -> tuple[float, float]:
    """Apply events as the consumer does; returns (seconds in all, seconds of those in the kit's inbox check)."""
    started = time.perf_counter()
    inbox = 0.0
    for start in range(0, len(events), batch):
        with runtime.uow_factory() as uow:
            with uow.holding_commits():
                checked = time.perf_counter()
                firsts = first_deliveries(uow, "agenda", events[start : start + batch])
                inbox += time.perf_counter() - checked
                for event, first in zip(events[start : start + batch], firsts):
                    if first:
                        HANDLERS[event.type](uow, event)
            uow.commit()
    return time.perf_counter() - started, inbox


def question_count(runtime: Runtime) -> int:
    with runtime.uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(Question)) or 0


def subscribe_partners(runtime: Runtime, n: int) -> None:
    now = utcnow()
    with runtime.uow_factory() as uow:
        for i in range(n):
            partner = Partner(id=str(uuid.uuid4()), name=f"Partner {i}", token_hash=uuid.uuid4().hex * 2, active=True, created_at=now)
            uow.session.add(partner)
            uow.session.add(
                Subscription(
                    id=str(uuid.uuid4()), partner_id=partner.id, url=f"https://partner{i}.example/hook",
                    event_types=["agenda.agenda.published.v1"], themes=[], secret="whsec_" + "A" * 32,
                    status="active", created_at=now, updated_at=now,
                )
            )
        uow.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000, help="submissions whose classified events are timed")
    parser.add_argument("--questions", type=int, default=100_000, help="learning questions in the published version")
    parser.add_argument("--batch", type=int, default=20, help="events per transaction, as the consumer's batch")
    parser.add_argument("--corpus", choices=("labelled", "synthetic"), default="labelled",
                        help="question texts: the classifier's labelled texts, varied (default), or a tiny synthetic vocabulary (worst case for grouping)")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    name = f"buurt_bench_agenda_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(args.database_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = args.database_url.rsplit("/", 1)[0] + f"/{name}"
    url = url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    runtime = None
    try:
        upgrade("agenda", url)
        settings = Settings.from_env("agenda", {"BUURT_DATABASE_URL": url, "BUURT_DATA_DIR": "/tmp/buurt-bench-agenda", "BUURT_LOG_LEVEL": "WARNING"})
        runtime = Runtime.create(settings, TABLES)
        own = AgendaSettings.from_settings(settings)
        rng = random.Random(42)
        slugs = sorted(reference.theme_slugs())

        corpus = Corpus(args.corpus)
        pairs = [submission_events(rng, slugs, corpus) for _ in range(args.events)]
        confirmed_seconds, confirmed_inbox = apply_in_batches(runtime, [c for c, _ in pairs], args.batch)
        classified_seconds, classified_inbox = apply_in_batches(runtime, [k for _, k in pairs], args.batch)
        folded_questions = question_count(runtime)
        print(f"fold: {args.events:,} submissions ({folded_questions:,} learning questions), batches of {args.batch}")
        for label, seconds, inbox in (
            ("confirmed events applied: ", confirmed_seconds, confirmed_inbox),
            ("classified events folded: ", classified_seconds, classified_inbox),
        ):
            print(
                f"  {label} {args.events / seconds:8,.0f} per second"
                f"   ({1000 * (seconds - inbox) / args.events:.2f} ms per event in agenda's handlers and commit,"
                f" {1000 * inbox / args.events:.2f} ms in the kit's inbox check)"
            )
        print("  goal for classified events: >= 1,000 per second")

        fill_started = time.perf_counter()
        while question_count(runtime) < args.questions:
            more = [submission_events(rng, slugs, corpus) for _ in range(2000)]
            apply_in_batches(runtime, [e for pair in more for e in pair], 100)  # untimed
        total = question_count(runtime)
        print(f"filled to {total:,} learning questions in {time.perf_counter() - fill_started:.0f} s (untimed)")

        with runtime.engine.connect() as connection:  # what autovacuum does soon after a bulk load
            connection.exec_driver_sql("ANALYZE")
        subscribe_partners(runtime, 20)
        grouped = time.perf_counter()
        with runtime.uow_factory() as uow:
            kept = refresh_representatives(uow, own)
        print(f"group-questions job (worker, every {own.grouping_interval_seconds:.0f} s): {time.perf_counter() - grouped:.2f} s"
              f" to group {total:,} questions ({kept} representatives kept)")
        started = time.perf_counter()
        with runtime.uow_factory() as uow:
            draft = curation.create_draft(uow, own)
            draft_id = draft.id
        drafted = time.perf_counter()
        with runtime.uow_factory() as uow:
            version = curation.publish_draft(uow, draft_id, own)
            version_themes = version.document["themes"]
            themes = len(version_themes)
        published = time.perf_counter()
        print(f"publish: version with {total:,} learning questions ({args.corpus} texts), {themes} themes, 20 webhook subscriptions")
        print(f"  draft from the live state: {drafted - started:6.2f} s")
        print(f"  publish the draft:         {published - drafted:6.2f} s")
        print(f"  total:                     {published - started:6.2f} s   (goal < 2 s)")
        with runtime.uow_factory() as uow:
            slugs = [t["slug"] for t in version_themes]
            cold = time.perf_counter()
            compute_representatives(uow, slugs, own)
        print(f"  (without a recent job result, a draft groups afresh: {time.perf_counter() - cold:.2f} s)")
    finally:
        if runtime is not None:
            runtime.engine.dispose()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
