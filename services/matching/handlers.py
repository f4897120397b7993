"""Matching's event handlers: plain functions over a unit of work (no Flask, no kombu)."""

from __future__ import annotations

from sqlalchemy import delete, select

from services.matching import erasure, member_themes, peers
from services.matching.models import MemberText, Profile, ThemeAssignment
from services.matching.peer_index import PeerIndex
from services.matching.settings import MatchingSettings
from services.matching.similarity import term_vector
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


def on_submission_confirmed(
    uow: UnitOfWork, event: Event, models: ModelProvider, index: PeerIndex, settings: MatchingSettings
) -> None:
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

    model = models.get(uow)
    texts = texts_of(data)
    results = model.classify_batch([t[2] for t in texts], review_threshold=settings.review_threshold)
    classified, questions = [], []
    # A submission is confirmed once, so its texts are new; only a re-delivery under a new
    # event id would find them, and then they are replaced rather than inserted.
    known = set(uow.session.scalars(select(MemberText.text_id).where(MemberText.submission_id == data["submission_id"])))
    for (text_id, kind, text, stated), result in zip(texts, results):
        terms = term_vector(model, text)
        if text_id in known:
            uow.session.execute(delete(ThemeAssignment).where(ThemeAssignment.text_id == text_id))
        (uow.session.merge if text_id in known else uow.session.add)(
            MemberText(
                text_id=text_id,
                submission_id=data["submission_id"],
                member_id=data["member_id"],
                kind=kind,
                text=text,
                needs_review=result.needs_review,
                classifier_version=model.version,
                created_at=now,
                scores={t: round(s, 4) for t, s in result.scores.items()},
                explanations=[e.as_dict() for e in result.explanations],
                confidence=round(result.confidence, 4),
                stated_themes=stated,
                terms=terms,
                reviewed_at=None,
            )
        )
        uow.session.add_all(
            ThemeAssignment(text_id=text_id, slug=slug, score=round(result.scores[slug], 4), source="auto")
            for slug in result.themes
        )
        classified.append(
            {
                "text_id": text_id,
                "kind": kind,
                "themes": [{"slug": s, "score": round(result.scores[s], 4)} for s in result.themes],
                "needs_review": result.needs_review,
            }
        )
        if kind == "learning_question" and not result.needs_review:  # only trusted themes lead to introductions
            questions.append(peers.Question(text_id, text, tuple(result.themes), terms))
    uow.session.flush()
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

