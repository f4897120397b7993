"""The SSRF guard: partner URLs may only reach public addresses.

Checked twice: when a partner registers a URL (scheme, host, literal addresses) and, what
really counts, every time a connection is made (see ``transport.py``): the host name is
resolved here, every address it resolves to is checked, and the connection goes to a
checked address. A name that resolved to a public address at registration and to
169.254.169.254 later (DNS rebinding) is refused at the moment it matters.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from services.agenda.partners.settings import Network

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Named so that a refusal tells the partner why. Anything else that is not globally routable
# (Python's ``is_global``) is refused too, as "not a public address".
BLOCKED_NETWORKS: tuple[tuple[str, Network], ...] = tuple(
    (reason, ipaddress.ip_network(cidr))
    for reason, cidr in (
        ("unspecified", "0.0.0.0/8"),
        ("private", "10.0.0.0/8"),
        ("carrier-grade NAT", "100.64.0.0/10"),  # also Alibaba's metadata service 100.100.100.200
        ("loopback", "127.0.0.0/8"),
        ("link-local / cloud metadata", "169.254.0.0/16"),  # 169.254.169.254
        ("private", "172.16.0.0/12"),
        ("IETF protocol assignments", "192.0.0.0/24"),
        ("documentation", "192.0.2.0/24"),
        ("private", "192.168.0.0/16"),
        ("benchmarking", "198.18.0.0/15"),
        ("documentation", "198.51.100.0/24"),
        ("documentation", "203.0.113.0/24"),
        ("multicast", "224.0.0.0/4"),
        ("reserved", "240.0.0.0/4"),
        ("unspecified", "::/128"),
        ("loopback", "::1/128"),
        ("NAT64 local use", "64:ff9b:1::/48"),
        ("discard", "100::/64"),
        ("IETF special purpose (Teredo and others)", "2001::/23"),
        ("documentation", "2001:db8::/32"),
        ("6to4 relay", "2002::/16"),
        ("unique local / cloud metadata", "fc00::/7"),  # AWS's fd00:ec2::254
        ("link-local", "fe80::/10"),
        ("site-local", "fec0::/10"),
        ("multicast", "ff00::/8"),
    )
)

NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(Exception):
    """The URL would reach an address partners may not reach."""


class UrlRefused(ValueError):
    """The URL itself is not acceptable (scheme, form, literal address)."""


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in an IPv4-mapped (::ffff:a.b.c.d) or NAT64 IPv6 address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal_reason(address: Address) -> str | None:
    """Why an address may not be reached, or None when it is a public address."""
    inner = embedded_ipv4(address)
    if inner is not None:
        reason = refusal_reason(inner)
        return f"{reason} (inside IPv6 {address})" if reason else None
    for reason, network in BLOCKED_NETWORKS:
        if address.version == network.version and address in network:
            return reason
    if not address.is_global or address.is_multicast:
        return "not a public address"
    return None


def _default_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


@dataclass
class AddressGuard:
    """Resolves a host and returns only addresses that may be reached.

    ``resolver(host, port) -> [address strings]`` is a parameter so tests can map a name to
    an address without touching real DNS.
    """

    allowed_networks: tuple[Network, ...] = ()
    resolver: Callable[[str, int], list[str]] = field(default=_default_resolver)

    def is_allowed(self, address: Address) -> bool:
        candidates = [address]
        inner = embedded_ipv4(address)
        if inner is not None:
            candidates.append(inner)
        return any(c in net for c in candidates for net in self.allowed_networks if c.version == net.version)

    def check(self, address: Address, host: str) -> None:
        if self.is_allowed(address):
            return
        reason = refusal_reason(address)
        if reason:
            shown = host if host == str(address) else f"{host} ({address})"
            raise AddressRefused(f"{shown} is not allowed as a webhook address: {reason}")

    def resolve(self, host: str, port: int) -> list[Address]:
        """Every address of host, each checked; refuses the lot if any one is refused."""
        host = host.strip("[]")
        literal = _literal(host)
        if literal is not None:
            self.check(literal, host)
            return [literal]
        try:
            found = self.resolver(host.rstrip("."), port)
        except OSError as exc:
            raise AddressRefused(f"{host} cannot be resolved: {exc}") from exc
        addresses = _unique(ipaddress.ip_address(a.split("%", 1)[0]) for a in found)
        if not addresses:
            raise AddressRefused(f"{host} has no addresses")
        for address in addresses:
            # One bad address is enough: a name that points partly inside is not a partner's.
            self.check(address, host)
        return addresses


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _unique(addresses: Iterable[Address]) -> list[Address]:
    seen: list[Address] = []
    for address in addresses:
        if address not in seen:
            seen.append(address)
    return seen


def check_url(url: str, guard: AddressGuard, allow_http: bool) -> str:
    """What a partner may register: https (or http where allowed), a host, no credentials.

    Names are not resolved here: that happens, and counts, at every connection.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlRefused(f"Not a valid URL: {exc}") from exc
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        raise UrlRefused("The URL must start with https://" if not allow_http else "The URL must use http or https")
    if not parts.hostname:
        raise UrlRefused("The URL has no host")
    if parts.username or parts.password:
        raise UrlRefused("The URL may not contain a user name or password")
    if parts.fragment:
        raise UrlRefused("The URL may not contain a #fragment")
    literal = _literal(parts.hostname)
    if literal is not None:
        try:
            guard.check(literal, parts.hostname)
        except AddressRefused as exc:
            raise UrlRefused(str(exc)) from exc
    if port == 0:
        raise UrlRefused("The URL has no valid port")
    return url
