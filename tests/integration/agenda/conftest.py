"""Fixtures for agenda's own tests: the partner tests' agenda app on a fresh PostgreSQL database."""

from __future__ import annotations

import pytest

from services.agenda.settings import AgendaSettings
from tests.integration.agenda.feeding import apply, submission
from tests.integration.agenda_partners.conftest import CURATOR, agenda, make_agenda, receiver  # noqa: F401 - fixtures


class Feeder:
    def __init__(self, agenda):
        self.agenda = agenda
        self.settings = AgendaSettings.from_settings(agenda.runtime.settings)

    def __call__(self, *events):
        apply(self.agenda.uow, *events, settings=self.settings)

    def members(self, n: int, **kwargs) -> list[str]:
        """n members, each with one submission as described by kwargs; returns their ids."""
        ids = []
        for _ in range(n):
            confirmed, classified = submission(**kwargs)
            self(confirmed, classified)
            ids.append(confirmed.data["member_id"])
        return ids


@pytest.fixture
def feed(agenda):
    return Feeder(agenda)


def curator_publish(agenda, edits: dict | None = None) -> dict:
    """Draft from the live state, optional edits, publish; returns the published version's JSON."""
    draft = agenda.client.post("/api/v1/curator/drafts", headers=CURATOR)
    assert draft.status_code == 201, draft.get_json()
    draft_id = draft.get_json()["id"]
    if edits:
        edited = agenda.client.patch(f"/api/v1/curator/drafts/{draft_id}", json=edits, headers=CURATOR)
        assert edited.status_code == 200, edited.get_json()
    published = agenda.client.post(f"/api/v1/curator/drafts/{draft_id}/publish", headers=CURATOR)
    assert published.status_code == 201, published.get_json()
    return published.get_json()
