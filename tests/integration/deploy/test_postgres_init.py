"""deploy/postgres/init.sh on a real PostgreSQL: a database and role per service, each sealed off."""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from shared.config import SERVICES
from shared.db.migrations import upgrade

INIT = Path(__file__).resolve().parents[3] / "deploy" / "postgres" / "init.sh"


def run_init(pg, prefix: str, passwords: dict[str, str]) -> subprocess.CompletedProcess:
    admin = urlsplit(pg.admin_url)
    env = {
        "PATH": os.environ["PATH"],
        "PGHOST": admin.hostname or "127.0.0.1",
        "PGPORT": str(admin.port or 5432),
        "PGUSER": admin.username or "postgres",
        "PGDATABASE": admin.path.lstrip("/") or "postgres",
        "BUURT_DB_PREFIX": prefix,
        **{f"BUURT_DB_{s.upper()}_PASSWORD": p for s, p in passwords.items()},
    }
    if admin.password:
        env["PGPASSWORD"] = admin.password
    return subprocess.run(["sh", str(INIT)], env=env, capture_output=True, text=True, timeout=60)


def url_as(pg, role: str, password: str, database: str) -> str:
    admin = urlsplit(pg.admin_url)
    netloc = f"{role}:{password}@{admin.hostname}" + (f":{admin.port}" if admin.port else "")
    return urlunsplit(admin._replace(netloc=netloc, path=f"/{database}"))


@pytest.fixture
def prefix(pg):
    prefix = f"buurt_t{uuid.uuid4().hex[:8]}_"
    yield prefix
    for service in SERVICES:
        pg.drop_database(prefix + service)
        pg.execute(f'DROP ROLE IF EXISTS "{prefix}{service}"')


def test_each_service_gets_its_own_database_and_role(pg, prefix):
    passwords = {s: f"pw-{s}-{uuid.uuid4().hex[:6]}" for s in SERVICES}
    result = run_init(pg, prefix, passwords)
    assert result.returncode == 0, result.stderr

    with psycopg.connect(pg.admin_url) as conn:
        owners = dict(
            conn.execute(
                "SELECT d.datname, r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname LIKE %s",
                (prefix.replace("_", r"\_") + "%",),
            ).fetchall()
        )
        flags = conn.execute(
            "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname LIKE %s",
            (prefix.replace("_", r"\_") + "%",),
        ).fetchall()
    assert owners == {prefix + s: prefix + s for s in SERVICES}
    assert all(not (superuser or createdb or createrole) for _, superuser, createdb, createrole in flags) and len(flags) == 4

    for service in SERVICES:
        role = prefix + service
        # The role can run its service's migrations in its own database...
        upgrade(service, url_as(pg, role, passwords[service], role))
        # ...and cannot even connect to another service's.
        other = prefix + next(s for s in SERVICES if s != service)
        with pytest.raises(psycopg.OperationalError, match="permission denied"):
            psycopg.connect(url_as(pg, role, passwords[service], other)).close()


def test_a_missing_password_creates_nothing(pg, prefix):
    passwords = {s: "pw" for s in SERVICES if s != "agenda"}
    result = run_init(pg, prefix, passwords)
    assert result.returncode != 0
    assert "BUURT_DB_AGENDA_PASSWORD" in result.stderr
    with psycopg.connect(pg.admin_url) as conn:
        made = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (prefix.replace("_", r"\_") + "%",)).fetchall()
    assert made == []


def test_names_and_passwords_are_passed_as_psql_variables_not_pasted_into_sql():
    script = INIT.read_text()
    sql = script[script.index("<<'SQL'") : script.rindex("SQL")]
    assert "$" not in sql  # a quoted heredoc: the shell substitutes nothing into the SQL
    assert re.search(r"PASSWORD :'password'", sql)
