"""HTTP for webhooks: requests over urllib3 connections that pass the SSRF guard.

The guarded connection resolves the host itself (``AddressGuard.resolve``), refuses if any
address is not allowed, and opens the socket to a checked address. Everything above the
socket still uses the name: the Host header, TLS SNI and certificate verification. No
proxies from the environment (they would connect for us, unchecked) and no redirects.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import _set_socket_options
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from services.agenda.partners.ssrf import AddressGuard, AddressRefused
from shared.contracts.envelope import utcnow

MAX_RESPONSE_BYTES = 4096  # what we read of an answer: enough for an error message, no more


class _GuardedConnectionMixin:
    guard: AddressGuard  # set on the subclasses made by guarded_pool_classes()

    def _new_conn(self) -> socket.socket:
        addresses = self.guard.resolve(self._dns_host, self.port)  # raises AddressRefused
        last_error: OSError | None = None
        for address in addresses:
            family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                _set_socket_options(sock, self.socket_options)
                if self.timeout is not _DEFAULT_TIMEOUT:
                    sock.settimeout(self.timeout)
                sock.connect((str(address), self.port))
                return sock
            except socket.timeout as exc:
                sock.close()
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out") from exc
            except OSError as exc:
                sock.close()
                last_error = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}")


def guarded_pool_classes(guard: AddressGuard) -> dict[str, type]:
    connection_http = type("GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection), {"guard": guard})
    connection_https = type("GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection), {"guard": guard})
    pool_http = type("GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": connection_http})
    pool_https = type("GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": connection_https})
    return {"http": pool_http, "https": pool_https}


class GuardedAdapter(HTTPAdapter):
    def __init__(self, guard: AddressGuard, **kwargs):
        self._pool_classes = guarded_pool_classes(guard)
        super().__init__(max_retries=0, **kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes


def guarded_session(guard: AddressGuard) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no HTTP(S)_PROXY, no .netrc: the guard must make every connection
    adapter = GuardedAdapter(guard)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    error: str | None
    duration_ms: int
    retry_after_seconds: float | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, (moment - utcnow()).total_seconds())


class WebhookSender:
    """POSTs one signed body; never raises for what the endpoint does."""

    def __init__(self, guard: AddressGuard, timeout_seconds: float, allowed_schemes: tuple[str, ...]):
        self.session = guarded_session(guard)
        self.timeout = timeout_seconds
        self.allowed_schemes = allowed_schemes

    def send(self, url: str, body: str, headers: dict[str, str]) -> SendResult:
        started = time.monotonic()

        def result(status: int | None, error: str | None, retry_after: float | None = None) -> SendResult:
            return SendResult(status, error, int((time.monotonic() - started) * 1000), retry_after)

        if url.split(":", 1)[0].lower() not in self.allowed_schemes:
            return result(None, f"refused: only {' or '.join(self.allowed_schemes)} endpoints are allowed")
        try:
            with self.session.post(
                url, data=body.encode(), headers=headers, timeout=self.timeout, allow_redirects=False, stream=True
            ) as response:
                snippet = response.raw.read(MAX_RESPONSE_BYTES, decode_content=True) or b""
                status = response.status_code
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                location = response.headers.get("Location")
        except AddressRefused as exc:
            return result(None, f"refused: {exc}")
        except requests.RequestException as exc:
            return result(None, _describe(exc))
        if 200 <= status < 300:
            return result(status, None)
        if 300 <= status < 400:
            return result(status, f"redirect not followed (to {location[:300] if location else 'nowhere'})", retry_after)
        text = snippet.decode("utf-8", "replace").strip()
        return result(status, f"HTTP {status}" + (f": {text[:300]}" if text else ""), retry_after)


def _describe(exc: requests.RequestException) -> str:
    cause: BaseException = exc
    for _ in range(10):  # the guard's refusal may sit a few wrappers deep
        nested = cause.__cause__ or cause.__context__
        if nested is None:
            break
        if isinstance(nested, AddressRefused):
            return f"refused: {nested}"
        cause = nested
    kind = "timeout" if isinstance(exc, requests.Timeout) else "connection failed" if isinstance(exc, requests.ConnectionError) else "request failed"
    return f"{kind}: {str(exc)[:300]}"
