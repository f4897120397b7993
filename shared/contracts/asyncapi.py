"""An AsyncAPI 3.0 document generated from the contract registry."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from shared.contracts.envelope import CONTENT_TYPE
from shared.contracts.registry import CONTRACTS, Contract
from shared.contracts.samples import sample


def _payload_schemas(contracts: list[Contract]) -> tuple[dict[str, Any], dict[str, str]]:
    """JSON schemas of the payloads (through apispec's marshmallow converter), and the
    component name of each event type's payload: types that share a schema share a component."""
    spec = APISpec("events", "1", "3.1.0", plugins=[MarshmallowPlugin()])
    names: dict[type, str] = {}
    for c in contracts:
        if c.schema not in names:
            names[c.schema] = c.schema.__name__.removesuffix("Schema")
            spec.components.schema(names[c.schema], schema=c.schema)
    return spec.to_dict()["components"]["schemas"], {c.type: names[c.schema] for c in contracts}


def _name(c: Contract) -> str:
    return c.type.replace(".", "_")


def _envelope(c: Contract, payload: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["specversion", "id", "source", "type", "time", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {"type": "string", "description": "Unique event id; also the AMQP message_id and webhook-id"},
            "source": {"const": f"/{c.producer}"},
            "type": {"const": c.type},
            "time": {"type": "string", "format": "date-time"},
            "subject": {"type": "string"},
            "datacontenttype": {"const": "application/json"},
            "correlationid": {"type": "string"},
            "causationid": {"type": "string"},
            "data": {"$ref": f"#/components/schemas/{payload}"},
        },
    }


def asyncapi_document(partner_facing_only: bool = False, amqp_host: str = "rabbitmq.example:5672") -> dict[str, Any]:
    contracts = [c for c in CONTRACTS.values() if c.partner_facing or not partner_facing_only]
    schemas, payloads = _payload_schemas(contracts)
    channels, operations, messages = {}, {}, {}
    for c in contracts:
        name = _name(c)
        messages[name] = {
            "name": c.type,
            "title": c.type,
            "summary": c.summary,
            "contentType": CONTENT_TYPE,
            "payload": {"$ref": f"#/components/schemas/{name}_envelope"},
            "examples": [{"name": "sample", "payload": {"specversion": "1.0", "type": c.type, "data": sample(c.type)}}],
        }
        schemas[f"{name}_envelope"] = _envelope(c, payloads[c.type])
        channels[name] = {
            "address": c.type,
            "description": f"Routing key {c.type} on the topic exchange {c.producer}.events",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {"name": f"{c.producer}.events", "type": "topic", "durable": True, "vhost": "/"},
                }
            },
        }
        operations[f"receive_{name}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{name}"},
            "summary": f"Consumed by: {', '.join(c.consumers) or 'audit and metrics'}",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Buurtplatform partner events" if partner_facing_only else "Buurtplatform events",
            "version": "1.0.0",
            "description": "CloudEvents 1.0 (structured JSON) published on RabbitMQ topic exchanges.",
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {"production": {"host": amqp_host, "protocol": "amqp", "protocolVersion": "0.9.1"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
