"""A partner's webhook receiver on loopback: a real HTTP server in a thread.

It verifies every request with the standardwebhooks library, as a partner would, and
processes each webhook-id once (a repeated id is acknowledged but not processed again).
Tests script its answers: a list of (status, headers) to give before it answers 200.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    host: str
    answered: int
    verdict: str  # processed, duplicate, refused: <reason>, scripted


@dataclass
class WebhookReceiver:
    host: str = "127.0.0.1"
    secrets: list[str] = field(default_factory=list)  # any one of them may have signed
    script: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # answers before 200s
    requests: list[Received] = field(default_factory=list)
    processed: list[dict] = field(default_factory=list)  # each event once, in order of processing
    seen_ids: set[str] = field(default_factory=set)
    always: tuple[int, dict[str, str]] | None = None  # answer every request with this
    slow_seconds: float = 0.0  # wait this long before answering the next request (then reset)

    def __post_init__(self):
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, headers, verdict = receiver.handle(dict(self.headers.items()), body)
                if receiver.slow_seconds:
                    delay, receiver.slow_seconds = receiver.slow_seconds, 0.0
                    time.sleep(delay)
                receiver.requests.append(
                    Received(dict(self.headers.items()), body, self.headers.get("Host", ""), status, verdict)
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server_class = ThreadingHTTPServer
        if ":" in self.host:
            import socket

            server_class = type("V6Server", (ThreadingHTTPServer,), {"address_family": socket.AF_INET6})
        self.server = server_class((self.host, 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def url(self, path: str = "/hooks/buurt", host: str | None = None) -> str:
        host = host or self.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}{path}"

    def start(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def verify(self, headers: dict[str, str], body: bytes) -> dict:
        """Raises WebhookVerificationError unless one of our secrets signed this, recently."""
        last: Exception | None = None
        for secret in self.secrets:
            try:
                return Webhook(secret).verify(body, headers)
            except WebhookVerificationError as exc:
                last = exc
        raise last or WebhookVerificationError("no secret configured")

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], str]:
        with self._lock:
            if self.always is not None:
                return self.always[0], self.always[1], "scripted"
            if self.script:
                status, extra = self.script.pop(0)
                return status, extra, "scripted"
            try:
                event = self.verify(headers, body)
            except WebhookVerificationError as exc:
                return 400, {}, f"refused: {exc}"
            message_id = {k.lower(): v for k, v in headers.items()}["webhook-id"]
            if message_id in self.seen_ids:
                return 200, {}, "duplicate"
            self.seen_ids.add(message_id)
            self.processed.append(event)
            return 200, {}, "processed"

    def processed_ids(self) -> list[str]:
        return [event["id"] for event in self.processed]

    def bodies(self) -> list[dict]:
        return [json.loads(r.body) for r in self.requests]
