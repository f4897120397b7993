"""The worker's grouping job: drafts use its result while it is recent, and group afresh otherwise."""

from __future__ import annotations

import dataclasses

from services.agenda.ranking import live_snapshot
from services.agenda.representatives import refresh_representatives
from services.agenda.worker import build_worker


def _questions(agenda, settings) -> list[tuple[str, int]]:
    with agenda.uow() as uow:
        (theme,) = live_snapshot(uow, settings)["themes"]
    return [(q["text"], q["similar_count"]) for q in theme["representative_questions"]]


def test_drafts_use_the_last_grouping_while_it_is_recent(agenda, feed):
    feed.members(5, questions=[("Hoe maak je de straat autoluw?", ["verkeer-mobiliteit"])])
    with agenda.uow() as uow:
        assert refresh_representatives(uow, feed.settings) == 1
    feed.members(7, questions=[("Hoe krijg je een 30-kilometerzone in je wijk?", ["verkeer-mobiliteit"])])

    assert _questions(agenda, feed.settings) == [("Hoe maak je de straat autoluw?", 5)]  # the kept result
    stale = dataclasses.replace(feed.settings, grouping_max_age_seconds=0)
    assert _questions(agenda, stale) == [("Hoe krijg je een 30-kilometerzone in je wijk?", 7), ("Hoe maak je de straat autoluw?", 5)]
    with agenda.uow() as uow:
        refresh_representatives(uow, feed.settings)
    assert _questions(agenda, feed.settings)[0] == ("Hoe krijg je een 30-kilometerzone in je wijk?", 7)


def test_the_worker_runs_the_grouping_job(agenda):
    worker = build_worker(agenda.runtime)
    job = next(j for j in worker.jobs if j.name == "group-questions")
    assert job.interval_seconds == 60 and job.run() == 0
