"""The SSRF guard in the connection path: real sockets, real receivers, names mapped by our resolver."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import uuid

import pytest
import requests
from sqlalchemy import select

from services.agenda.partners.models import DeliveryAttempt, Partner, Subscription
from services.agenda.partners.settings import parse_networks
from services.agenda.partners.signing import new_secret
from services.agenda.partners.ssrf import AddressGuard, AddressRefused
from services.agenda.partners.transport import WebhookSender, guarded_session
from shared.contracts.envelope import utcnow
from tests.integration.agenda_partners.receiver import WebhookReceiver

NAME = "hooks.partner.example"


class RecordingGuard(AddressGuard):
    """Remembers every address it was asked about, so a test can show what was never contacted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked: list[str] = []

    def check(self, address, host):
        self.checked.append(str(address))
        super().check(address, host)


def _maps(table: dict[str, list[str]]):
    return lambda host, port: table[host]


def _sender(guard: AddressGuard) -> WebhookSender:
    return WebhookSender(guard, 3.0, ("https", "http"))


def _raw_subscription(agenda, url: str) -> str:
    """A subscription written straight to the table, as if registered before the rules changed."""
    now = utcnow()
    with agenda.uow() as uow:
        partner = Partner(id=str(uuid.uuid4()), name="P", token_hash=uuid.uuid4().hex, active=True, created_at=now)
        subscription = Subscription(
            id=str(uuid.uuid4()), partner_id=partner.id, url=url, event_types=["agenda.agenda.published.v1"],
            themes=[], secret=new_secret(), status="active", created_at=now, updated_at=now,
        )
        uow.session.add_all([partner, subscription])
        uow.commit()
        return subscription.id


def _attempt_errors(agenda) -> list[str]:
    with agenda.uow() as uow:
        return [a.error or "" for a in uow.session.scalars(select(DeliveryAttempt).order_by(DeliveryAttempt.id))]


def test_loopback_by_name_is_refused_at_connection_time_without_the_allow_list(agenda, receiver):
    _, auth = agenda.register_partner()
    agenda.subscribe(auth, receiver.url(host="localhost"))  # registration does not resolve names
    agenda.publish()
    deliverer = agenda.deliverer(allowed_networks=())
    deliverer.sender = _sender(AddressGuard())

    deliverer.deliver_due()

    assert receiver.requests == []
    (error,) = _attempt_errors(agenda)
    assert error.startswith("refused:") and "loopback" in error


def test_a_name_that_turns_into_loopback_after_registration_is_refused(agenda, receiver):
    """DNS rebinding: what counts is the address at the moment of connecting."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]])
    guard = RecordingGuard(resolver=lambda host, port: next(answers))
    assert guard.resolve(NAME, 80)  # what a check at registration would have seen
    _raw_subscription(agenda, receiver.url(host=NAME))
    agenda.publish()
    deliverer = agenda.deliverer()
    deliverer.sender = _sender(guard)

    deliverer.deliver_due()

    assert receiver.requests == []
    assert "127.0.0.1" in guard.checked
    assert "loopback" in _attempt_errors(agenda)[0]


def test_with_the_allow_list_the_mapped_name_is_delivered_with_its_own_host_header(agenda, receiver):
    _, auth = agenda.register_partner()
    receiver.secrets = [agenda.subscribe(auth, receiver.url(host=NAME))["secret"]]
    agenda.publish()
    deliverer = agenda.deliverer()
    deliverer.sender = _sender(AddressGuard(parse_networks("127.0.0.0/8"), resolver=_maps({NAME: ["127.0.0.1"]})))

    deliverer.deliver_due()

    assert [r.verdict for r in receiver.requests] == ["processed"]
    assert receiver.requests[0].host == f"{NAME}:{receiver.port}"


def test_a_redirect_to_the_metadata_address_is_not_followed(agenda, receiver):
    _, auth = agenda.register_partner()
    agenda.subscribe(auth, receiver.url())
    receiver.script = [(302, {"Location": "http://169.254.169.254/latest/meta-data/iam/"})]
    agenda.publish()
    guard = RecordingGuard(parse_networks("127.0.0.0/8"))
    deliverer = agenda.deliverer()
    deliverer.sender = _sender(guard)

    deliverer.deliver_due()

    assert len(receiver.requests) == 1
    assert "169.254.169.254" not in guard.checked
    (error,) = _attempt_errors(agenda)
    assert error.startswith("redirect not followed (to http://169.254.169.254/")

    # Even a client told to follow redirects could not get there through the guarded session.
    receiver.script = [(307, {"Location": "http://169.254.169.254/latest/meta-data/"})]
    session = guarded_session(guard)
    session.max_redirects = 5
    with pytest.raises(AddressRefused, match="169.254.169.254.*cloud metadata"):
        session.post(receiver.url(), data=b"{}", allow_redirects=True, timeout=3)


def test_ipv6_loopback_is_refused_unless_allow_listed(agenda):
    receiver = WebhookReceiver(host="::1").start()
    try:
        _, auth = agenda.register_partner()
        receiver.secrets = [agenda.subscribe(auth, receiver.url())["secret"]]
        agenda.publish()
        refusing = agenda.deliverer()
        refusing.sender = _sender(AddressGuard(parse_networks("127.0.0.0/8")))
        refusing.deliver_due()
        assert receiver.requests == []
        assert "loopback" in _attempt_errors(agenda)[0]

        response = _sender(AddressGuard(parse_networks("::1/128"))).send(receiver.url(), "{}", {})
        assert response.status_code == 400  # reachable once allowed (and unsigned, so the receiver refuses it)
    finally:
        receiver.stop()


def test_ipv4_mapped_ipv6_loopback_is_refused(receiver):
    guard = RecordingGuard()
    result = _sender(guard).send(f"http://[::ffff:127.0.0.1]:{receiver.port}/hook", "{}", {})
    assert result.status_code is None and "loopback (inside IPv6" in result.error
    assert receiver.requests == []


@pytest.mark.parametrize("address", ["10.255.255.1", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.169.254"])
def test_private_ranges_are_refused_before_any_connection(agenda, address):
    _raw_subscription(agenda, f"http://{address}:9/hook")
    agenda.publish()
    deliverer = agenda.deliverer()
    deliverer.sender = _sender(RecordingGuard(parse_networks("127.0.0.0/8")))
    report = deliverer.deliver_due()
    assert report.retrying == 1
    (error,) = _attempt_errors(agenda)
    assert error.startswith("refused:") and address in error


def test_production_sends_only_to_https(agenda, receiver):
    result = WebhookSender(AddressGuard(parse_networks("127.0.0.0/8")), 3.0, ("https",)).send(receiver.url(), "{}", {})
    assert result.status_code is None and "only https" in result.error
    assert receiver.requests == []


# -- TLS: the socket goes to the checked address, SNI and certificate checks use the name ---------


def _certificate(tmp_path, name: str):
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make a test certificate")
    key, cert = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


def _tls_receiver(cert, key) -> tuple[WebhookReceiver, list[str]]:
    receiver = WebhookReceiver()
    names: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, server_name, ctx: names.append(server_name)
    receiver.server.socket = context.wrap_socket(receiver.server.socket, server_side=True)
    return receiver.start(), names


def test_tls_is_verified_for_the_name_while_connecting_to_the_checked_address(tmp_path):
    cert, key = _certificate(tmp_path, NAME)
    receiver, sni = _tls_receiver(cert, key)
    try:
        guard = AddressGuard(parse_networks("127.0.0.0/8"), resolver=_maps({NAME: ["127.0.0.1"], "other.example": ["127.0.0.1"]}))
        sender = _sender(guard)
        sender.session.verify = str(cert)
        ok = sender.send(f"https://{NAME}:{receiver.port}/hook", "{}", {})
        assert ok.status_code == 400 and sni == [NAME]  # reached (unsigned body refused by the receiver)
        wrong = sender.send(f"https://other.example:{receiver.port}/hook", "{}", {})
        assert wrong.status_code is None and "certificate" in wrong.error.lower()
        assert len(receiver.requests) == 1
    finally:
        receiver.stop()


def test_requests_itself_would_have_reached_loopback(receiver):
    """The control: without the guard the same URL works, so the refusals above are the guard's."""
    assert requests.post(receiver.url(host="localhost"), data=b"{}", timeout=3).status_code == 400
    assert requests.post(f"http://[::ffff:127.0.0.1]:{receiver.port}/hook", data=b"{}", timeout=3).status_code == 400


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "127.1", "017700000001", "localhost."])
def test_odd_spellings_of_loopback_are_resolved_and_refused(receiver, host):
    """Names the URL parser does not see as addresses still resolve to one, and that is checked."""
    result = _sender(AddressGuard()).send(f"http://{host}:{receiver.port}/hook", "{}", {})
    assert result.status_code is None and "loopback" in result.error, result
    assert receiver.requests == []
