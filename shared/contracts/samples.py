"""One valid example payload per event type: used by the contract tests and the AsyncAPI document."""

from __future__ import annotations

import copy
from typing import Any

_AT = "2026-11-28T10:15:00+00:00"
_SUBMISSION = "4b7e2c1a-7f0e-4c55-9a57-0c1c9a3e2b10"
_MEMBER = "9d0c6a52-51b6-4a51-8f8e-2f7f3f0f7a41"
_ERASURE = "e2a5a0c4-3d1f-4c4b-a8f5-6f0b9b1b2c3d"

_SAMPLES: dict[str, dict[str, Any]] = {
    "intake.submission.received.v1": {
        "submission_id": _SUBMISSION,
        "member_id": _MEMBER,
        "email": "sanne@example.org",
        "name": "Sanne de Vries",
        "language": "nl",
        "confirmation_token": "eyJzIjoiNGI3ZTJjMWEifQ.signature",
        "submitted_at": _AT,
        "resend": False,
        "erasure_token": "ImE5ZDBjNmE1MiI.erase-signature",
    },
    "intake.submission.confirmed.v1": {
        "submission_id": _SUBMISSION,
        "member_id": _MEMBER,
        "submitted_at": _AT,
        "confirmed_at": _AT,
        "language": "nl",
        "email": "sanne@example.org",
        "name": "Sanne de Vries",
        "role": "buurtmaker",
        "role_other": None,
        "organisation": "Bewonersgroep Het Plein",
        "municipality_code": "GM0363",
        "municipality_name": "Amsterdam",
        "province_code": "PV27",
        "province": "Noord-Holland",
        "neighbourhood": "Noord",
        "urgent_issues": {
            "text_id": f"{_SUBMISSION}/urgent",
            "text": "Jongeren hangen 's avonds op het plein en buren voelen zich niet veilig.",
            "themes": ["overlast", "jeugd-jongeren"],
        },
        "knowledge_sources": {"choices": ["collega", "bewoners"], "other": None},
        "learning_questions": [
            {"text_id": f"{_SUBMISSION}/q1", "text": "Hoe betrek je jongeren bij plannen voor hun eigen plein?"}
        ],
        "needs": {"choices": ["praktijkvoorbeelden", "intervisie"], "other": None},
        "expertise": {
            "text_id": f"{_SUBMISSION}/expertise",
            "text": "Ik organiseer al jaren buurtfeesten en een moestuin met buren.",
            "themes": ["sociale-samenhang"],
        },
        "practice_example": None,
        "consents": {"contact": True, "peer_introductions": True, "publish_example": False},
        "erasure_token": "ImE5ZDBjNmE1MiI.erase-signature",
    },
    "intake.member.erased.v1": {"member_id": _MEMBER, "erasure_id": _ERASURE, "erased_at": _AT},
    "matching.submission.classified.v1": {
        "submission_id": _SUBMISSION,
        "member_id": _MEMBER,
        "classifier_version": "keywords-1",
        "texts": [
            {
                "text_id": f"{_SUBMISSION}/q1",
                "kind": "learning_question",
                "themes": [{"slug": "jeugd-jongeren", "score": 0.91}],
                "needs_review": False,
            }
        ],
        "member_themes": ["jeugd-jongeren", "overlast"],
        "classified_at": _AT,
    },
    "matching.peers.suggested.v1": {
        "suggestion_id": "5f1d1b0e-8a5e-4d35-9d8c-1f0a2b3c4d5e",
        "asking_member_id": _MEMBER,
        "question_id": f"{_SUBMISSION}/q1",
        "question_text": "Hoe betrek je jongeren bij plannen voor hun eigen plein?",
        "offering_member_id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "expertise_text": "Als jongerenwerker laat ik jongeren zelf hun hangplek ontwerpen.",
        "themes": ["jeugd-jongeren"],
        "reasons": ["both about jeugd-jongeren", "same province"],
        "score": 0.82,
        "suggested_at": _AT,
    },
    "matching.erasure.completed.v1": {
        "service": "matching",
        "member_id": _MEMBER,
        "erasure_id": _ERASURE,
        "completed_at": _AT,
    },
    "notifications.email.sent.v1": {
        "email_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "template": "confirmation",
        "member_id": _MEMBER,
        "event_id": "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a",
        "sent_at": _AT,
    },
    "notifications.erasure.completed.v1": {
        "service": "notifications",
        "member_id": _MEMBER,
        "erasure_id": _ERASURE,
        "completed_at": _AT,
    },
    "agenda.agenda.published.v1": {
        "version": 3,
        "published_at": _AT,
        "themes": [
            {
                "slug": "jeugd-jongeren",
                "rank": 1,
                "score": 0.87,
                "members": 42,
                "questions": 57,
                "urgent_mentions": 30,
                "municipalities": 18,
                "provinces": 7,
                "note": None,
                "representative_questions": [
                    {"text": "Hoe betrek je jongeren bij plannen voor hun eigen plein?", "similar_count": 6}
                ],
            }
        ],
        "changelog": {"rose": ["jeugd-jongeren"], "fell": [], "appeared": [], "disappeared": []},
        "links": {
            "html": "https://buurtplatform.example/agenda/versions/3",
            "json": "https://buurtplatform.example/agenda/api/v1/versions/3",
            "feed": "https://buurtplatform.example/agenda/feed.atom",
        },
        "reissue_of": None,
    },
    "agenda.erasure.completed.v1": {
        "service": "agenda",
        "member_id": _MEMBER,
        "erasure_id": _ERASURE,
        "completed_at": _AT,
    },
}


def sample(event_type: str) -> dict[str, Any]:
    return copy.deepcopy(_SAMPLES[event_type])


def sample_types() -> list[str]:
    return list(_SAMPLES)
