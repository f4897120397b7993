"""Two quiet traps for bots: a field people never see, and a form sent back too fast to be read."""

from __future__ import annotations

import time

from itsdangerous import BadSignature, TimestampSigner

HONEYPOT_FIELD = "website"
RENDERED_FIELD = "rendered"


class RenderClock:
    """Signs the moment the form was shown, so a post can prove how long its filler took."""

    def __init__(self, secret_key: str, min_seconds: float):
        self._signer = TimestampSigner(secret_key, salt="buurtplatform.intake.form-rendered")
        self.min_seconds = min_seconds

    def stamp(self) -> str:
        return self._signer.sign("form").decode()

    def valid_stamp(self, value: str | None) -> str | None:
        """The stamp itself if it is genuine (kept when the form is shown again after an error)."""
        try:
            self._signer.unsign(value or "")
        except BadSignature:
            return None
        return value

    def trap(self, form) -> str | None:
        """The name of the trap a post fell into, or None for a person."""
        if form.get(HONEYPOT_FIELD, "").strip():
            return "honeypot"
        try:
            _, rendered = self._signer.unsign(form.get(RENDERED_FIELD, ""), return_timestamp=True)
        except BadSignature:
            return "time_trap"
        if time.time() - rendered.timestamp() < self.min_seconds:
            return "time_trap"
        return None
