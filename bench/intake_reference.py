"""The reference endpoint for bench/intake.py: the least a submission endpoint can do.

It validates a small JSON body and commits one row plus one outbox row, the way an outbox row
is committed on this platform (with the NOTIFY that wakes the relay), on the same stack as
intake (Flask, marshmallow, SQLAlchemy on PostgreSQL, gunicorn) and nothing else.
Served as ``gunicorn --pythonpath bench 'intake_reference:create_app()'``.
"""

from __future__ import annotations

import json
import os
import uuid

from flask import Flask, request
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import Column, MetaData, String, Table, insert, text

from shared.contracts.envelope import Event, utcnow
from shared.db.engine import make_engine
from shared.db.outbox_signal import CHANNEL
from shared.db.messaging_tables import define_messaging_tables
from shared.db.types import UTCDateTime

METADATA = MetaData()
ITEMS = Table(
    "items",
    METADATA,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)
OUTBOX = define_messaging_tables(METADATA).outbox


class ItemSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True)


def create_tables(database_url: str) -> None:
    """Run once by the bench before gunicorn starts (its workers would race to create them)."""
    engine = make_engine(database_url)
    METADATA.create_all(engine)
    engine.dispose()


def create_app() -> Flask:
    engine = make_engine(os.environ["BUURT_DATABASE_URL"], pool_size=int(os.environ.get("BUURT_DB_POOL_SIZE", "5")))
    app = Flask(__name__)
    schema = ItemSchema()
    insert_item, insert_outbox, notify_relay = insert(ITEMS), insert(OUTBOX), text(f"NOTIFY {CHANNEL}")

    @app.post("/items")
    def create_item():
        try:
            item = schema.load(request.get_json())
        except ValidationError as error:
            return {"errors": error.messages}, 422
        now = utcnow()
        item_id = str(uuid.uuid4())
        event = Event(type="reference.item.created.v1", source="/reference", subject=item_id, data={"id": item_id, **item})
        with engine.begin() as connection:
            # Statements built once, parameters per request: the cheapest way SQLAlchemy offers.
            connection.execute(insert_item, {"id": item_id, "created_at": now, **item})
            connection.execute(
                insert_outbox, {"event_id": event.id, "event_type": event.type, "envelope": event.to_json(), "created_at": now}
            )
            # As the platform's unit of work does: wake the outbox relay when this transaction commits.
            connection.execute(notify_relay)
        return json.dumps({"id": item_id}), 201, {"Content-Type": "application/json"}

    return app
