"""Agenda's use cases: plain functions over a unit of work (no Flask, no kombu)."""

from __future__ import annotations

from sqlalchemy import select

from services.agenda.models import MemberThemeSeen, PendingSubmission, Question, ThemeStat
from services.agenda.scrubbing import scrub
from shared.contracts.envelope import Event, utcnow
from shared.db.uow import UnitOfWork

MIN_GROUP = 5  # published aggregates never show groups smaller than this


def _pending(uow: UnitOfWork, submission_id: str, member_id: str) -> PendingSubmission:
    row = uow.session.get(PendingSubmission, submission_id, with_for_update=True)
    if row is None:
        row = PendingSubmission(submission_id=submission_id, member_id=member_id)
        uow.session.add(row)
    return row


def on_submission_confirmed(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    row = _pending(uow, data["submission_id"], data["member_id"])
    texts = {q["text_id"]: scrub(q["text"]) for q in data["learning_questions"]}
    if data.get("urgent_issues"):
        texts[data["urgent_issues"]["text_id"]] = scrub(data["urgent_issues"]["text"])
    row.confirmed = {
        "role": data["role"],
        "municipality_code": data["municipality_code"],
        "province_code": data["province_code"],
        "texts": texts,
    }
    _fold_if_complete(uow, row)
    uow.commit()


def on_submission_classified(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    row = _pending(uow, data["submission_id"], data["member_id"])
    row.classified = {
        "texts": [
            {"text_id": t["text_id"], "kind": t["kind"], "themes": [th["slug"] for th in t["themes"]]}
            for t in data["texts"]
        ]
    }
    _fold_if_complete(uow, row)
    uow.commit()


def _fold_if_complete(uow: UnitOfWork, row: PendingSubmission) -> None:
    """Add one submission to the live counts, once both halves are here."""
    if row.folded_at is not None or row.confirmed is None or row.classified is None:
        return
    now = utcnow()
    stats = {s.slug: s for s in uow.session.scalars(select(ThemeStat))}
    counted: set[str] = set()  # themes this member was counted for within this submission
    for text in row.classified["texts"]:
        if text["kind"] == "expertise":
            continue
        if text["kind"] == "learning_question":
            uow.session.add(
                Question(
                    text_id=text["text_id"],
                    submission_id=row.submission_id,
                    member_id=row.member_id,
                    kind=text["kind"],
                    text=row.confirmed["texts"].get(text["text_id"], ""),
                    themes=text["themes"],
                    role=row.confirmed["role"],
                    municipality_code=row.confirmed["municipality_code"],
                    province_code=row.confirmed["province_code"],
                    created_at=now,
                )
            )
        for slug in text["themes"]:
            stat = stats.get(slug)
            if stat is None:
                stat = stats[slug] = ThemeStat(slug=slug, members=0, questions=0, urgent_mentions=0)
                uow.session.add(stat)
            if text["kind"] == "learning_question":
                stat.questions += 1
            else:
                stat.urgent_mentions += 1
            if slug not in counted and uow.session.get(MemberThemeSeen, (row.member_id, slug)) is None:
                uow.session.add(MemberThemeSeen(member_id=row.member_id, slug=slug))
                stat.members += 1
            counted.add(slug)
    row.folded_at = now


def live_ranking(uow: UnitOfWork) -> list[dict]:
    stats = uow.session.scalars(select(ThemeStat)).all()
    ranked = sorted(stats, key=lambda s: (-s.members, -s.questions, s.slug))
    return [
        {
            "rank": rank,
            "slug": stat.slug,
            "members": stat.members if stat.members >= MIN_GROUP else None,
            "questions": stat.questions if stat.members >= MIN_GROUP else None,
            "suppressed": stat.members < MIN_GROUP,
        }
        for rank, stat in enumerate(ranked, 1)
    ]
