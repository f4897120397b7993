"""Where e-mails go: an SMTP server, or .eml files in embedded mode."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from services.notifications.settings import SmtpSettings


class TransientSendError(Exception):
    """Try again later: 4xx answers, refused connections, timeouts."""


class PermanentSendError(Exception):
    """The server refused this recipient or message for good (5xx)."""


class Transport(Protocol):
    def session(self) -> contextlib.AbstractContextManager["Sender"]: ...


class Sender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class FileTransport:
    """Embedded mode: each message becomes an .eml file named after its Message-ID."""

    def __init__(self, directory: Path):
        self.directory = directory

    @contextlib.contextmanager
    def session(self) -> Iterator["FileTransport"]:
        self.directory.mkdir(parents=True, exist_ok=True)
        yield self

    def send(self, message: EmailMessage) -> None:
        name = message["Message-ID"].strip("<>").split("@")[0] + ".eml"
        target = self.directory / name
        partial = target.with_suffix(".part")
        partial.write_bytes(bytes(message))
        partial.replace(target)  # a reader never sees half a message


class SmtpTransport:
    """One connection per batch of messages, with STARTTLS or TLS and login as configured."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    @contextlib.contextmanager
    def session(self) -> Iterator["_SmtpSender"]:
        s = self.settings
        try:
            if s.security == "tls":
                client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
            if s.username:
                client.login(s.username, s.password or "")
        except smtplib.SMTPResponseException as exc:
            raise (PermanentSendError if exc.smtp_code >= 500 else TransientSendError)(str(exc)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientSendError(f"cannot reach the mail server: {exc!r}") from exc
        try:
            yield _SmtpSender(client)
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                client.quit()


class _SmtpSender:
    def __init__(self, client: smtplib.SMTP):
        self.client = client

    def send(self, message: EmailMessage) -> None:
        try:
            refused = self.client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            error = PermanentSendError if codes and min(codes) >= 500 else TransientSendError
            raise error(str(exc.recipients)) from exc
        except smtplib.SMTPResponseException as exc:
            raise (PermanentSendError if exc.smtp_code >= 500 else TransientSendError)(str(exc)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientSendError(repr(exc)) from exc
        if refused:
            raise PermanentSendError(str(refused))
