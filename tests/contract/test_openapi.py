"""The OpenAPI documents kept in the repository are the ones the code serves."""

from __future__ import annotations

import json

import pytest

from shared.config import SERVICES
from shared.web.openapi import committed_path, generate


@pytest.mark.parametrize("service", SERVICES)
def test_committed_openapi_document_matches_the_code(service):
    committed = committed_path(service)
    assert committed.exists(), f"run: buurt openapi {service} --write"
    assert generate(service) == committed.read_text(encoding="utf-8"), f"{service}'s API changed: run `buurt openapi {service} --write`"


@pytest.mark.parametrize("service", SERVICES)
def test_every_documented_error_is_problem_json(service):
    document = json.loads(committed_path(service).read_text(encoding="utf-8"))
    responses = document.get("components", {}).get("responses", {})
    for name, response in responses.items():
        for content_type in response.get("content", {}):
            assert content_type == "application/problem+json", f"{service}: {name} is documented as {content_type}"
