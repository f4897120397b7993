"""Partners of the learning agenda: registration, subscriptions and signed webhook delivery.

Partners (knowledge institutes, municipalities, resident organisations) receive published
agenda versions either by webhook (Standard Webhooks signatures, retried for a day or more)
or by binding their own queue to ``agenda.events``. See README.md beside this file.
"""
