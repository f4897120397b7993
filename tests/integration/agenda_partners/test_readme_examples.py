"""The partner README's webhook receiver works against real deliveries."""

from __future__ import annotations

import threading

import requests
from werkzeug.serving import make_server

from tests.integration.agenda_partners.readme import example


def test_the_readme_webhook_receiver_verifies_and_handles_each_event_once(agenda, monkeypatch):
    _, auth = agenda.register_partner()
    subscription = agenda.subscribe(auth, "https://hooks.example.org/buurt")
    monkeypatch.setenv("BUURT_WEBHOOK_SECRET", subscription["secret"])
    namespace = example("webhook-receiver")
    handled = []
    namespace["handle"] = handled.append
    server = make_server("127.0.0.1", 0, namespace["app"], threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hooks/buurt"
        assert agenda.client.patch(f"/api/v1/partner/subscriptions/{subscription['id']}", json={"url": url}, headers=auth).status_code == 200
        event, (queued,) = agenda.publish(version=7)
        assert agenda.deliverer().deliver_due().delivered == 1
        assert [e["id"] for e in handled] == [event.id]

        assert agenda.client.post(f"/api/v1/partner/deliveries/{queued.id}/replay", headers=auth).status_code == 202
        assert agenda.deliverer().deliver_due().delivered == 1
        assert len(handled) == 1  # the replay carried the same webhook-id

        forged = requests.post(url, data=b'{"id":"x"}', headers={"webhook-id": "x", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"}, timeout=5)
        assert forged.status_code == 400 and len(handled) == 1
    finally:
        server.shutdown()
