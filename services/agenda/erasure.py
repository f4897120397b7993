"""Erasure of a member: their questions leave the agenda, every aggregate and every copy.

In one transaction:
1. their submissions and questions are deleted and subtracted from the live counters
   (``folding.unfold_member``); the member id is remembered so late events are ignored;
2. every published version that quoted one of their questions has that quote taken out
   (the one exception to "a version is immutable", marked by ``redacted_at``), as do drafts;
3. the same texts are replaced by ``[verwijderd]`` in the stored envelopes of the outbox and
   of webhook deliveries, so no copy of their words stays in agenda's database;
4. if the latest version quoted them, it is re-issued: version N+1 with ``reissue_of`` = N,
   the same ranking, notes and counts without the quote, announced to subscribers like any
   version (its changelog against N is empty). Older versions are only redacted: the current
   agenda is what partners act on, and their archive copies now read without the quote;
5. ``agenda.erasure.completed.v1`` reports it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from sqlalchemy import delete, func, select, update

from services.agenda import folding, staging
from services.agenda.curation import latest_version, publish_themes
from services.agenda.models import Draft, ErasedMember, PendingSubmission, Question, Version, VersionQuote
from services.agenda.partners.models import Delivery
from services.agenda.publication import REMOVED_TEXT
from services.agenda.representatives import forget_representatives_of
from services.agenda.settings import AgendaSettings
from shared.contracts.envelope import Event, utcnow
from shared.db.erasure_report import report_erasure_completed
from shared.db.uow import UnitOfWork


def _member_texts(uow: UnitOfWork, member_id: str) -> set[str]:
    texts = set(uow.session.scalars(select(Question.text).where(Question.member_id == member_id)))
    for confirmed in uow.session.scalars(select(PendingSubmission.confirmed).where(PendingSubmission.member_id == member_id)):
        texts.update((confirmed or {}).get("texts", {}).values())
    return {t for t in texts if t and t.strip()}


def _without(themes: list[dict[str, Any]], question_ids: set[str]) -> list[dict[str, Any]]:
    themes = copy.deepcopy(themes)
    for theme in themes:
        theme["representative_questions"] = [q for q in theme["representative_questions"] if q.get("id") not in question_ids]
    return themes


def _redact_copies(uow: UnitOfWork, texts: set[str]) -> None:
    outbox = uow.tables.outbox
    for text in texts:
        needle = json.dumps(text, ensure_ascii=False)[1:-1]  # as it appears inside a JSON envelope
        uow.session.execute(
            update(outbox)
            .where(outbox.c.envelope.contains(needle, autoescape=True))
            .values(envelope=func.replace(outbox.c.envelope, needle, REMOVED_TEXT))
        )
        uow.session.execute(
            update(Delivery)
            .where(Delivery.body.contains(needle, autoescape=True))
            .values(body=func.replace(Delivery.body, needle, REMOVED_TEXT))
        )


def erase_member(uow: UnitOfWork, event: Event, settings: AgendaSettings) -> int | None:
    """Apply intake.member.erased.v1; returns the number of a re-issued version, if any."""
    member_id = event.data["member_id"]
    now = utcnow()
    staging.write_staged(uow)  # what this transaction staged so far (a consumer batch) counts too
    texts = _member_texts(uow, member_id)
    question_ids = set(folding.unfold_member(uow, member_id))
    if uow.session.get(ErasedMember, member_id) is None:
        uow.session.add(ErasedMember(member_id=member_id, erased_at=now))

    quoted = select(VersionQuote.version).where(VersionQuote.member_id == member_id).distinct()
    affected = list(uow.session.scalars(select(Version).where(Version.version.in_(quoted)).with_for_update()))
    quoted_ids = question_ids | set(
        uow.session.scalars(select(VersionQuote.text_id).where(VersionQuote.member_id == member_id))
    )
    for version in affected:
        version.document = {**version.document, "themes": _without(version.document["themes"], quoted_ids)}
        version.redacted_at = now
    for draft in uow.session.scalars(select(Draft).with_for_update()):
        if any(q["id"] in quoted_ids for t in draft.snapshot["themes"] for q in t["representative_questions"]):
            draft.snapshot = {**draft.snapshot, "themes": _without(draft.snapshot["themes"], quoted_ids)}
    uow.session.execute(delete(VersionQuote).where(VersionQuote.member_id == member_id))
    forget_representatives_of(uow, quoted_ids)
    _redact_copies(uow, texts)
    uow.session.flush()

    reissued = None
    latest = latest_version(uow)
    if latest is not None and latest in affected:
        remaining = dict(uow.session.execute(select(VersionQuote.text_id, VersionQuote.member_id).where(VersionQuote.version == latest.version)).all())
        themes = copy.deepcopy(latest.document["themes"])
        for theme in themes:
            for question in theme["representative_questions"]:
                if question["id"] in remaining:
                    question["member_id"] = remaining[question["id"]]
        reissued = publish_themes(uow, themes, latest.document, settings, reissue_of=latest.version).version

    report_erasure_completed(uow, event)
    uow.commit()
    return reissued
