"""The `buurt` command: run the embedded platform, a service's web or worker process, migrations."""

from __future__ import annotations

import json
import os
import sys

import click

from shared.config import SERVICES, Settings

SERVICE = click.Choice(SERVICES)


@click.group()
def main() -> None:
    """Buurtplatform: the learning network for neighbourhood livability."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--data-dir", default=None, help="Folder for the SQLite files and e-mails [default: ./data]")
def run(host: str, port: int, data_dir: str | None) -> None:
    """Run all four services in one process (SQLite, in-memory broker, e-mail to files)."""
    from services import embedded

    env = dict(os.environ)
    if data_dir:
        env["BUURT_DATA_DIR"] = data_dir
    env.setdefault("BUURT_PUBLIC_URL", f"http://{host}:{port}")
    embedded.run(host, port, env)


@main.command()
@click.argument("service", type=SERVICE)
@click.option("--bind", default=None, help="host:port [default: $BUURT_BIND or 0.0.0.0:8000]")
def web(service: str, bind: str | None) -> None:
    """Serve one service's web app with gunicorn."""
    args = ["gunicorn", "-c", "python:shared.web.gunicorn_conf", f"services.{service}.app:create_app()"]
    if bind:
        args[1:1] = ["--bind", bind]
    os.execvp(sys.executable, [sys.executable, "-m", *args])


@main.command()
@click.argument("service", type=SERVICE)
def worker(service: str) -> None:
    """Run one service's worker: its consumer, outbox relay and periodic jobs."""
    from services.catalog import module

    module(service, "worker").main()


@main.group()
def db() -> None:
    """Database migrations (Alembic, one history per service)."""


@db.command()
@click.argument("service", type=click.Choice([*SERVICES, "all"]))
def upgrade(service: str) -> None:
    """Apply all migrations to a service's database."""
    from shared.db.migrations import upgrade as apply

    for name in SERVICES if service == "all" else (service,):
        apply(name, Settings.from_env(name).database_url)
        click.echo(f"{name}: up to date")


@db.command()
@click.argument("service", type=SERVICE)
@click.argument("message")
def revision(service: str, message: str) -> None:
    """Write a new migration from the difference between the models and the migrations so far."""
    import tempfile

    from alembic import command

    from shared.db.migrations import alembic_config, upgrade as apply

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/{service}.db"
        apply(service, url)
        config = alembic_config(service, url)
        command.revision(config, message=message, autogenerate=True, rev_id=_next_revision_id(config))


def _next_revision_id(config) -> str:
    from alembic.script import ScriptDirectory

    revisions = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()]
    numbers = [int(r) for r in revisions if r.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


@main.command()
@click.argument("service", type=click.Choice([*SERVICES, "all"]))
@click.option("--write", is_flag=True, help="Update services/<service>/openapi.json instead of printing")
def openapi(service: str, write: bool) -> None:
    """Print (or write to the repository) a service's OpenAPI document."""
    from shared.web.openapi import committed_path, generate

    for name in SERVICES if service == "all" else (service,):
        document = generate(name)
        if write:
            committed_path(name).write_text(document, encoding="utf-8")
            click.echo(f"wrote {committed_path(name)}")
        else:
            click.echo(document, nl=False)


@main.group()
def intake() -> None:
    """Operator tasks of the intake service."""


@intake.command()
@click.argument("email")
def erase(email: str) -> None:
    """Erase a member's data everywhere, as their own erasure link would."""
    from services.intake.operator import erase_by_email

    result = erase_by_email(email)
    if result is None:
        click.echo(f"No member with e-mail address {email}.", err=True)
        sys.exit(1)
    click.echo(
        f"Erased the data of {email} in intake (erasure {result.erasure_id}). "
        f"The other services report on: {result.status_url}"
    )


@main.group()
def matching() -> None:
    """The theme classifier of the matching service."""


@matching.command("train")
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds (0 to skip)")
def matching_train(folds: int) -> None:
    """Train on the labelled texts plus all curator corrections, store and activate the version."""
    from services.matching.operator import train

    click.echo(train(folds))


@matching.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def matching_evaluate(path: str) -> None:
    """Evaluate the active version on a JSONL file of {"text", "labels"} lines."""
    from services.matching.operator import evaluate_path

    click.echo(evaluate_path(path))


@main.group()
def dlq() -> None:
    """Dead letters: messages a service could not process, with the reason."""


@dlq.command("list")
@click.argument("service", type=SERVICE)
@click.option("--limit", default=1000, show_default=True)
def dlq_list(service: str, limit: int) -> None:
    """Show the dead letters of a service's queue (they stay where they are)."""
    from shared.messaging.connection import connection_for
    from shared.messaging.dead_letters import list_dead_letters

    with connection_for(Settings.from_env(service)) as connection:
        letters = list_dead_letters(connection, service, limit)
    for letter in letters:
        click.echo(f"{letter.message_id}\t{letter.event_type}\t{letter.dead_lettered_at}\t{letter.reason}")
    click.echo(f"{len(letters)} dead letter(s) in {service}.dlq", err=True)


@dlq.command("requeue")
@click.argument("service", type=SERVICE)
@click.argument("message_ids", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Requeue every dead letter")
def dlq_requeue(service: str, message_ids: tuple[str, ...], everything: bool) -> None:
    """Send dead letters back to the service's inbox, by message id or --all."""
    from shared.messaging.connection import connection_for
    from shared.messaging.dead_letters import requeue_dead_letters

    if not message_ids and not everything:
        raise click.UsageError("name message ids, or pass --all")
    with connection_for(Settings.from_env(service)) as connection:
        moved = requeue_dead_letters(connection, service, None if everything else message_ids)
    click.echo(f"requeued {moved} message(s) to {service}.inbox")


@main.command()
@click.option("--partners", is_flag=True, help="Only the events partners may subscribe to")
def asyncapi(partners: bool) -> None:
    """Print the AsyncAPI document generated from the contract registry."""
    from shared.contracts.asyncapi import asyncapi_document

    click.echo(json.dumps(asyncapi_document(partner_facing_only=partners), indent=2, ensure_ascii=False))


@main.command("broker-definitions")
@click.option("--vhost", default="/", show_default=True, help="The RabbitMQ virtual host the definitions are for")
@click.option(
    "--users",
    is_flag=True,
    help="Print the per-service broker users and their permissions instead (passwords from "
    "BUURT_BROKER_<SERVICE>_PASSWORD; an administrator too when BUURT_BROKER_ADMIN_PASSWORD is set)",
)
def broker_definitions(vhost: str, users: bool) -> None:
    """Print RabbitMQ definitions generated from each service's worker topology."""
    from shared.messaging import definitions

    topologies = definitions.service_topologies()
    if not users:
        click.echo(json.dumps(definitions.broker_definitions(topologies, vhost), indent=2))
        return
    passwords = {s: os.environ.get(f"BUURT_BROKER_{s.upper()}_PASSWORD", "") for s in SERVICES}
    missing = [f"BUURT_BROKER_{s.upper()}_PASSWORD" for s, p in passwords.items() if not p]
    if missing:
        raise click.UsageError(f"set {', '.join(missing)}")
    document = definitions.service_users(
        topologies, passwords, vhost, admin_password=os.environ.get("BUURT_BROKER_ADMIN_PASSWORD") or None
    )
    click.echo(json.dumps(document, indent=2))
