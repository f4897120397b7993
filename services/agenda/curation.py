"""Curated versions: a draft from the live state, the curator's edits, publishing version N.

A draft keeps the snapshot it was made from and, apart from it, the curator's edits: the
order of themes, a note per theme and the questions to hide. Publishing turns them into
version N (immutable), with its changelog against N-1, its event and its webhook deliveries,
in one transaction. Bad edits raise ``InvalidInput`` before anything changes.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from sqlalchemy import func, select, text

from services.agenda.models import Draft, Version
from services.agenda.partners.handlers import Conflict, InvalidInput, NotFound
from services.agenda.publication import new_document, store_and_announce
from services.agenda.ranking import live_snapshot
from services.agenda.settings import AgendaSettings
from shared.contracts.envelope import utcnow
from shared.db.uow import UnitOfWork

OPEN = "open"
PUBLISHED = "published"
MAX_NOTE = 2000
PUBLISH_LOCK = 0x61676E64  # "agnd": the advisory lock key of publishing


def create_draft(uow: UnitOfWork, settings: AgendaSettings) -> Draft:
    now = utcnow()
    draft = Draft(
        id=str(uuid.uuid4()),
        status=OPEN,
        snapshot=live_snapshot(uow, settings),
        order=[],
        notes={},
        hidden_questions=[],
        created_at=now,
        updated_at=now,
    )
    uow.session.add(draft)
    uow.commit()
    return draft


def get_draft(uow: UnitOfWork, draft_id: str, lock: bool = False) -> Draft:
    draft = uow.session.get(Draft, draft_id, with_for_update=lock)
    if draft is None:
        raise NotFound("No such draft.")
    return draft


def list_drafts(uow: UnitOfWork) -> list[Draft]:
    return list(uow.session.scalars(select(Draft).order_by(Draft.created_at.desc()).limit(100)))


def _question_ids(draft: Draft) -> set[str]:
    return {q["id"] for t in draft.snapshot["themes"] for q in t["representative_questions"]}


def _check_edits(draft: Draft, changes: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    slugs = {t["slug"] for t in draft.snapshot["themes"]}
    order = changes.get("order")
    if order is not None:
        unknown = [s for s in order if s not in slugs]
        if unknown:
            errors["order"] = [f"Not a theme of this draft: {', '.join(unknown)}."]
        elif len(set(order)) != len(order):
            errors["order"] = ["A theme appears more than once."]
    for slug, note in (changes.get("notes") or {}).items():
        if slug not in slugs:
            errors[f"notes.{slug}"] = ["Not a theme of this draft."]
        elif note is not None and len(note) > MAX_NOTE:
            errors[f"notes.{slug}"] = [f"At most {MAX_NOTE} characters."]
    known = _question_ids(draft)
    for field in ("hide_questions", "show_questions"):
        unknown = [q for q in changes.get(field) or [] if q not in known]
        if unknown:
            errors[field] = [f"Not a question of this draft: {', '.join(unknown)}."]
    return errors


def edit_draft(uow: UnitOfWork, draft_id: str, changes: dict[str, Any]) -> Draft:
    """Reorder themes, set or clear notes (null clears), hide or show questions; all or nothing."""
    draft = get_draft(uow, draft_id, lock=True)
    if draft.status != OPEN:
        raise Conflict(f"This draft was published as version {draft.published_version}; make a new draft.")
    errors = _check_edits(draft, changes)
    if errors:
        raise InvalidInput(errors)
    if changes.get("order") is not None:
        draft.order = list(changes["order"])
    if changes.get("notes"):
        notes = dict(draft.notes)
        for slug, note in changes["notes"].items():
            if note is None or not note.strip():
                notes.pop(slug, None)
            else:
                notes[slug] = note.strip()
        draft.notes = notes
    hidden = set(draft.hidden_questions) | set(changes.get("hide_questions") or [])
    hidden -= set(changes.get("show_questions") or [])
    draft.hidden_questions = sorted(hidden)
    draft.updated_at = utcnow()
    uow.commit()
    return draft


def curated_themes(draft: Draft) -> list[dict[str, Any]]:
    """The draft's themes as they will be published: the curator's order first, then by score."""
    themes = {t["slug"]: copy.deepcopy(t) for t in draft.snapshot["themes"]}
    ordered = [s for s in draft.order if s in themes] + [t["slug"] for t in draft.snapshot["themes"] if t["slug"] not in draft.order]
    hidden = set(draft.hidden_questions)
    result = []
    for rank, slug in enumerate(ordered, 1):
        theme = themes[slug]
        theme["rank"] = rank
        theme["score_rank"] = next(t["rank"] for t in draft.snapshot["themes"] if t["slug"] == slug)
        theme["note"] = draft.notes.get(slug)
        theme["representative_questions"] = [q for q in theme["representative_questions"] if q["id"] not in hidden]
        result.append(theme)
    return result


def latest_version(uow: UnitOfWork) -> Version | None:
    return uow.session.scalar(select(Version).order_by(Version.version.desc()).limit(1))


def next_version_number(uow: UnitOfWork) -> int:
    return (uow.session.scalar(select(func.max(Version.version))) or 0) + 1


def publish_themes(
    uow: UnitOfWork, themes: list[dict[str, Any]], snapshot: dict[str, Any], settings: AgendaSettings, reissue_of: int | None = None
) -> Version:
    """Version N from these themes: stored, announced and queued for webhooks; not committed."""
    if uow.session.get_bind().dialect.name == "postgresql":
        # One publication at a time, so two curators (or an erasure's re-issue) never race
        # for the same number; SQLite serialises writers anyway.
        uow.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUBLISH_LOCK})
    previous = latest_version(uow)
    number = (previous.version if previous else 0) + 1
    quotes = [(q["id"], q.pop("member_id")) for t in themes for q in t["representative_questions"] if "member_id" in q]
    now = utcnow()
    document = new_document(
        number, now, snapshot, themes, previous.document["themes"] if previous else None, settings.public_url, reissue_of
    )
    return store_and_announce(uow, document, now, quotes)


def publish_draft(uow: UnitOfWork, draft_id: str, settings: AgendaSettings) -> Version:
    draft = get_draft(uow, draft_id, lock=True)
    if draft.status != OPEN:
        raise Conflict(f"This draft was already published as version {draft.published_version}.")
    version = publish_themes(uow, curated_themes(draft), draft.snapshot, settings)
    draft.status = PUBLISHED
    draft.published_version = version.version
    draft.updated_at = utcnow()
    uow.commit()
    return version


def get_version(uow: UnitOfWork, number: int) -> Version:
    version = uow.session.get(Version, number)
    if version is None:
        raise NotFound("No such version.")
    return version


def list_versions(uow: UnitOfWork, limit: int = 50, offset: int = 0) -> tuple[list[Version], int]:
    total = uow.session.scalar(select(func.count()).select_from(Version)) or 0
    rows = uow.session.scalars(select(Version).order_by(Version.version.desc()).limit(limit).offset(offset))
    return list(rows), total
