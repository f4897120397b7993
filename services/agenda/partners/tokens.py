"""Partner API tokens: random, stored only as a hash (bearer parsing lives in shared.web.bearer)."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "bpt_"


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    # A fast hash is enough: the token carries 256 random bits, nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()
