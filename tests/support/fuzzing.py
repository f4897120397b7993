"""What the schema fuzz tests need beside schemathesis: the targets, their credentials and the
checks schemathesis does not ship (problem+json errors, refused requests change nothing)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from flask import Flask
from sqlalchemy import Engine, inspect, text

from services.catalog import module
from shared.config import SERVICES, Settings
from shared.runtime import Runtime
from shared.web.openapi import committed_path
from shared.web.nul_guard import MESSAGE as NUL_MESSAGE
from shared.web.problems import PROBLEM_JSON

OPENAPI_PATH = "/api/openapi.json"
CURATOR_TOKEN = "fuzz-curator-token-0123456789abcdefghijkl"

# Fuzzing settings for every service: the same cases on every run, a few dozen per operation.
FUZZ_CONFIG = {
    "seed": 20261128,
    "generation": {"mode": "all", "max-examples": 30, "deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
}

# Per service, checks that do not apply to an operation, and why.
SERVICE_CONFIG: dict[str, dict] = {
    "intake": {
        "operations": [
            {
                # Valid per the schema is not yet acceptable: the municipality must be one of the CBS
                # list (by code, name or alias) and some answers depend on others ('anders' needs a
                # description, contact consent must be given). The descriptions say so; JSON Schema
                # cannot. Everything else is still checked for this operation.
                "include-method": "POST",
                "include-path": "/api/v1/submissions",
                "checks": {"positive_data_acceptance": {"enabled": False}},
            }
        ]
    },
    "matching": {
        "operations": [
            {
                # Exactly one of submission_id and question_id must be given; OpenAPI has no way
                # to say that of query parameters (the description does).
                "include-method": "GET",
                "include-path": "/api/v1/curator/suggestions",
                "checks": {"positive_data_acceptance": {"enabled": False}},
            }
        ]
    },
    "agenda": {
        "operations": [
            {
                # A webhook URL must be https on a public address (checked against DNS at
                # subscription and at delivery); no JSON Schema can say which hosts those are.
                "include-method": method,
                "include-path": path,
                "checks": {"positive_data_acceptance": {"enabled": False}},
            }
            for method, path in (
                ("POST", "/api/v1/partner/subscriptions"),
                ("PATCH", "/api/v1/partner/subscriptions/{subscription_id}"),
            )
        ]
    },
}

# Each service's settings for a fuzz run; the rest comes from make_database.
SERVICE_ENV: dict[str, dict[str, str]] = {
    # No rate limits: a fuzz run sends hundreds of submissions from one address.
    "intake": {"BUURT_RATE_LIMIT_ENABLED": "false"},
    "matching": {"BUURT_CURATOR_TOKEN": CURATOR_TOKEN},
    "notifications": {},
    # The seeded subscription's endpoint is on loopback (nothing is delivered: no worker runs).
    "agenda": {"BUURT_CURATOR_TOKEN": CURATOR_TOKEN, "BUURT_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8"},
}


def services_with_operations() -> list[str]:
    """Services whose committed OpenAPI document has at least one operation (the others have nothing to fuzz)."""
    return [s for s in SERVICES if json.loads(committed_path(s).read_text(encoding="utf-8")).get("paths")]


@dataclass
class FuzzTarget:
    service: str
    app: Flask
    runtime: Runtime
    # Bearer tokens by OpenAPI security scheme name (curatorToken, partnerToken).
    tokens: dict[str, str] = field(default_factory=dict)
    # Real values for path and query parameters (submission_id and its token, partner_id, ...), so
    # the fuzzer also reaches what exists rather than only 404s.
    known: dict[str, str] = field(default_factory=dict)
    # (method, status) of every answer the fuzzer got, for the checks after a run.
    statuses: Counter = field(default_factory=Counter)

    @cached_property
    def probe(self) -> "StateProbe":
        return StateProbe(self.runtime.engine)


class CurrentApp:
    """The WSGI app a collected schema sends its requests to: the running test's app.

    Schemas are loaded when pytest collects (one test per operation); the app and its database
    exist only once a test's fixtures ran, so the schema holds this stand-in instead.
    """

    def __init__(self) -> None:
        self.app: Flask | None = None

    def __call__(self, environ, start_response):
        assert self.app is not None, "no app bound: call FuzzSchema.bind(target) first"
        return self.app(environ, start_response)


class BearerTokens:
    """Signs each generated request with the token of the security scheme its operation documents.

    Registered as the schema's auth provider, so schemathesis knows the request carries credentials:
    it leaves them out where it tests what happens without them (ignored_auth, missing headers).
    """

    def __init__(self, tokens: dict[str, str]):
        self.tokens = tokens

    def get(self, case: schemathesis.Case, _ctx: schemathesis.AuthContext) -> str | None:
        for requirement in case.operation.definition.raw.get("security") or []:
            for scheme in requirement:
                if scheme in self.tokens:
                    return self.tokens[scheme]
        return None

    def set(self, case: schemathesis.Case, token: str, _ctx: schemathesis.AuthContext) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@dataclass
class FuzzSchema:
    schema: schemathesis.BaseSchema
    current: CurrentApp
    tokens: dict[str, str]
    known: dict[str, str] = field(default_factory=dict)
    turn: int = 0

    def bind(self, target: FuzzTarget) -> None:
        """Send this schema's requests to the target and sign them with its tokens."""
        self.current.app = target.app
        self.tokens.clear()
        self.tokens.update(target.tokens)
        self.known.clear()
        self.known.update(target.known)
        self.turn = 0  # the same cases get the known values whichever tests run before

    def use_known_values(self, _ctx: schemathesis.HookContext, case: schemathesis.Case) -> schemathesis.Case:
        """Every other valid case asks for what exists: its path and query parameters that have a
        known value get it (all of them at once: an id with its own token). Invalid cases stay as made."""
        if case.meta is None or not case.meta.generation.mode.is_positive:
            return case
        self.turn += 1
        if self.turn % 2:
            return case
        for container in (case.path_parameters, case.query):
            if container:
                for name in container:
                    if name in self.known:
                        container[name] = self.known[name]
        return case


def load_schema(service: str) -> FuzzSchema:
    """The service's committed OpenAPI document (tests/contract/test_openapi.py keeps it equal to the code's)."""
    document = json.loads(committed_path(service).read_text(encoding="utf-8"))
    config = schemathesis.Config.from_dict({**FUZZ_CONFIG, **SERVICE_CONFIG.get(service, {})})
    schema = schemathesis.openapi.from_dict(document, config=config)
    current, tokens = CurrentApp(), {}

    # Schemathesis makes the provider itself; this one reads the tokens bind() puts in place.
    @schema.auth(refresh_interval=None)
    class _Tokens(BearerTokens):
        def __init__(self) -> None:
            super().__init__(tokens)

    schema.app = current
    fuzz_schema = FuzzSchema(schema, current, tokens)

    @schema.hook
    def map_case(ctx: schemathesis.HookContext, case: schemathesis.Case) -> schemathesis.Case:
        return fuzz_schema.use_known_values(ctx, case)

    @schema.hook
    def filter_failure(_ctx, failure, _case, response) -> bool:
        return not is_nul_refusal(failure, response)

    return fuzz_schema


def build_target(service: str, database_url: str, data_dir: str) -> FuzzTarget:
    env = {
        "BUURT_AMQP_URL": "memory://",
        "BUURT_DATABASE_URL": database_url,
        "BUURT_DATA_DIR": data_dir,
        "BUURT_PUBLIC_URL": "http://buurt.test",
        **SERVICE_ENV[service],
    }
    settings = Settings.from_env(service, env)
    runtime = Runtime.create(settings, module(service, "models").TABLES)
    app = module(service, "app").create_app(runtime)
    app.config["TESTING"] = True
    target = FuzzTarget(service, app, runtime, tokens={"curatorToken": CURATOR_TOKEN})
    SEEDS.get(service, lambda _target: None)(target)
    return target


def _seed_intake(target: FuzzTarget) -> None:
    """One pending submission (the documented example), with its id and status token."""
    example = target.app.test_client().get(OPENAPI_PATH).get_json()
    body = example["paths"]["/api/v1/submissions"]["post"]["requestBody"]["content"]["application/json"]["example"]
    response = target.app.test_client().post("/api/v1/submissions", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    target.known.update(submission_id=created["id"], token=created["status_token"])


def _seed_agenda(target: FuzzTarget) -> None:
    """A partner registered through the curator API, its token, and one webhook subscription of it."""
    client = target.app.test_client()
    response = client.post(
        "/api/v1/curator/partners", json={"name": "Kennisinstituut Fuzz"}, headers={"Authorization": f"Bearer {CURATOR_TOKEN}"}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    registered = response.get_json()
    target.tokens["partnerToken"] = registered["api_token"]
    response = client.post(
        "/api/v1/partner/subscriptions",
        json={"url": "http://127.0.0.1:9/buurt-hook", "event_types": ["agenda.agenda.published.v1"]},
        headers={"Authorization": f"Bearer {registered['api_token']}"},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    target.known.update(partner_id=registered["partner"]["id"], subscription_id=response.get_json()["id"])


SEEDS = {"intake": _seed_intake, "agenda": _seed_agenda}


def is_nul_refusal(failure: Any, response: schemathesis.Response) -> bool:
    """A "valid data rejected" that is the platform's NUL refusal (shared/web/nul_guard.py): JSON
    Schema strings may hold U+0000, PostgreSQL text may not, and every service refuses it on purpose."""
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 422:
        return False
    try:
        errors = json.loads(response.content).get("errors") or {}
    except ValueError:
        return False
    return bool(errors) and all(messages == [NUL_MESSAGE] for messages in errors.values())


def errors_are_problem_json(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> bool | None:
    """Every error answer of a JSON API is RFC 7807 problem+json with its status and a title."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0].split(";")[0].strip()
    assert content_type == PROBLEM_JSON, f"{response.status_code} answered as {content_type!r}, not {PROBLEM_JSON}"
    body = json.loads(response.content)
    assert isinstance(body, dict), f"the problem body is not an object: {body!r}"
    assert body.get("status") == response.status_code, f"problem status {body.get('status')!r} != {response.status_code}"
    assert isinstance(body.get("title"), str) and body["title"], f"problem without a title: {body!r}"
    return True


class StateProbe:
    """A fingerprint of every row of every table of a service's database, to show a refused
    request changed nothing (not just that no rows were added)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        tables = sorted(t for t in inspect(engine).get_table_names() if t != "alembic_version")
        self._sql = text(
            " UNION ALL ".join(
                f"SELECT '{t}' AS name, count(*) AS n, md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS digest "
                f'FROM "{t}" AS r'
                for t in tables
            )
        )

    def snapshot(self) -> dict[str, tuple[int, str]]:
        with self.engine.connect() as connection:
            return {name: (n, digest) for name, n, digest in connection.execute(self._sql)}

    @staticmethod
    def changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> dict[str, str]:
        return {
            name: f"{before[name][0]} -> {after[name][0]} rows" + (" (contents changed)" if before[name][0] == after[name][0] else "")
            for name in before
            if before[name] != after[name]
        }
