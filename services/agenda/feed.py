"""The Atom feed of published versions (feedgen), made from their public documents."""

from __future__ import annotations

from datetime import datetime

from feedgen.feed import FeedGenerator

from services.agenda.models import Version
from services.agenda.views import public_version
from services.agenda.wording import t


def _summary(document: dict, language: str) -> str:
    top = ", ".join(f"{th['rank']}. {th['label']}" for th in document["themes"][:5]) or "-"
    lines = [t("feed_entry", language, n=document["version"], top=top)]
    if document.get("reissue_of"):
        lines.append(t("reissue", language, n=document["reissue_of"]))
    for theme in document["themes"]:
        counts = theme["members"] if theme["members"] is not None else t("suppressed", language, min=5)
        lines.append(f"{theme['rank']}. {theme['label']} ({t('members', language).lower()}: {counts})")
    return "\n".join(lines)


def atom_feed(versions: list[Version], public_url: str, language: str = "nl") -> bytes:
    feed = FeedGenerator()
    feed.id(f"{public_url}/feed.atom")
    feed.title(f"{t('site', language)}: {t('title', language)}")
    feed.subtitle(t("intro", language))
    feed.link(href=f"{public_url}/", rel="alternate")
    feed.link(href=f"{public_url}/feed.atom", rel="self")
    feed.language(language)
    feed.author({"name": t("site", language)})
    updated = max((v.published_at for v in versions), default=None)
    if updated is not None:
        feed.updated(updated)
    for version in sorted(versions, key=lambda v: v.version):
        document = public_version(version, language)
        entry = feed.add_entry()
        entry.id(f"{public_url}/versions/{version.version}")
        entry.title(f"{t('title', language)} – {t('version', language).lower()} {version.version}")
        entry.link(href=document["links"]["json"], rel="alternate", type="application/json")
        entry.link(href=document["links"]["html"], rel="alternate", type="text/html")  # last: readers take it as the link
        entry.published(datetime.fromisoformat(document["published_at"]))
        entry.updated(version.redacted_at or version.published_at)
        entry.summary(_summary(document, language))
    return feed.atom_str(pretty=True)
