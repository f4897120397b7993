"""Settings from the environment, read when a process starts (never at import time).

Every setting is looked up first as ``BUURT_<SERVICE>_<NAME>`` and then as ``BUURT_<NAME>``,
so one environment can serve the embedded all-in-one process (per-service overrides) as
well as a single service's container (plain names).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = ("intake", "matching", "notifications", "agenda")
EMBEDDED = "embedded"
PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """The environment does not describe a process that may start."""


@dataclass(frozen=True)
class Settings:
    service: str
    environment: str
    database_url: str
    amqp_url: str
    secret_key: str
    data_dir: Path
    public_urls: Mapping[str, str]
    env: Mapping[str, str] = field(repr=False, default_factory=dict)

    @property
    def embedded(self) -> bool:
        return self.environment == EMBEDDED

    @property
    def uses_memory_broker(self) -> bool:
        return self.amqp_url.startswith("memory://")

    def value(self, name: str, default: str | None = None) -> str | None:
        """A service-specific setting: BUURT_<SERVICE>_<NAME>, else BUURT_<NAME>, else default."""
        return _lookup(self.env, self.service, name, default)

    def number(self, name: str, default: float) -> float:
        raw = self.value(name)
        if raw is None or raw == "":
            return default
        try:
            return float(raw)
        except ValueError as exc:
            raise ConfigurationError(f"BUURT_{name} must be a number, got {raw!r}") from exc

    def integer(self, name: str, default: int) -> int:
        return int(self.number(name, default))

    def flag(self, name: str, default: bool) -> bool:
        raw = self.value(name)
        if raw is None or raw == "":
            return default
        return raw.strip().lower() in ("1", "true", "yes", "on")

    def public_url(self, service: str) -> str:
        """Base URL under which a service's pages are reachable by people (for links in e-mails)."""
        return self.public_urls[service].rstrip("/")

    @classmethod
    def from_env(cls, service: str, env: Mapping[str, str] | None = None) -> "Settings":
        if service not in SERVICES:
            raise ConfigurationError(f"unknown service {service!r}; expected one of {', '.join(SERVICES)}")
        env = dict(os.environ if env is None else env)
        environment = _lookup(env, service, "ENV", EMBEDDED)
        if environment not in (EMBEDDED, PRODUCTION):
            raise ConfigurationError(f"BUURT_ENV must be {EMBEDDED!r} or {PRODUCTION!r}, got {environment!r}")
        data_dir = Path(_lookup(env, service, "DATA_DIR", "data")).resolve()
        production = environment == PRODUCTION

        database_url = _lookup(env, service, "DATABASE_URL")
        amqp_url = _lookup(env, service, "AMQP_URL")
        secret_key = _lookup(env, service, "SECRET_KEY")
        if production:
            missing = [
                name
                for name, value in (("DATABASE_URL", database_url), ("AMQP_URL", amqp_url), ("SECRET_KEY", secret_key))
                if not value
            ]
            if missing:
                raise ConfigurationError(
                    f"{service}: production mode needs BUURT_{', BUURT_'.join(missing)} "
                    f"(or BUURT_{service.upper()}_<NAME>)"
                )
            if len(secret_key) < 32 or secret_key in _KNOWN_WEAK_SECRETS:
                raise ConfigurationError(f"{service}: BUURT_SECRET_KEY must be a random value of at least 32 characters")
        database_url = database_url or f"sqlite:///{data_dir / (service + '.db')}"
        amqp_url = amqp_url or "memory://"
        secret_key = secret_key or _embedded_secret(data_dir)

        base = _lookup(env, service, "PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
        public_urls = {
            name: (env.get(f"BUURT_{name.upper()}_PUBLIC_URL") or f"{base}/{name}").rstrip("/") for name in SERVICES
        }
        return cls(
            service=service,
            environment=environment,
            database_url=database_url,
            amqp_url=amqp_url,
            secret_key=secret_key,
            data_dir=data_dir,
            public_urls=public_urls,
            env=env,
        )


_KNOWN_WEAK_SECRETS = {"changeme", "secret", "development", "dev"}


def _lookup(env: Mapping[str, str], service: str, name: str, default: str | None = None) -> str | None:
    specific = env.get(f"BUURT_{service.upper()}_{name}")
    if specific not in (None, ""):
        return specific
    general = env.get(f"BUURT_{name}")
    if general not in (None, ""):
        return general
    return default


def _embedded_secret(data_dir: Path) -> str:
    """One random key per embedded data folder, so links keep working across restarts."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret.key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(48)
        try:
            with path.open("x") as f:
                f.write(key)
        except FileExistsError:  # another thread of the embedded process wrote it first
            return path.read_text().strip()
        path.chmod(0o600)
        return key
