"""Where e-mails go: an SMTP server, or .eml files in embedded mode."""

from __future__ import annotations

import contextlib
import functools
import smtplib
import ssl
from collections.abc import Iterator
from email.message import Message
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

from services.notifications.settings import SmtpSettings


class TransientSendError(Exception):
    """Try again later: 4xx answers, refused connections, timeouts.

    ``connection_lost`` tells whether the connection is gone (every message after this one
    must wait too) or only this message was turned away for now (greylisting, a full box)."""

    def __init__(self, message: str, connection_lost: bool = True):
        super().__init__(message)
        self.connection_lost = connection_lost


class PermanentSendError(Exception):
    """The server refused for good (5xx). ``recipient_refused``: the address itself was
    refused, so it goes on the suppression list."""

    def __init__(self, message: str, recipient_refused: bool = False):
        super().__init__(message)
        self.recipient_refused = recipient_refused


class Transport(Protocol):
    def session(self) -> contextlib.AbstractContextManager["Sender"]: ...


class Sender(Protocol):
    def send(self, message: Message) -> None: ...


class FileTransport:
    """Embedded mode: each message becomes an .eml file named after its Message-ID."""

    def __init__(self, directory: Path):
        self.directory = directory

    @contextlib.contextmanager
    def session(self) -> Iterator["FileTransport"]:
        self.directory.mkdir(parents=True, exist_ok=True)
        yield self

    def send(self, message: Message) -> None:
        name = message["Message-ID"].strip("<>").split("@")[0] + ".eml"
        target = self.directory / name
        partial = target.with_suffix(".part")
        partial.write_bytes(bytes(message))
        partial.replace(target)  # a reader never sees half a message


def tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    """Verify the server's certificate: against the system's CAs, or a CA file if configured."""
    return ssl.create_default_context(cafile=settings.ca_file) if settings.ca_file else ssl.create_default_context()


class SmtpTransport:
    """One connection for many messages, with STARTTLS or TLS and login as configured."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    @contextlib.contextmanager
    def session(self) -> Iterator["_SmtpSender"]:
        client = self._connect()
        try:
            yield _SmtpSender(client)
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                client.quit()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        client: smtplib.SMTP | None = None
        try:
            if s.security == "tls":
                client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=tls_context(s))
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    client.starttls(context=tls_context(s))
            if s.username:
                client.login(s.username, s.password or "")
            return client
        except (OSError, smtplib.SMTPException) as exc:
            if client is not None:
                with contextlib.suppress(OSError, smtplib.SMTPException):
                    client.close()
            # Even a 5xx here (bad password, no STARTTLS) is about the connection, not about
            # any message: the messages wait until the configuration or server is fixed.
            raise TransientSendError(f"cannot use the mail server: {exc!r}") from exc


@functools.lru_cache(maxsize=16)
def _envelope_address(header: str) -> str:
    return parseaddr(header)[1]


@functools.lru_cache(maxsize=4)
def _smtp_policy(policy):
    return policy.clone(linesep="\r\n")  # SMTP wants CRLF line ends


class _SmtpSender:
    def __init__(self, client: smtplib.SMTP):
        self.client = client

    def send(self, message: Message) -> None:
        # sendmail with the envelope and the flattened bytes, rather than send_message, which
        # copies the message and parses its address headers again for every e-mail.
        raw = message.as_bytes(policy=_smtp_policy(message.policy))
        try:
            refused = self.client.sendmail(_envelope_address(message["From"]), [message["To"]], raw)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and min(codes) >= 500:
                raise PermanentSendError(_describe(exc.recipients), recipient_refused=True) from exc
            raise TransientSendError(_describe(exc.recipients), connection_lost=False) from exc
        except smtplib.SMTPServerDisconnected as exc:
            raise TransientSendError(repr(exc)) from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500:
                raise PermanentSendError(f"{exc.smtp_code} {_text(exc.smtp_error)}") from exc
            # smtplib resets the transaction after a refused MAIL or DATA: the connection lives on.
            raise TransientSendError(f"{exc.smtp_code} {_text(exc.smtp_error)}", connection_lost=exc.smtp_code == 421) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientSendError(repr(exc)) from exc
        if refused:
            raise PermanentSendError(_describe(refused), recipient_refused=True)


def _text(error: bytes | str) -> str:
    return error.decode(errors="replace") if isinstance(error, bytes) else str(error)


def _describe(recipients: dict) -> str:
    return "; ".join(f"{address}: {code} {_text(reason)}" for address, (code, reason) in recipients.items())
