#!/bin/sh
# One database and one login role per service; each role owns its own database and can
# reach no other. The postgres image runs this once, on an empty data directory
# (/docker-entrypoint-initdb.d); against a managed server, run it once as an administrator:
#
#   PGHOST=... PGUSER=postgres BUURT_DB_INTAKE_PASSWORD=... ... sh deploy/postgres/init.sh
#
# Passwords come from BUURT_DB_<SERVICE>_PASSWORD. Names are <prefix><service>, prefix
# BUURT_DB_PREFIX (default buurt_).
set -eu

prefix="${BUURT_DB_PREFIX:-buurt_}"
services="intake matching notifications agenda"

password_of() {
    printenv "BUURT_DB_$(echo "$1" | tr '[:lower:]' '[:upper:]')_PASSWORD" || true
}

# Check every password first, so a missing one creates nothing.
for service in $services; do
    if [ -z "$(password_of "$service")" ]; then
        echo "init.sh: BUURT_DB_$(echo "$service" | tr '[:lower:]' '[:upper:]')_PASSWORD is not set" >&2
        exit 1
    fi
done

for service in $services; do
    name="${prefix}${service}"
    password=$(password_of "$service")
    # psql variables (:"name" quotes an identifier, :'password' a literal) keep the values
    # out of the SQL text, so no quoting mistakes and no injection.
    psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet \
        --username "${POSTGRES_USER:-${PGUSER:-postgres}}" --dbname "${POSTGRES_DB:-${PGDATABASE:-postgres}}" \
        -v name="$name" -v password="$password" <<'SQL'
-- Not NOINHERIT: as its database's owner the role inherits pg_database_owner's rights on
-- the public schema (PostgreSQL 15+), which its migrations need.
CREATE ROLE :"name" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE :"name" OWNER :"name" ENCODING 'UTF8' TEMPLATE template0;
-- By default every role may connect to every database: only the owner may reach this one.
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
    echo "init.sh: database and role ${name} ready"
done
