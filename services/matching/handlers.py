"""Matching's use cases: plain functions over a unit of work (no Flask, no kombu)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import delete, select

from services.matching.models import MemberText, MemberTheme, Profile, ThemeAssignment
from shared.contracts.envelope import Event, isoformat, utcnow
from shared.db.uow import UnitOfWork

# How much each kind of text counts towards a member's theme circles.
KIND_WEIGHT = {"urgent_issue": 1.0, "learning_question": 1.0, "expertise": 0.5}


def texts_of(data: dict) -> list[tuple[str, str, str]]:
    """(text id, kind, text) for every free text of a confirmed submission."""
    texts = []
    if data.get("urgent_issues"):
        texts.append((data["urgent_issues"]["text_id"], "urgent_issue", data["urgent_issues"]["text"]))
    texts += [(q["text_id"], "learning_question", q["text"]) for q in data["learning_questions"]]
    if data.get("expertise"):
        texts.append((data["expertise"]["text_id"], "expertise", data["expertise"]["text"]))
    return texts


def on_submission_confirmed(uow: UnitOfWork, event: Event, classify: Callable, classifier_version: str) -> None:
    data = event.data
    now = utcnow()
    profile = uow.session.get(Profile, data["member_id"])
    if profile is None:
        profile = Profile(member_id=data["member_id"])
        uow.session.add(profile)
    profile.role = data["role"]
    profile.municipality_code = data["municipality_code"]
    profile.province_code = data["province_code"]
    profile.peer_introductions = data["consents"]["peer_introductions"]
    profile.updated_at = now
    uow.session.flush()

    classified = []
    for text_id, kind, text in texts_of(data):
        result = classify(text)
        uow.session.merge(
            MemberText(
                text_id=text_id,
                submission_id=data["submission_id"],
                member_id=data["member_id"],
                kind=kind,
                text=text,
                needs_review=result.needs_review,
                classifier_version=classifier_version,
                created_at=now,
            )
        )
        for slug, score in result.themes.items():
            uow.session.merge(ThemeAssignment(text_id=text_id, slug=slug, score=score, source="auto"))
        classified.append(
            {
                "text_id": text_id,
                "kind": kind,
                "themes": [{"slug": s, "score": round(v, 4)} for s, v in sorted(result.themes.items())],
                "needs_review": result.needs_review,
            }
        )
    uow.session.flush()
    member_themes = recompute_member_themes(uow, data["member_id"])
    uow.publish(
        "matching.submission.classified.v1",
        subject=data["submission_id"],
        data={
            "submission_id": data["submission_id"],
            "member_id": data["member_id"],
            "classifier_version": classifier_version,
            "texts": classified,
            "member_themes": member_themes,
            "classified_at": isoformat(now),
        },
        causation=event,
    )
    uow.commit()


def recompute_member_themes(uow: UnitOfWork, member_id: str) -> list[str]:
    weights: dict[str, float] = defaultdict(float)
    rows = uow.session.execute(
        select(MemberText.kind, ThemeAssignment.slug, ThemeAssignment.score)
        .join(ThemeAssignment, ThemeAssignment.text_id == MemberText.text_id)
        .where(MemberText.member_id == member_id)
    )
    for kind, slug, score in rows:
        weights[slug] += KIND_WEIGHT[kind] * score
    uow.session.execute(delete(MemberTheme).where(MemberTheme.member_id == member_id))
    for slug, weight in weights.items():
        uow.session.add(MemberTheme(member_id=member_id, slug=slug, weight=weight))
    return sorted(weights)


def on_member_erased(uow: UnitOfWork, event: Event) -> None:
    member_id = event.data["member_id"]
    profile = uow.session.get(Profile, member_id)
    if profile is not None:
        uow.session.delete(profile)  # texts, assignments and themes go with it (ON DELETE CASCADE)
    uow.publish(
        "matching.erasure.completed.v1",
        subject=member_id,
        data={
            "service": "matching",
            "member_id": member_id,
            "erasure_id": event.data["erasure_id"],
            "completed_at": isoformat(utcnow()),
        },
        causation=event,
    )
    uow.commit()
