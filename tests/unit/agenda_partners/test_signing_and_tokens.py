"""Standard Webhooks signing, secrets and tokens."""

from __future__ import annotations

import base64
from datetime import timedelta
from types import SimpleNamespace

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from services.agenda.partners.signing import new_secret, signing_secrets, webhook_headers
from services.agenda.partners.tokens import new_api_token, token_hash
from shared.contracts.envelope import utcnow
from shared.web.bearer import bearer_token, token_matches

BODY = '{"specversion":"1.0","id":"evt-1","type":"agenda.agenda.published.v1","data":{"version":3}}'


def test_a_secret_is_32_random_bytes_in_the_whsec_form():
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_secret() != secret


def test_headers_verify_with_the_standardwebhooks_library():
    secret = new_secret()
    headers = webhook_headers("evt-1", BODY, [secret], utcnow())
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert Webhook(secret).verify(BODY, headers)["data"] == {"version": 3}
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_two_secrets_give_two_signatures_each_verifiable_alone():
    old, new = new_secret(), new_secret()
    headers = webhook_headers("evt-1", BODY, [new, old], utcnow())
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(BODY, headers)
    Webhook(new).verify(BODY, headers)


def test_the_library_refuses_timestamps_outside_its_tolerance():
    secret = new_secret()
    for shift, message in ((-timedelta(minutes=6), "too old"), (timedelta(minutes=6), "too new")):
        headers = webhook_headers("evt-1", BODY, [secret], utcnow() + shift)
        with pytest.raises(WebhookVerificationError, match=message):
            Webhook(secret).verify(BODY, headers)


def test_the_previous_secret_signs_only_during_its_overlap():
    now = utcnow()
    rotated = SimpleNamespace(secret="new", previous_secret="old", previous_secret_until=now + timedelta(hours=1))
    assert signing_secrets(rotated, now) == ["new", "old"]
    assert signing_secrets(rotated, now + timedelta(hours=2)) == ["new"]
    assert signing_secrets(SimpleNamespace(secret="new", previous_secret=None, previous_secret_until=None), now) == ["new"]


def test_api_tokens_are_random_and_only_their_hash_is_kept():
    token = new_api_token()
    assert token.startswith("bpt_") and len(token) > 40
    assert token_hash(token) == token_hash(token) and token not in token_hash(token)
    assert token_hash(token) != token_hash(new_api_token())


@pytest.mark.parametrize(
    "header, expected",
    [("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None), ("", None), (None, None)],
)
def test_bearer_tokens_are_read_from_the_authorization_header(header, expected):
    assert bearer_token(header) == expected


def test_the_curator_token_must_match_exactly():
    assert token_matches("s3cret-value", "s3cret-value")
    assert not token_matches("s3cret-valu", "s3cret-value")
    assert not token_matches(None, "s3cret-value")
    assert not token_matches("anything", None)
