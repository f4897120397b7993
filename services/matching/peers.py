"""Peer suggestions: whose expertise fits a learning question, ranked, capped, explained.

Candidates come from the in-memory peer index (the expertise offers of members who
consented to introductions, by theme). They are ranked by theme overlap, TF-IDF cosine
between question and expertise, proximity, complementary roles and how rarely they were
suggested this month; whoever reached the monthly cap is left out.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import numpy as np
from sqlalchemy import Connection, and_, bindparam, delete, insert, or_, select

from services.matching.models import (
    MemberText,
    PeerExposure,
    PeerOffer,
    PeerSuggestion,
    Profile,
    ThemeAssignment,
)
from services.matching.peer_index import ROLE_CODES, Offer, PeerIndex, exposure, record_changes
from services.matching.similarity import shared_terms
from services.matching.upserts import insert_for
from shared import reference
from shared.contracts.envelope import isoformat
from shared.db.uow import UnitOfWork

ROLES = tuple(ROLE_CODES)  # in code order
RESIDENT_ROLES = frozenset({"bewoner", "buurtmaker"})
PROFESSIONAL_ROLES = frozenset({"wijkprofessional", "beleidsmaker", "bestuurder"})

# How much each signal counts; they sum to 1, so a score is in [0, 1].
WEIGHTS = {"overlap": 0.4, "similarity": 0.25, "proximity": 0.15, "roles": 0.1, "fairness": 0.1}

# Built once: building a statement costs more than running it.
_TEXTS = select(MemberText.text_id, MemberText.text).where(MemberText.text_id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class Question:
    text_id: str
    text: str
    themes: tuple[str, ...]
    terms: dict[str, float]


@dataclass(frozen=True)
class Ranked:
    offer: Offer
    score: float
    themes: tuple[str, ...]
    exposure: int


def month_of(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def complementary(asking_role: str, offering_role: str) -> float:
    known = RESIDENT_ROLES | PROFESSIONAL_ROLES
    if asking_role not in known or offering_role not in known:
        return 0.5
    return 1.0 if (asking_role in RESIDENT_ROLES) != (offering_role in RESIDENT_ROLES) else 0.0


def rank(
    question: Question,
    asker: Profile,
    index: PeerIndex,
    seen_by_member: np.ndarray,
    monthly_limit: int,
    wanted: int,
    skip: set[str] = frozenset(),
) -> list[Ranked]:
    """The best `wanted` offers for the question (one per member), best first.

    Every signal is computed for all offers on the question's themes at once (numpy columns
    and one sparse product for the TF-IDF cosine); then the best are taken member by member.
    """
    offers, columns = index.snapshot()
    wanted_bits = sum(index.theme_bits[t] for t in question.themes)
    selected = np.flatnonzero(columns["alive"] & ((columns["themes"] & wanted_bits) != 0))
    if not len(selected):
        return []
    members = columns["member"][selected]
    if members.max() >= len(seen_by_member):  # members another thread indexed meanwhile
        seen_by_member = np.pad(seen_by_member, (0, int(members.max()) + 1 - len(seen_by_member)))
    seen = seen_by_member[members]
    eligible = (members != index.code("member", asker.member_id)) & (seen < monthly_limit)
    excluded = [index.code("member", m) for m in skip]
    if excluded:
        eligible &= ~np.isin(members, excluded)
    role_weights = np.array([WEIGHTS["roles"] * complementary(asker.role, r) for r in ROLES])
    proximity = np.where(
        columns["town"][selected] == index.code("town", asker.municipality_code),
        WEIGHTS["proximity"],
        np.where(columns["province"][selected] == index.code("province", asker.province_code), WEIGHTS["proximity"] / 2, 0.0),
    )
    without_similarity = (
        WEIGHTS["overlap"] * np.bitwise_count(columns["themes"][selected] & wanted_bits) / len(question.themes)
        + proximity
        + role_weights[columns["role"][selected]]
        + WEIGHTS["fairness"] * (1.0 - seen / monthly_limit)
    )
    order = np.flatnonzero(eligible)
    if not len(order):
        return []
    similarity = np.minimum(1.0, index.similarities(question.terms, selected[order], offers))
    total = without_similarity[order] + WEIGHTS["similarity"] * similarity
    best: dict[str, Ranked] = {}
    for rank_index in np.argsort(-total, kind="stable").tolist():
        position = order[rank_index]
        offer = offers[selected[position]]
        if offer.member_id in best:
            continue  # a member's second offer: their best one is already in
        score = float(total[rank_index])
        common = tuple(t for t in question.themes if t in offer.themes)
        best[offer.member_id] = Ranked(offer, score, common, int(seen[position]))
        if len(best) == wanted:
            break
    ordered = sorted(best.values(), key=lambda r: (-r.score, r.offer.member_id))
    return ordered[:wanted]


def reasons(question: Question, asker: Profile, ranked: Ranked) -> tuple[str, ...]:
    """Why, for curators and the people asked: Dutch first, English after the slash."""
    c, common = ranked.offer, ranked.themes
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
    if ranked.exposure == 0:
        found.append("deze maand nog niet voorgesteld / not suggested yet this month")
    return tuple(r[:300] for r in found)


def suggest(
    uow: UnitOfWork,
    index: PeerIndex,
    asker: Profile,
    submission_id: str,
    questions: list[Question],
    *,
    now: datetime,
    per_question: int,
    monthly_limit: int,
    new_asker: bool = False,
) -> list[dict]:
    """Store up to `per_question` suggestions per question; returns their event payloads.
    `new_asker`: the asker was seen for the first time, so nobody was suggested to them yet."""
    questions = [q for q in questions if q.themes]
    if not asker.peer_introductions or not questions or per_question <= 0:
        return []
    index.sync(uow)
    month = month_of(now)
    codes = index.codes["member"]
    seen = np.zeros(len(codes) + 1)  # by member code
    for count, members in exposure(uow, month).items():
        seen[[code for code in map(codes.get, members) if code is not None]] = count
    # never the same peer twice for one asker, across questions and submissions
    taken: set[str] = set()
    if not new_asker:
        taken.update(
            uow.session.scalars(
                select(PeerSuggestion.offering_member_id).where(PeerSuggestion.asking_member_id == asker.member_id)
            )
        )
    chosen: list[tuple[Question, Ranked]] = []
    for question in questions:
        for ranked in rank(question, asker, index, seen, monthly_limit, per_question, taken):
            chosen.append((question, ranked))
            taken.add(ranked.offer.member_id)
    if not chosen:
        return []
    texts = dict(uow.session.connection().execute(_TEXTS, {"ids": [r.offer.text_id for _, r in chosen]}).all())
    # an offer erased by another process since this one's index caught up is left out
    chosen = [(q, r) for q, r in chosen if r.offer.text_id in texts]
    if not chosen:
        return []
    stored, payloads = [], []
    for question, ranked in chosen:
        suggestion = {
            "suggestion_id": str(uuid.uuid4()),
            "submission_id": submission_id,
            "question_id": question.text_id,
            "asking_member_id": asker.member_id,
            "offering_member_id": ranked.offer.member_id,
            "offer_text_id": ranked.offer.text_id,
            "themes": list(ranked.themes),
            "reasons": list(reasons(question, asker, ranked)),
            "score": round(ranked.score, 4),
            "suggested_at": now,
        }
        stored.append(suggestion)
        payloads.append(
            {
                "suggestion_id": suggestion["suggestion_id"],
                "asking_member_id": asker.member_id,
                "question_id": question.text_id,
                "question_text": question.text,
                "offering_member_id": suggestion["offering_member_id"],
                "expertise_text": texts[suggestion["offer_text_id"]],
                "themes": suggestion["themes"],
                "reasons": suggestion["reasons"],
                "score": suggestion["score"],
                "suggested_at": isoformat(now),
            }
        )
    connection = uow.session.connection()
    connection.execute(insert(PeerSuggestion), stored)
    count_exposure(connection, month, Counter(s["offering_member_id"] for s in stored))
    return payloads


def count_exposure(connection: Connection, month: str, suggested: Counter[str]) -> None:
    """Add this month's suggestions to each member's count, in one statement (an upsert)."""
    connection.execute(
        _add_to_count(connection.dialect.name),
        [{"member_id": member, "month": month, "count": count} for member, count in sorted(suggested.items())],
    )


@cache
def _add_to_count(dialect: str):
    upsert = insert_for(dialect, PeerExposure)
    return upsert.on_conflict_do_update(
        index_elements=[PeerExposure.member_id, PeerExposure.month],
        set_={"count": PeerExposure.count + upsert.excluded["count"]},
    )


def refresh_offers(uow: UnitOfWork, profile: Profile) -> None:
    """Rebuild a member's entries in the peer index from their expertise texts and consent."""
    connection = uow.session.connection()
    before = set(
        connection.execute(
            delete(PeerOffer).where(PeerOffer.member_id == profile.member_id).returning(PeerOffer.text_id)
        ).scalars()
    )
    after = _add_offers(uow, profile, _expertise(uow, profile.member_id)) if profile.peer_introductions else set()
    if before or after:
        record_changes(uow, sorted(before | after))


def first_offers(uow: UnitOfWork, profile: Profile, expertise: dict[str, tuple[set[str], dict]]) -> None:
    """The entries of a member seen for the first time: the expertise of their first submission
    (text id: themes, terms), with nothing before it to read back or replace."""
    added = _add_offers(uow, profile, expertise) if profile.peer_introductions else set()
    if added:
        record_changes(uow, sorted(added))


def _expertise(uow: UnitOfWork, member_id: str) -> dict[str, tuple[set[str], dict]]:
    """The member's expertise texts (text id: themes, terms); the themes are those the member
    ticked plus those of the classification, if it is trusted."""
    trusted = or_(MemberText.needs_review.is_(False), MemberText.reviewed_at.is_not(None))
    rows = uow.session.execute(
        select(MemberText.text_id, MemberText.stated_themes, MemberText.terms, ThemeAssignment.slug)
        .outerjoin(ThemeAssignment, and_(ThemeAssignment.text_id == MemberText.text_id, trusted))
        .where(MemberText.member_id == member_id, MemberText.kind == "expertise")
    ).all()
    expertise: dict[str, tuple[set[str], dict]] = {}
    for text_id, stated, terms, slug in rows:
        if text_id not in expertise:
            expertise[text_id] = (set(stated or ()), terms or {})
        if slug is not None:
            expertise[text_id][0].add(slug)
    return expertise


def _add_offers(uow: UnitOfWork, profile: Profile, expertise: dict[str, tuple[set[str], dict]]) -> set[str]:
    offers = [
        {
            "text_id": text_id,
            "member_id": profile.member_id,
            "role": profile.role,
            "municipality_code": profile.municipality_code,
            "province_code": profile.province_code,
            "themes": sorted(themes),
            "terms": terms,
        }
        for text_id, (themes, terms) in expertise.items()
        if themes
    ]
    if offers:
        uow.session.connection().execute(insert(PeerOffer), offers)
    return {offer["text_id"] for offer in offers}
