"""agenda.agenda.published.v1 as agenda fills it: compatible with v1, and small groups cannot slip through."""

from __future__ import annotations

import pytest

from services.agenda.publication import event_payload, links
from shared.contracts.registry import ContractError, validate_incoming, validate_outgoing
from shared.contracts.samples import sample


def _document(province_members):
    return {
        "version": 2,
        "published_at": "2026-11-28T10:00:00Z",
        "reissue_of": None,
        "themes": [
            {
                "slug": "wonen", "rank": 1, "score": 0.8, "members": 12, "questions": 15, "urgent_mentions": 3,
                "municipalities": 4, "provinces": 2, "trend": "rising", "note": "Let op.",
                "breakdown": {"provinces": [{"key": "PV26", "members": province_members}], "roles": []},
                "representative_questions": [{"id": "s/q1", "member_id": "m", "text": "Hoe vind je een woning?", "similar_count": 4}],
            }
        ],
        "changelog": {"rose": ["wonen"], "fell": [], "appeared": [], "disappeared": []},
        "links": links("https://buurt.example/agenda", 2),
    }


def test_the_payload_validates_and_carries_no_question_ids_or_members():
    payload = validate_outgoing("agenda.agenda.published.v1", event_payload(_document(None)))
    question = payload["themes"][0]["representative_questions"][0]
    assert question == {"text": "Hoe vind je een woning?", "similar_count": 4}
    assert payload["themes"][0]["breakdown"]["provinces"] == [{"key": "PV26", "members": None}]
    # An older consumer's view (the sample without the new fields) still loads.
    assert validate_incoming("agenda.agenda.published.v1", sample("agenda.agenda.published.v1"))["themes"][0]["trend"] is None


def test_a_breakdown_cell_below_five_members_is_refused_by_the_contract():
    with pytest.raises(ContractError):
        validate_outgoing("agenda.agenda.published.v1", event_payload(_document(3)))
