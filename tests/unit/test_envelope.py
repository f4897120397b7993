from __future__ import annotations

import json

import pytest

from shared.contracts.envelope import Event, EnvelopeError


def test_envelope_has_the_cloudevents_attributes():
    event = Event(type="intake.member.erased.v1", source="/intake", subject="m-1", data={"a": 1}, correlationid="c-1")
    raw = json.loads(event.to_json())
    assert raw["specversion"] == "1.0"
    assert raw["datacontenttype"] == "application/json"
    assert raw["time"].endswith("Z")
    assert {"id", "source", "type", "subject", "data", "correlationid"} <= set(raw)
    assert "causationid" not in raw  # CloudEvents has no null attributes


@pytest.mark.parametrize(
    "body, complaint",
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"specversion": "1.0", "id": "x", "source": "/s"}', "type"),
        (b'{"specversion": "0.3", "id": "x", "source": "/s", "type": "t", "data": {}}', "specversion"),
        (b'{"specversion": "1.0", "id": "x", "source": "/s", "type": "t", "data": "text"}', "data must be"),
        (b'{"specversion": "1.0", "id": 5, "source": "/s", "type": "t", "data": {}}', "must be a string"),
    ],
)
def test_malformed_envelopes_are_refused_with_a_reason(body, complaint):
    with pytest.raises(EnvelopeError, match=complaint):
        Event.from_json(body)
