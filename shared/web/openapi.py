"""The OpenAPI document of a service, as kept in the repository (services/<service>/openapi.json)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from services.catalog import module
from shared.config import Settings
from shared.runtime import Runtime


def committed_path(service: str) -> Path:
    return Path(module(service, "app").__file__).parent / "openapi.json"


def generate(service: str) -> str:
    """Build the app with throwaway embedded settings and render its OpenAPI document."""
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.from_env(service, {"BUURT_DATA_DIR": scratch, "BUURT_SECRET_KEY": "x" * 40})
        runtime = Runtime.create(settings, module(service, "models").TABLES)
        try:
            app = module(service, "app").create_app(runtime)
            with app.app_context():
                spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
        finally:
            runtime.engine.dispose()
    spec.pop("servers", None)
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
