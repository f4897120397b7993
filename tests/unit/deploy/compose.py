"""Reads docker-compose.yml the way Compose does: YAML with merge keys, then ${VAR} interpolation.

Compose's own `docker compose config` needs the Docker CLI plugin, which this machine lacks;
this covers the parts the tests rely on: ${VAR}, ${VAR:-default}, ${VAR-default},
${VAR:?error}, ${VAR?error} and $$ (a literal $).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
COMPOSE_FILE = ROOT / "docker-compose.yml"
_VARIABLE = re.compile(r"\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\})")


class InterpolationError(ValueError):
    pass


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        if match.group(1):
            return "$"
        name, operator, argument = match.group(2), match.group(3), match.group(4)
        current = env.get(name)
        missing = current is None or (current == "" and operator in (":-", ":?"))
        if operator in (":-", "-"):
            return argument if missing else current
        if operator in (":?", "?"):
            if missing:
                raise InterpolationError(f"{name}: {argument}")
            return current
        return current or ""

    return _VARIABLE.sub(substitute, value)


def load(env: Mapping[str, str]) -> dict[str, Any]:
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    return interpolate(raw, env)


def environment_of(service: dict) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {k: "" if v is None else str(v) for k, v in environment.items()}
