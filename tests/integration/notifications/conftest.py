"""Fixtures for notifications' integration tests: a harness on a fresh database, and real
aiosmtpd servers that speak STARTTLS or TLS, ask for a login, or answer as scripted."""

from __future__ import annotations

import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.integration.notifications.support import Harness
from tests.support.smtp import SmtpSink, _RecordingHandler


@pytest.fixture
def make_harness(make_database, smtp_sink, tmp_path):
    made: list[Harness] = []

    def make(env: dict[str, str] | None = None, smtp: dict[str, str] | None = None) -> Harness:
        harness = Harness(make_database("notifications"), tmp_path / "data", {**(smtp if smtp is not None else smtp_sink.env()), **(env or {})})
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.close()


@pytest.fixture
def harness(make_harness):
    return make_harness()


class _ScriptedHandler(_RecordingHandler):
    """Records which connection carried each message, and answers DATA as a test scripts it."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        recipient = envelope.rcpt_tos[0].lower() if envelope.rcpt_tos else ""
        if recipient in self.sink.data_answers:
            return self.sink.data_answers[recipient]
        answer = await super().handle_DATA(server, session, envelope)
        if answer.startswith("250"):
            self.sink.sessions.append((session.peer, bool(session.authenticated), session.ssl is not None))
        return answer


class ScriptedSink(SmtpSink):
    """The project's aiosmtpd sink, plus: STARTTLS or TLS with a given certificate, required
    AUTH, scripted answers to DATA per recipient, and the connection of every message."""

    def __init__(self, tls: tuple[str, str] | None = None, implicit_tls: bool = False, login: tuple[str, str] | None = None):
        super().__init__()
        self.tls, self.implicit_tls, self.login = tls, implicit_tls, login
        self.data_answers: dict[str, str] = {}
        self.sessions: list[tuple] = []

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == self.login
        return AuthResult(success=ok, handled=False)

    def start(self) -> "ScriptedSink":
        options = {}
        if self.tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*self.tls)
            options = {"ssl_context": context} if self.implicit_tls else {"tls_context": context, "require_starttls": True}
        if self.login:
            options.update(authenticator=self._authenticate, auth_require_tls=True, auth_required=True)
        self._controller = Controller(_ScriptedHandler(self), hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()
        return self

    def env(self) -> dict[str, str]:
        security = "none" if not self.tls else "tls" if self.implicit_tls else "starttls"
        return {**super().env(), "BUURT_SMTP_SECURITY": security}


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1, made by openssl for this test: (cert, key)."""
    cert, key = tmp_path / "smtp.crt", tmp_path / "smtp.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


@pytest.fixture
def make_sink():
    sinks: list[ScriptedSink] = []

    def make(**options) -> ScriptedSink:
        sink = ScriptedSink(**options).start()
        sinks.append(sink)
        return sink

    yield make
    for sink in sinks:
        sink.stop()
