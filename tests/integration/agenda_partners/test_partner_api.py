"""The curator and partner APIs: registration, tokens, subscriptions, errors, OpenAPI."""

from __future__ import annotations

from sqlalchemy import func, select, text

from services.agenda.partners.models import Partner, Subscription
from services.agenda.partners.tokens import token_hash
from tests.integration.agenda_partners.conftest import CURATOR

PROBLEM = "application/problem+json"


def test_the_curator_api_wants_the_curator_token(agenda):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic Y3VyYXRvcjp4"}):
        response = agenda.client.post("/api/v1/curator/partners", json={"name": "X"}, headers=headers)
        assert response.status_code == 401
        assert response.mimetype == PROBLEM
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    with agenda.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Partner)) == 0


def test_without_a_curator_token_the_curator_api_is_off(make_agenda):
    agenda = make_agenda(BUURT_CURATOR_TOKEN="")
    response = agenda.client.get("/api/v1/curator/partners", headers={"Authorization": "Bearer "})
    assert response.status_code == 503
    assert "BUURT_CURATOR_TOKEN" in response.get_json()["detail"]


def test_a_registered_partner_gets_a_token_that_is_stored_only_as_a_hash(agenda):
    response = agenda.client.post(
        "/api/v1/curator/partners", json={"name": "Gemeente Zwolle", "contact_email": "data@zwolle.example"}, headers=CURATOR
    )
    assert response.status_code == 201
    body = response.get_json()
    token = body["api_token"]
    assert body["partner"]["name"] == "Gemeente Zwolle" and body["partner"]["active"] is True
    with agenda.uow() as uow:
        stored = uow.session.get(Partner, body["partner"]["id"])
        assert stored.token_hash == token_hash(token)
        dump = uow.session.execute(text("SELECT * FROM partners")).all()
    assert token not in repr(dump)

    me = agenda.client.get("/api/v1/partner/subscriptions", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json() == {"subscriptions": []}

    listing = agenda.client.get("/api/v1/curator/partners", headers=CURATOR).get_json()
    assert [p["name"] for p in listing["partners"]] == ["Gemeente Zwolle"]
    assert "api_token" not in listing["partners"][0]


def test_a_renewed_token_replaces_the_old_one_and_a_switched_off_partner_is_refused(agenda):
    partner_id, auth = agenda.register_partner()
    renewed = agenda.client.post(f"/api/v1/curator/partners/{partner_id}/token", headers=CURATOR)
    assert renewed.status_code == 201
    new_auth = {"Authorization": f"Bearer {renewed.get_json()['api_token']}"}
    assert agenda.client.get("/api/v1/partner/subscriptions", headers=auth).status_code == 401
    assert agenda.client.get("/api/v1/partner/subscriptions", headers=new_auth).status_code == 200

    off = agenda.client.patch(f"/api/v1/curator/partners/{partner_id}", json={"active": False}, headers=CURATOR)
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert agenda.client.get("/api/v1/partner/subscriptions", headers=new_auth).status_code == 401
    missing = agenda.client.get("/api/v1/curator/partners/does-not-exist", headers=CURATOR)
    assert missing.status_code == 404 and missing.mimetype == PROBLEM


def test_bad_subscriptions_get_field_errors_and_change_nothing(agenda):
    _, auth = agenda.register_partner()
    cases = [
        ({"url": "https://partner.example/hook", "event_types": ["intake.submission.received.v1"]}, "event_types"),
        ({"url": "https://partner.example/hook", "event_types": ["agenda.erasure.completed.v1"]}, "event_types"),
        ({"url": "https://partner.example/hook", "event_types": []}, "event_types"),
        (
            {"url": "https://partner.example/hook", "event_types": ["agenda.agenda.published.v1"], "themes": ["mars"]},
            "themes",
        ),
        ({"url": "ftp://partner.example/hook", "event_types": ["agenda.agenda.published.v1"]}, "url"),
        ({"url": "http://10.0.0.7/hook", "event_types": ["agenda.agenda.published.v1"]}, "url"),
        ({"url": "https://169.254.169.254/latest/meta-data", "event_types": ["agenda.agenda.published.v1"]}, "url"),
        ({"url": "https://user:pw@partner.example/hook", "event_types": ["agenda.agenda.published.v1"]}, "url"),
        ({"url": "https://[fd00:ec2::254]/", "event_types": ["agenda.agenda.published.v1"]}, "url"),
        ({"event_types": ["agenda.agenda.published.v1"]}, "url"),
    ]
    for payload, field in cases:
        response = agenda.client.post("/api/v1/partner/subscriptions", json=payload, headers=auth)
        assert response.status_code == 422, payload
        assert response.mimetype == PROBLEM
        # Errors come per dotted field path ("event_types.0"), as ProblemSchema documents.
        errors = response.get_json()["errors"]
        assert any(path == field or path.startswith(field + ".") for path in errors), (payload, errors)
    with agenda.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Subscription)) == 0


def test_a_partner_manages_its_own_subscriptions_only(agenda):
    _, auth = agenda.register_partner("Kennisinstituut")
    _, other = agenda.register_partner("Andere partner")
    created = agenda.subscribe(auth, "https://partner.example/hook", themes=["jeugd-jongeren"])
    assert created["secret"].startswith("whsec_")
    assert created["status"] == "active" and created["themes"] == ["jeugd-jongeren"]
    sid = created["id"]

    shown = agenda.client.get(f"/api/v1/partner/subscriptions/{sid}", headers=auth).get_json()
    assert "secret" not in shown

    for method in ("get", "patch", "delete"):
        response = getattr(agenda.client, method)(f"/api/v1/partner/subscriptions/{sid}", json={}, headers=other)
        assert response.status_code == 404, method
    assert agenda.client.post(f"/api/v1/partner/subscriptions/{sid}/rotate-secret", headers=other).status_code == 404

    changed = agenda.client.patch(
        f"/api/v1/partner/subscriptions/{sid}", json={"themes": [], "url": "https://partner.example/v2"}, headers=auth
    )
    assert changed.status_code == 200
    assert changed.get_json()["themes"] == [] and changed.get_json()["url"] == "https://partner.example/v2"
    refused = agenda.client.patch(f"/api/v1/partner/subscriptions/{sid}", json={"url": "http://192.168.1.10/"}, headers=auth)
    assert refused.status_code == 422 and "private" in refused.get_json()["errors"]["url"][0]

    rotated = agenda.client.post(f"/api/v1/partner/subscriptions/{sid}/rotate-secret", headers=auth).get_json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert rotated["previous_secret_valid_until"] is not None

    assert agenda.client.delete(f"/api/v1/partner/subscriptions/{sid}", headers=auth).status_code == 204
    assert agenda.client.get("/api/v1/partner/subscriptions", headers=auth).get_json() == {"subscriptions": []}


def test_loopback_is_refused_without_the_allow_list(make_agenda):
    agenda = make_agenda(BUURT_WEBHOOK_ALLOWED_NETWORKS="")
    _, auth = agenda.register_partner()
    for url in ("http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://0.0.0.0/"):
        response = agenda.client.post(
            "/api/v1/partner/subscriptions", json={"url": url, "event_types": ["agenda.agenda.published.v1"]}, headers=auth
        )
        assert response.status_code == 422, url
        assert "not allowed" in response.get_json()["errors"]["url"][0]


def test_event_types_are_the_partner_facing_ones_from_the_registry(agenda):
    _, auth = agenda.register_partner()
    body = agenda.client.get("/api/v1/partner/event-types", headers=auth).get_json()
    assert [t["type"] for t in body["event_types"]] == ["agenda.agenda.published.v1"]
    assert body["asyncapi"].endswith("/api/asyncapi.json")


def test_the_asyncapi_document_lists_only_partner_facing_events(agenda):
    response = agenda.client.get("/api/asyncapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["asyncapi"].startswith("3.")
    assert list(document["channels"]) == ["agenda_agenda_published_v1"]
    channel = document["channels"]["agenda_agenda_published_v1"]
    assert channel["bindings"]["amqp"]["exchange"]["name"] == "agenda.events"
    assert "AgendaPublished" in document["components"]["schemas"]
    assert not any(name.startswith("intake") for name in document["components"]["messages"])


def test_the_openapi_document_describes_every_partner_operation(agenda):
    spec = agenda.client.get("/api/openapi.json").get_json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["partnerToken"]["scheme"] == "bearer" and schemes["curatorToken"]["scheme"] == "bearer"
    expected = {
        ("/api/v1/curator/partners", "get"),
        ("/api/v1/curator/partners", "post"),
        ("/api/v1/curator/partners/{partner_id}", "get"),
        ("/api/v1/curator/partners/{partner_id}", "patch"),
        ("/api/v1/curator/partners/{partner_id}/token", "post"),
        ("/api/v1/partner/event-types", "get"),
        ("/api/v1/partner/subscriptions", "get"),
        ("/api/v1/partner/subscriptions", "post"),
        ("/api/v1/partner/subscriptions/{subscription_id}", "get"),
        ("/api/v1/partner/subscriptions/{subscription_id}", "patch"),
        ("/api/v1/partner/subscriptions/{subscription_id}", "delete"),
        ("/api/v1/partner/subscriptions/{subscription_id}/rotate-secret", "post"),
        ("/api/v1/partner/subscriptions/{subscription_id}/enable", "post"),
        ("/api/v1/partner/deliveries", "get"),
        ("/api/v1/partner/deliveries/{delivery_id}", "get"),
        ("/api/v1/partner/deliveries/{delivery_id}/replay", "post"),
    }
    for path, method in expected:
        operation = spec["paths"][path][method]
        assert operation.get("summary") or operation.get("description"), (path, method)
        assert operation["security"], (path, method)
        assert "401" in operation["responses"], (path, method)
        assert "application/problem+json" in operation["responses"]["401"]["content"], (path, method)
    post = spec["paths"]["/api/v1/partner/subscriptions"]["post"]
    assert "422" in post["responses"] and "201" in post["responses"]
    assert "/api/asyncapi.json" in spec["paths"]
