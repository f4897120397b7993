"""Composition for agenda's own web side: its settings, the language of a request, the live cache."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request

from services.agenda.models import ALL_THEMES, ThemeStat
from services.agenda.ranking import live_snapshot
from services.agenda.settings import AgendaSettings
from services.agenda.wording import LANGUAGES
from shared.contracts.envelope import utcnow
from shared.runtime import Runtime

EXTENSION = "agenda"
LIVE_CACHE_SECONDS = 300.0  # the live page's snapshot is made again after this, changed or not
LIVE_FRESH_SECONDS = 30.0  # ... and after a change of the counters once it is older than this


@dataclass
class AgendaWeb:
    runtime: Runtime
    settings: AgendaSettings
    _live: tuple[float, tuple, dict[str, Any]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def live(self, with_questions: bool = True) -> dict[str, Any]:
        """The live snapshot. Counts alone come straight from the counter tables; with
        representative questions (grouping them is costly) it is kept a little while."""
        if not with_questions:
            with self.runtime.uow_factory() as uow:
                return live_snapshot(uow, self.settings, with_questions=False)
        with self._lock, self.runtime.uow_factory() as uow:
            overall = uow.session.get(ThemeStat, ALL_THEMES)
            key = (overall.members, overall.questions, overall.urgent_mentions) if overall else (0, 0, 0)
            key += (utcnow().date(),)
            age = time.monotonic() - self._live[0] if self._live else None
            if age is None or age > LIVE_CACHE_SECONDS or (self._live[1] != key and age > LIVE_FRESH_SECONDS):
                self._live = (time.monotonic(), key, live_snapshot(uow, self.settings))
            return self._live[2]


def agenda_web() -> AgendaWeb:
    return current_app.extensions[EXTENSION]


def language() -> str:
    """?lang= first, then Accept-Language, then Dutch."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "nl"
