"""A version's public document, its changelog against the one before, and its event.

The document is what every public output of a version is made from (HTML, JSON API, Atom
feed, CSV and JSON exports, the ``agenda.agenda.published.v1`` event), so the suppression of
small groups done when the snapshot is taken holds in all of them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.agenda.models import Version, VersionQuote
from services.agenda.partners.handlers import queue_webhook_deliveries
from shared.contracts.envelope import Event, isoformat
from shared.db.uow import UnitOfWork

PUBLISHED = "agenda.agenda.published.v1"
REMOVED_TEXT = "[verwijderd]"


def changelog(themes: list[dict[str, Any]], previous: list[dict[str, Any]] | None) -> dict[str, list[str]]:
    """Themes that rose or fell in rank, appeared or disappeared, against the previous version."""
    before = {t["slug"]: t["rank"] for t in previous or []}
    now = {t["slug"]: t["rank"] for t in themes}
    return {
        "rose": [s for s in now if s in before and now[s] < before[s]],
        "fell": [s for s in now if s in before and now[s] > before[s]],
        "appeared": [s for s in now if s not in before],
        "disappeared": [s for s in before if s not in now],
    }


def links(public_url: str, version: int) -> dict[str, str]:
    return {
        "html": f"{public_url}/versions/{version}",
        "json": f"{public_url}/api/v1/versions/{version}",
        "feed": f"{public_url}/feed.atom",
        "csv": f"{public_url}/versions/{version}/themes.csv",
        "export": f"{public_url}/versions/{version}/agenda.json",
    }


def event_payload(document: dict[str, Any]) -> dict[str, Any]:
    """The fields of the document that agenda.agenda.published.v1 carries (its contract)."""
    return {
        "version": document["version"],
        "published_at": document["published_at"],
        "themes": [
            {
                "slug": t["slug"],
                "rank": t["rank"],
                "score": t["score"],
                "members": t["members"],
                "questions": t["questions"],
                "urgent_mentions": t["urgent_mentions"],
                "municipalities": t["municipalities"],
                "provinces": t["provinces"],
                "note": t.get("note"),
                "trend": t["trend"],
                "breakdown": t["breakdown"],
                "representative_questions": [
                    {"text": q["text"], "similar_count": q["similar_count"]} for q in t["representative_questions"]
                ],
            }
            for t in document["themes"]
        ],
        "changelog": document["changelog"],
        "links": {k: document["links"][k] for k in ("html", "json", "feed")},
        "reissue_of": document.get("reissue_of"),
    }


def store_and_announce(
    uow: UnitOfWork, document: dict[str, Any], published_at: datetime, quotes: list[tuple[str, str]]
) -> Version:
    """Store version N, announce it and queue its webhook deliveries: all in the caller's transaction.

    ``quotes`` are (question id, member id) of the questions it quotes, for erasure.
    """
    event: Event = uow.publish(PUBLISHED, subject=str(document["version"]), data=event_payload(document))
    queue_webhook_deliveries(uow, event)
    version = Version(
        version=document["version"],
        published_at=published_at,
        document=document,
        reissue_of=document.get("reissue_of"),
        event_id=event.id,
    )
    uow.session.add(version)
    uow.session.flush()
    if quotes:
        uow.session.add_all(VersionQuote(version=version.version, text_id=t, member_id=m) for t, m in dict(quotes).items())
    return version


def new_document(
    version: int,
    published_at: datetime,
    snapshot: dict[str, Any],
    themes: list[dict[str, Any]],
    previous: list[dict[str, Any]] | None,
    public_url: str,
    reissue_of: int | None = None,
) -> dict[str, Any]:
    return {
        "version": version,
        "published_at": isoformat(published_at),
        "reissue_of": reissue_of,
        "themes": themes,
        "changelog": changelog(themes, previous),
        "totals": snapshot["totals"],
        "themes_not_shown": snapshot["themes_not_shown"],
        "formula": snapshot["formula"],
        "links": links(public_url, version),
    }
