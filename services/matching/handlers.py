"""Matching's event handlers: plain functions over a unit of work (no Flask, no kombu)."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import delete, insert, update
from sqlalchemy.orm import InstrumentedAttribute

from services.matching import erasure, member_themes, peers
from services.matching.models import MemberText, Profile, ThemeAssignment
from services.matching.peer_index import PeerIndex
from services.matching.settings import MatchingSettings
from services.matching.similarity import term_vector
from services.matching.upserts import insert_for
from services.matching.versions import ModelProvider
from shared.contracts.envelope import Event, isoformat, utcnow
from shared.db.erasure_report import report_erasure_completed
from shared.db.uow import UnitOfWork


def texts_of(data: dict) -> list[tuple[str, str, str, list[str]]]:
    """(text id, kind, text, themes the member ticked) for every free text of a confirmed submission."""
    texts = []
    if data.get("urgent_issues"):
        urgent = data["urgent_issues"]
        texts.append((urgent["text_id"], "urgent_issue", urgent["text"], list(urgent.get("themes") or ())))
    texts += [(q["text_id"], "learning_question", q["text"], []) for q in data["learning_questions"]]
    if data.get("expertise"):
        expertise = data["expertise"]
        texts.append((expertise["text_id"], "expertise", expertise["text"], list(expertise.get("themes") or ())))
    return texts


def store_profile(uow: UnitOfWork, data: dict, now: datetime) -> tuple[Profile, bool]:
    """Store the member's profile as this submission gives it; True if matching sees the member
    for the first time. The profile returned is not attached to the session (it is only read)."""
    values = {
        "member_id": data["member_id"],
        "role": data["role"],
        "municipality_code": data["municipality_code"],
        "province_code": data["province_code"],
        "peer_introductions": data["consents"]["peer_introductions"],
        "updated_at": now,
    }
    connection = uow.session.connection()
    inserted = connection.execute(_insert_if_new(connection.dialect.name, Profile.member_id), values).first()
    if inserted is None:
        connection.execute(update(Profile).where(Profile.member_id == values["member_id"]).values(values))
    return Profile(**values), inserted is not None


def store_texts(uow: UnitOfWork, texts: list[dict], assignments: list[dict]) -> None:
    """Insert the submission's texts and their theme assignments.

    A submission is confirmed once, so its texts are new; only a re-delivery under a new event
    id finds them, and then they are replaced (their assignments with them).
    """
    connection = uow.session.connection()
    new = set(connection.execute(_insert_if_new(connection.dialect.name, MemberText.text_id), texts).scalars())
    known = [t for t in texts if t["text_id"] not in new]
    for text in known:
        connection.execute(update(MemberText).where(MemberText.text_id == text["text_id"]).values(text))
    if known:
        connection.execute(delete(ThemeAssignment).where(ThemeAssignment.text_id.in_([t["text_id"] for t in known])))
    if assignments:
        connection.execute(insert(ThemeAssignment), assignments)


@cache
def _insert_if_new(dialect: str, key: InstrumentedAttribute):
    """INSERT that skips rows whose key exists and returns the keys it did insert."""
    return insert_for(dialect, key.class_).on_conflict_do_nothing(index_elements=[key]).returning(key)


def on_submission_confirmed(
    uow: UnitOfWork, event: Event, models: ModelProvider, index: PeerIndex, settings: MatchingSettings
) -> None:
    data = event.data
    now = utcnow()
    profile, first = store_profile(uow, data, now)
    model = models.get(uow)
    texts = texts_of(data)
    results = model.classify_batch([t[2] for t in texts], review_threshold=settings.review_threshold)
    rows, assignments, classified, questions = [], [], [], []
    scored, expertise = [], {}  # what a first submission's circles and offers are made of
    for (text_id, kind, text, stated), result in zip(texts, results):
        terms = term_vector(model, text)
        scores = {t: round(s, 4) for t, s in result.scores.items()}
        rows.append(
            {
                "text_id": text_id,
                "submission_id": data["submission_id"],
                "member_id": data["member_id"],
                "kind": kind,
                "text": text,
                "needs_review": result.needs_review,
                "classifier_version": model.version,
                "created_at": now,
                "scores": scores,
                "explanations": [e.as_dict() for e in result.explanations],
                "confidence": round(result.confidence, 4),
                "stated_themes": stated,
                "terms": terms,
                "reviewed_at": None,
            }
        )
        assignments += [{"text_id": text_id, "slug": s, "score": scores[s], "source": "auto"} for s in result.themes]
        classified.append(
            {
                "text_id": text_id,
                "kind": kind,
                "themes": [{"slug": s, "score": scores[s]} for s in result.themes],
                "needs_review": result.needs_review,
            }
        )
        trusted = () if result.needs_review else result.themes  # a text waiting for review counts for nothing yet
        scored += [(kind, s, scores[s]) for s in trusted]
        if kind == "expertise":
            expertise[text_id] = (set(stated) | set(trusted), terms)
        if kind == "learning_question" and not result.needs_review:  # only trusted themes lead to introductions
            questions.append(peers.Question(text_id, text, tuple(result.themes), terms))
    store_texts(uow, rows, assignments)
    if first:
        # Nothing else about the member is stored yet (texts, overrides, offers and suggestions
        # come and go with the profile): circles and offers follow from this submission alone.
        themes = member_themes.first(uow, data["member_id"], scored, settings.member_theme_min_weight)
        peers.first_offers(uow, profile, expertise)
    else:
        themes = member_themes.recompute(uow, data["member_id"], settings.member_theme_min_weight)
        peers.refresh_offers(uow, profile)
    uow.publish(
        "matching.submission.classified.v1",
        subject=data["submission_id"],
        data={
            "submission_id": data["submission_id"],
            "member_id": data["member_id"],
            "classifier_version": model.version,
            "texts": classified,
            "member_themes": themes,
            "classified_at": isoformat(now),
        },
        causation=event,
    )
    suggestions = peers.suggest(
        uow,
        index,
        profile,
        data["submission_id"],
        questions,
        now=now,
        per_question=settings.peers_per_question,
        monthly_limit=settings.peer_monthly_limit,
        new_asker=first,
    )
    if suggestions:
        uow.publish_many(
            "matching.peers.suggested.v1", [(s["suggestion_id"], s) for s in suggestions], causation=event
        )
    uow.commit()


def on_member_erased(uow: UnitOfWork, event: Event) -> None:
    member_id = event.data["member_id"]
    erasure.erase_member(uow, member_id)
    report_erasure_completed(uow, event)
    uow.commit()
