"""CloudEvents 1.0 envelope in structured JSON mode."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"
DATA_CONTENT_TYPE = "application/json"
_REQUIRED = ("specversion", "id", "source", "type")


class EnvelopeError(ValueError):
    """A message is not a CloudEvents 1.0 structured JSON event."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def isoformat(moment: datetime) -> str:
    """RFC 3339 with a Z, the form CloudEvents readers expect."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Event:
    type: str
    source: str
    subject: str
    data: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: str = field(default_factory=lambda: isoformat(utcnow()))
    correlationid: str | None = None
    causationid: str | None = None

    def to_dict(self) -> dict[str, Any]:
        envelope = {
            "specversion": SPEC_VERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "time": self.time,
            "subject": self.subject,
            "datacontenttype": DATA_CONTENT_TYPE,
            "data": self.data,
        }
        # Extensions are omitted when empty: CloudEvents forbids null attribute values.
        if self.correlationid:
            envelope["correlationid"] = self.correlationid
        if self.causationid:
            envelope["causationid"] = self.causationid
        return envelope

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, raw: Any) -> "Event":
        if not isinstance(raw, dict):
            raise EnvelopeError("event must be a JSON object")
        missing = [name for name in _REQUIRED if not raw.get(name)]
        if missing:
            raise EnvelopeError(f"missing CloudEvents attributes: {', '.join(missing)}")
        if raw["specversion"] != SPEC_VERSION:
            raise EnvelopeError(f"unsupported specversion {raw['specversion']!r}")
        if raw.get("datacontenttype", DATA_CONTENT_TYPE) != DATA_CONTENT_TYPE:
            raise EnvelopeError(f"unsupported datacontenttype {raw['datacontenttype']!r}")
        if not isinstance(raw.get("data"), dict):
            raise EnvelopeError("event data must be a JSON object")
        for name in ("id", "source", "type", "subject", "time", "correlationid", "causationid"):
            if name in raw and not isinstance(raw[name], str):
                raise EnvelopeError(f"attribute {name} must be a string")
        return cls(
            type=raw["type"],
            source=raw["source"],
            subject=raw.get("subject", ""),
            data=raw["data"],
            id=raw["id"],
            time=raw.get("time") or isoformat(utcnow()),
            correlationid=raw.get("correlationid"),
            causationid=raw.get("causationid"),
        )

    @classmethod
    def from_json(cls, body: bytes | str) -> "Event":
        try:
            raw = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise EnvelopeError(f"body is not valid JSON: {exc}") from exc
        return cls.from_dict(raw)
