"""Signed, expiring tokens for the links in e-mails and on pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode


class InvalidToken(ValueError):
    def __init__(self, expired: bool):
        super().__init__("token expired" if expired else "token invalid")
        self.expired = expired


class _IdSerializer(URLSafeTimedSerializer):
    """Signs ids without trying zlib first: a short id never gets shorter compressed, so the
    token is the same one, and reading still takes a compressed payload as before."""

    def dump_payload(self, obj: Any) -> bytes:
        return base64_encode(self.serializer.dumps(obj, **self.serializer_kwargs))


class TokenSigner:
    def __init__(self, secret_key: str, purpose: str, max_age: timedelta):
        self._serializer = _IdSerializer(secret_key, salt=f"buurtplatform.intake.{purpose}")
        # Made once: dumps() would build a new signer for every token (a submission signs three).
        self._signer = self._serializer.make_signer()
        self.max_age = max_age

    def sign(self, subject_id: str) -> str:
        return self._signer.sign(self._serializer.dump_payload(subject_id)).decode()

    def verify(self, token: str) -> str:
        try:
            subject = self._serializer.loads(token, max_age=int(self.max_age.total_seconds()))
        except SignatureExpired as exc:
            raise InvalidToken(expired=True) from exc
        except BadSignature as exc:
            raise InvalidToken(expired=False) from exc
        if not isinstance(subject, str):
            raise InvalidToken(expired=False)
        return subject


@dataclass(frozen=True)
class Tokens:
    """One signer per purpose: a token for one purpose never works for another."""

    confirm: TokenSigner  # the confirmation link in the e-mail
    status: TokenSigner  # the submitter's own view of a submission (API answer, "check your e-mail" page)
    erase: TokenSigner  # the erasure link in every e-mail, for a member id
    erasure_status: TokenSigner  # the erasure status page, for an erasure id

    @classmethod
    def create(cls, secret_key: str, confirm_max_age: timedelta, status_max_age: timedelta, erase_max_age: timedelta) -> "Tokens":
        return cls(
            confirm=TokenSigner(secret_key, "confirm", confirm_max_age),
            status=TokenSigner(secret_key, "status", status_max_age),
            erase=TokenSigner(secret_key, "erase", erase_max_age),
            erasure_status=TokenSigner(secret_key, "erasure-status", status_max_age),
        )
