"""The links in e-mails: signed with the service's secret, each for one purpose.

A preferences link opens the member's preferences; an unsubscribe link switches one
category off (it never expires: RFC 8058 links must keep working); an introduction link
answers one side of one peer introduction and expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class InvalidLink(ValueError):
    def __init__(self, expired: bool):
        super().__init__("link expired" if expired else "link invalid")
        self.expired = expired


@dataclass(frozen=True)
class IntroductionAnswer:
    introduction_id: str
    side: str  # "asking" or "offering"


class LinkSigner:
    def __init__(self, secret_key: str, preferences_max_age: timedelta, introduction_max_age: timedelta):
        self._secret = secret_key
        self.preferences_max_age = preferences_max_age
        self.introduction_max_age = introduction_max_age

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._secret, salt=f"buurtplatform.notifications.{purpose}")

    def _load(self, purpose: str, token: str, max_age: timedelta | None) -> Any:
        try:
            return self._serializer(purpose).loads(token, max_age=int(max_age.total_seconds()) if max_age else None)
        except SignatureExpired as exc:
            raise InvalidLink(expired=True) from exc
        except BadSignature as exc:
            raise InvalidLink(expired=False) from exc

    def preferences(self, member_id: str) -> str:
        return self._serializer("preferences").dumps(member_id)

    def preferences_member(self, token: str) -> str:
        member_id = self._load("preferences", token, self.preferences_max_age)
        if not isinstance(member_id, str):
            raise InvalidLink(expired=False)
        return member_id

    def unsubscribe(self, member_id: str, category: str) -> str:
        return self._serializer("unsubscribe").dumps([member_id, category])

    def unsubscribe_request(self, token: str) -> tuple[str, str]:
        value = self._load("unsubscribe", token, None)
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
            raise InvalidLink(expired=False)
        return value[0], value[1]

    def introduction(self, introduction_id: str, side: str) -> str:
        return self._serializer("introduction").dumps([introduction_id, side])

    def introduction_answer(self, token: str) -> IntroductionAnswer:
        value = self._load("introduction", token, self.introduction_max_age)
        if not (isinstance(value, list) and len(value) == 2 and value[1] in ("asking", "offering")):
            raise InvalidLink(expired=False)
        return IntroductionAnswer(str(value[0]), value[1])
