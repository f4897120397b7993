"""Signed, expiring tokens for the links in e-mails."""

from __future__ import annotations

from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class InvalidToken(ValueError):
    def __init__(self, expired: bool):
        super().__init__("token expired" if expired else "token invalid")
        self.expired = expired


class TokenSigner:
    def __init__(self, secret_key: str, purpose: str, max_age: timedelta):
        self._serializer = URLSafeTimedSerializer(secret_key, salt=f"buurtplatform.intake.{purpose}")
        self.max_age = max_age

    def sign(self, subject_id: str) -> str:
        return self._serializer.dumps(subject_id)

    def verify(self, token: str) -> str:
        try:
            return self._serializer.loads(token, max_age=int(self.max_age.total_seconds()))
        except SignatureExpired as exc:
            raise InvalidToken(expired=True) from exc
        except BadSignature as exc:
            raise InvalidToken(expired=False) from exc
