"""Peer suggestions: whose expertise fits a learning question, ranked, capped, explained.

Candidates come from an SQL-side index (`peer_offer_themes`, keyed by theme) of the expertise
texts of members who consented to introductions, filtered in the same query by the monthly
cap. They are ranked in memory by theme overlap, TF-IDF cosine between question and
expertise, proximity, complementary roles and how rarely they were suggested this month.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, select

from services.matching.models import (
    MemberText,
    PeerExposure,
    PeerOffer,
    PeerOfferTheme,
    PeerSuggestion,
    Profile,
    ThemeAssignment,
)
from services.matching.similarity import cosine, shared_terms
from shared import reference
from shared.contracts.envelope import isoformat
from shared.db.uow import UnitOfWork

RESIDENT_ROLES = frozenset({"bewoner", "buurtmaker"})
PROFESSIONAL_ROLES = frozenset({"wijkprofessional", "beleidsmaker", "bestuurder"})

# How much each signal counts; they sum to 1, so a score is in [0, 1].
WEIGHTS = {"overlap": 0.4, "similarity": 0.25, "proximity": 0.15, "roles": 0.1, "fairness": 0.1}


@dataclass(frozen=True)
class Question:
    text_id: str
    text: str
    themes: tuple[str, ...]
    terms: dict[str, float]


@dataclass(frozen=True)
class Candidate:
    text_id: str
    member_id: str
    role: str
    municipality_code: str
    province_code: str
    themes: tuple[str, ...]
    terms: dict[str, float]
    exposure: int  # suggestions this month so far


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    score: float
    themes: tuple[str, ...]
    reasons: tuple[str, ...]


def month_of(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def complementary(asking_role: str, offering_role: str) -> float:
    sides = {asking_role in RESIDENT_ROLES, offering_role in RESIDENT_ROLES}
    known = all(r in RESIDENT_ROLES | PROFESSIONAL_ROLES for r in (asking_role, offering_role))
    if not known:
        return 0.5
    return 1.0 if len(sides) == 2 else 0.0


def rank(question: Question, asker: Profile, candidates: list[Candidate], monthly_limit: int) -> list[Ranked]:
    """Every candidate sharing a theme with the question, best first (one entry per member)."""
    wanted = set(question.themes)
    best: dict[str, Ranked] = {}
    for c in candidates:
        common = tuple(t for t in question.themes if t in c.themes)
        if not common or c.member_id == asker.member_id or c.exposure >= monthly_limit:
            continue
        overlap = len(common) / len(wanted)
        similarity = cosine(question.terms, c.terms)
        proximity = (
            1.0 if c.municipality_code == asker.municipality_code else 0.5 if c.province_code == asker.province_code else 0.0
        )
        roles = complementary(asker.role, c.role)
        fairness = 1.0 - c.exposure / monthly_limit
        score = (
            WEIGHTS["overlap"] * overlap
            + WEIGHTS["similarity"] * min(1.0, similarity)
            + WEIGHTS["proximity"] * proximity
            + WEIGHTS["roles"] * roles
            + WEIGHTS["fairness"] * fairness
        )
        current = best.get(c.member_id)
        if current is None or (score, c.text_id) > (current.score, current.candidate.text_id):
            best[c.member_id] = Ranked(c, score, common, ())
    ordered = sorted(best.values(), key=lambda r: (-r.score, r.candidate.member_id))
    return [
        Ranked(r.candidate, r.score, r.themes, reasons(question, asker, r.candidate, r.themes)) for r in ordered
    ]


def reasons(question: Question, asker: Profile, c: Candidate, common: tuple[str, ...]) -> tuple[str, ...]:
    """Why, for curators and the people asked: Dutch first, English after the slash."""
    labels = {t.slug: t for t in reference.themes()}
    nl = ", ".join(labels[t].label_nl for t in common)
    en = ", ".join(labels[t].label_en for t in common)
    found = [f"zelfde thema's: {nl} / same themes: {en}"]
    words = shared_terms(question.terms, c.terms)
    if words:
        found.append(f"vergelijkbare woorden: {', '.join(words)} / similar words")
    if c.municipality_code == asker.municipality_code:
        found.append("zelfde gemeente / same municipality")
    elif c.province_code == asker.province_code:
        found.append("zelfde provincie / same province")
    if complementary(asker.role, c.role) == 1.0:
        if asker.role in RESIDENT_ROLES:
            found.append("bewonersvraag, kennis uit de praktijk van een professional / resident question, professional expertise")
        else:
            found.append("vraag van een professional, kennis van een bewoner / professional question, resident expertise")
    if c.exposure == 0:
        found.append("deze maand nog niet voorgesteld / not suggested yet this month")
    return tuple(r[:300] for r in found)


def candidates_for(uow: UnitOfWork, themes: set[str], asker_id: str, month: str, monthly_limit: int) -> list[Candidate]:
    """Offers on any of these themes from others still under the monthly cap: one indexed query."""
    if not themes:
        return []
    exposure = func.coalesce(PeerExposure.count, 0)
    statement = (
        select(
            PeerOffer.text_id,
            PeerOffer.member_id,
            PeerOffer.role,
            PeerOffer.municipality_code,
            PeerOffer.province_code,
            PeerOffer.themes,
            PeerOffer.terms,
            exposure,
        )
        .outerjoin(PeerExposure, and_(PeerExposure.member_id == PeerOffer.member_id, PeerExposure.month == month))
        .where(
            PeerOffer.text_id.in_(select(PeerOfferTheme.text_id).where(PeerOfferTheme.slug.in_(sorted(themes)))),
            PeerOffer.member_id != asker_id,
            exposure < monthly_limit,
        )
    )
    return [
        Candidate(r[0], r[1], r[2], r[3], r[4], tuple(r[5]), r[6], int(r[7]))
        for r in uow.session.execute(statement)
    ]


def suggest(
    uow: UnitOfWork,
    asker: Profile,
    submission_id: str,
    questions: list[Question],
    *,
    now: datetime,
    per_question: int,
    monthly_limit: int,
) -> list[dict]:
    """Store up to `per_question` suggestions per question; returns their event payloads."""
    questions = [q for q in questions if q.themes]
    if not asker.peer_introductions or not questions or per_question <= 0:
        return []
    month = month_of(now)
    pool = candidates_for(uow, {t for q in questions for t in q.themes}, asker.member_id, month, monthly_limit)
    if not pool:
        return []
    # never the same peer twice for one asker, across questions and submissions
    taken = set(
        uow.session.scalars(
            select(PeerSuggestion.offering_member_id).where(PeerSuggestion.asking_member_id == asker.member_id)
        )
    )
    added: dict[str, int] = {}
    chosen: list[tuple[Question, Ranked]] = []
    for question in questions:
        picked = 0
        for ranked in rank(question, asker, pool, monthly_limit):
            member = ranked.candidate.member_id
            if member in taken or ranked.candidate.exposure + added.get(member, 0) >= monthly_limit:
                continue
            chosen.append((question, ranked))
            taken.add(member)
            added[member] = added.get(member, 0) + 1
            picked += 1
            if picked == per_question:
                break
    if not chosen:
        return []
    texts = dict(
        uow.session.execute(
            select(MemberText.text_id, MemberText.text).where(
                MemberText.text_id.in_([r.candidate.text_id for _, r in chosen])
            )
        ).all()
    )
    for member, count in added.items():
        row = uow.session.get(PeerExposure, (member, month))
        if row is None:
            uow.session.add(PeerExposure(member_id=member, month=month, count=count))
        else:
            row.count += count
    payloads = []
    for question, ranked in chosen:
        suggestion = PeerSuggestion(
            suggestion_id=str(uuid.uuid4()),
            submission_id=submission_id,
            question_id=question.text_id,
            asking_member_id=asker.member_id,
            offering_member_id=ranked.candidate.member_id,
            offer_text_id=ranked.candidate.text_id,
            themes=list(ranked.themes),
            reasons=list(ranked.reasons),
            score=round(ranked.score, 4),
            suggested_at=now,
        )
        uow.session.add(suggestion)
        payloads.append(
            {
                "suggestion_id": suggestion.suggestion_id,
                "asking_member_id": asker.member_id,
                "question_id": question.text_id,
                "question_text": question.text,
                "offering_member_id": suggestion.offering_member_id,
                "expertise_text": texts[suggestion.offer_text_id],
                "themes": suggestion.themes,
                "reasons": suggestion.reasons,
                "score": suggestion.score,
                "suggested_at": isoformat(now),
            }
        )
    return payloads


def refresh_offers(uow: UnitOfWork, profile: Profile) -> None:
    """Rebuild a member's entries in the peer index from their expertise texts and consent."""
    uow.session.execute(delete(PeerOffer).where(PeerOffer.member_id == profile.member_id))
    if not profile.peer_introductions:
        return
    expertise = uow.session.scalars(
        select(MemberText).where(MemberText.member_id == profile.member_id, MemberText.kind == "expertise")
    ).all()
    for text in expertise:
        themes = set(text.stated_themes or ())
        if not text.needs_review or text.reviewed_at is not None:  # only trusted classifications
            themes.update(
                uow.session.scalars(select(ThemeAssignment.slug).where(ThemeAssignment.text_id == text.text_id))
            )
        if not themes:
            continue
        uow.session.add(
            PeerOffer(
                text_id=text.text_id,
                member_id=profile.member_id,
                role=profile.role,
                municipality_code=profile.municipality_code,
                province_code=profile.province_code,
                themes=sorted(themes),
                terms=text.terms or {},
            )
        )
        uow.session.flush()
        uow.session.add_all(PeerOfferTheme(slug=slug, text_id=text.text_id) for slug in sorted(themes))
    uow.session.flush()
