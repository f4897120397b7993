"""Intake's OpenAPI document, as the code describes it, and the committed copy beside it.

``python -m services.intake.openapi`` rewrites ``services/intake/openapi.json``;
``--check`` exits 1 when the committed copy differs from the code (for CI).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

COMMITTED = Path(__file__).resolve().parent / "openapi.json"


def document() -> dict[str, Any]:
    """The document the running service serves on /api/openapi.json (no database is touched)."""
    from services.intake.app import build_runtime, create_app
    from shared.config import Settings

    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.from_env(
            "intake", {"BUURT_DATA_DIR": scratch, "BUURT_DATABASE_URL": "sqlite://", "BUURT_SECRET_KEY": "openapi-" + "x" * 32}
        )
        runtime = build_runtime(settings)
        try:
            return create_app(runtime).test_client().get("/api/openapi.json").get_json()
        finally:
            runtime.engine.dispose()


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render(document())
    if "--check" in args:
        if not COMMITTED.exists() or COMMITTED.read_text(encoding="utf-8") != text:
            print(f"{COMMITTED} is out of date: run python -m services.intake.openapi", file=sys.stderr)
            return 1
        return 0
    COMMITTED.write_text(text, encoding="utf-8")
    print(f"wrote {COMMITTED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
