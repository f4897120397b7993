"""The four services by name: where their app factory, worker and tables live."""

from __future__ import annotations

import importlib
from types import ModuleType

from shared.config import SERVICES


def module(service: str, part: str) -> ModuleType:
    """services.<service>.<part>, e.g. module("intake", "app"); imported on demand."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; expected one of {', '.join(SERVICES)}")
    return importlib.import_module(f"services.{service}.{part}")
