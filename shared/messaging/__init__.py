"""Messaging over RabbitMQ (kombu's memory transport in embedded mode): topology, publisher,
outbox relay, inbox consumer, dead letters and the worker process that runs them."""
