"""Standard Webhooks signatures (the ``standardwebhooks`` library) and the secrets behind them."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from math import floor

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signing_secrets(subscription, now: datetime) -> list[str]:
    """The current secret, and the previous one while its overlap lasts (after a rotation)."""
    found = [subscription.secret]
    if subscription.previous_secret and subscription.previous_secret_until and subscription.previous_secret_until > now:
        found.append(subscription.previous_secret)
    return found


def webhook_headers(message_id: str, body: str, secrets_: list[str], now: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers; one signature per secret, separated by spaces."""
    signatures = [Webhook(secret).sign(msg_id=message_id, timestamp=now, data=body) for secret in secrets_]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(floor(now.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
