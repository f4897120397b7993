"""The SSRF guard's decisions, without the network (names are mapped by a resolver we pass in)."""

from __future__ import annotations

import ipaddress

import pytest

from services.agenda.partners.settings import parse_networks
from services.agenda.partners.ssrf import AddressGuard, AddressRefused, UrlRefused, check_url, refusal_reason


@pytest.mark.parametrize(
    "address, reason",
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.20.30.40", "private"),
        ("172.16.5.4", "private"),
        ("172.31.255.255", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local / cloud metadata"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.100.100.200", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.0.192", "IETF protocol assignments"),
        ("198.18.0.1", "benchmarking"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fd00:ec2::254", "unique local / cloud metadata"),
        ("fc00::5", "unique local / cloud metadata"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("::ffff:127.0.0.1", "loopback (inside IPv6 ::ffff:7f00:1)"),
        ("::ffff:169.254.169.254", "link-local / cloud metadata (inside IPv6 ::ffff:a9fe:a9fe)"),
        ("::ffff:10.0.0.1", "private (inside IPv6 ::ffff:a00:1)"),
        ("64:ff9b::a9fe:a9fe", "link-local / cloud metadata (inside IPv6 64:ff9b::a9fe:a9fe)"),
    ],
)
def test_internal_addresses_are_refused_with_a_reason(address, reason):
    assert refusal_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["8.8.8.8", "145.97.39.155", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert refusal_reason(ipaddress.ip_address(address)) is None


def _mapped(table: dict[str, list[str]]):
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        if host not in table:
            raise OSError(f"{host}: name not known")
        return table[host]

    resolve.calls = calls
    return resolve


def test_a_name_that_resolves_to_loopback_is_refused_without_the_allow_list():
    guard = AddressGuard(resolver=_mapped({"hooks.partner.example": ["127.0.0.1"]}))
    with pytest.raises(AddressRefused, match="hooks.partner.example \\(127.0.0.1\\).*loopback"):
        guard.resolve("hooks.partner.example", 443)
    allowed = AddressGuard(parse_networks("127.0.0.0/8"), resolver=_mapped({"hooks.partner.example": ["127.0.0.1"]}))
    assert allowed.resolve("hooks.partner.example", 443) == [ipaddress.ip_address("127.0.0.1")]


def test_one_internal_address_among_public_ones_refuses_the_name():
    guard = AddressGuard(resolver=_mapped({"mixed.example": ["93.184.216.34", "10.0.0.8"]}))
    with pytest.raises(AddressRefused, match="private"):
        guard.resolve("mixed.example", 443)


def test_ipv6_answers_and_scoped_addresses_are_checked_too():
    guard = AddressGuard(resolver=_mapped({"v6.example": ["2606:4700::1", "fe80::1%eth0"]}))
    with pytest.raises(AddressRefused, match="link-local"):
        guard.resolve("v6.example", 443)
    guard = AddressGuard(resolver=_mapped({"mapped.example": ["::ffff:127.0.0.1"]}))
    with pytest.raises(AddressRefused, match="loopback"):
        guard.resolve("mapped.example", 443)


def test_literal_addresses_are_checked_without_resolving():
    resolver = _mapped({})
    guard = AddressGuard(resolver=resolver)
    for host in ("127.0.0.1", "[::1]", "::ffff:127.0.0.1", "169.254.169.254"):
        with pytest.raises(AddressRefused):
            guard.resolve(host, 80)
    assert resolver.calls == []
    assert guard.resolve("8.8.8.8", 443) == [ipaddress.ip_address("8.8.8.8")]


def test_an_unknown_name_is_refused_not_crashed():
    with pytest.raises(AddressRefused, match="cannot be resolved"):
        AddressGuard(resolver=_mapped({})).resolve("nowhere.invalid", 443)


def test_the_allow_list_covers_the_ipv4_inside_a_mapped_address():
    guard = AddressGuard(parse_networks("127.0.0.0/8"))
    assert guard.resolve("::ffff:127.0.0.1", 80)
    with pytest.raises(AddressRefused):
        guard.resolve("::1", 80)  # IPv6 loopback is not in an IPv4 allow-list


@pytest.mark.parametrize(
    "url, allow_http, message",
    [
        ("http://partner.example/hook", False, "https://"),
        ("ftp://partner.example/hook", True, "http or https"),
        ("https:///hook", False, "no host"),
        ("https://user:secret@partner.example/", False, "user name or password"),
        ("https://partner.example/#x", False, "fragment"),
        ("https://10.1.1.1/hook", False, "private"),
        ("https://[::1]/hook", False, "loopback"),
        ("https://[::ffff:169.254.169.254]/", False, "cloud metadata"),
        ("https://partner.example:99999/", False, "Not a valid URL"),
    ],
)
def test_registration_refuses_bad_urls(url, allow_http, message):
    with pytest.raises(UrlRefused, match=message.replace("(", "\\(")):
        check_url(url, AddressGuard(), allow_http)


def test_registration_accepts_https_names_without_resolving_them():
    resolver = _mapped({})
    assert check_url("https://hooks.partner.example/buurt", AddressGuard(resolver=resolver), allow_http=False)
    assert resolver.calls == []  # names are checked at every connection instead
