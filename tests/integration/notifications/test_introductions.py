"""Peer introductions by mutual opt-in: nothing about the other side before two yeses."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from services.notifications.models import Introduction
from shared.contracts.envelope import utcnow
from tests.integration.notifications.support import html_of, links_in, new_id, suggested, text_of

QUESTION = "Hoe betrek je jongeren bij plannen voor hun plein?"
EXPERTISE = "Ik laat jongeren zelf hun hangplek ontwerpen."


def _pair(harness, **consents):
    ann, bob = new_id(), new_id()
    harness.join(ann, "ann@example.org", "Ann Asker", **consents)
    harness.join(bob, "bob@example.org", "Bob Offerer", **consents)
    return ann, bob


def _request(smtp_sink, address):
    requests = [m for m in smtp_sink.to(address) if m["Subject"].startswith("Wilt u kennismaken")]
    assert len(requests) == 1
    return requests[0]


def _answer_link(message, answer):
    return next(link for link in links_in(text_of(message)) if link.endswith(f"?answer={answer}"))


def _answer(harness, message, answer):
    link = _answer_link(message, answer)
    page = harness.client.get(harness.path(link))  # the page asks; it does not decide
    assert page.status_code == 200 and 'name="answer"' in page.text
    return harness.client.post(harness.path(link.split("?")[0]), data={"answer": answer})


def _everything_sent_to(smtp_sink, address):
    return " ".join(text_of(m) + html_of(m) + str(m["Subject"]) for m in smtp_sink.to(address))


def _reveals(sent: str, name: str, address: str) -> bool:
    """Whether the other member's name or address shows (a first name alone can occur inside a
    random token of a link, so the whole name is looked for)."""
    return name in sent or address in sent


def test_contact_details_are_revealed_only_after_both_accept(harness, smtp_sink):
    ann, bob = _pair(harness)
    harness.deliver("matching.peers.suggested.v1", suggested(ann, bob, QUESTION, EXPERTISE))
    harness.send()
    to_ann, to_bob = _request(smtp_sink, "ann@example.org"), _request(smtp_sink, "bob@example.org")
    # Each side sees their own text, never the other's name, address or text.
    assert QUESTION in text_of(to_ann) and EXPERTISE not in text_of(to_ann)
    assert EXPERTISE in text_of(to_bob) and QUESTION not in text_of(to_bob)
    assert not _reveals(_everything_sent_to(smtp_sink, "ann@example.org"), "Bob Offerer", "bob@example.org")
    assert "bob@example.org" not in _everything_sent_to(smtp_sink, "ann@example.org")
    assert not _reveals(_everything_sent_to(smtp_sink, "bob@example.org"), "Ann Asker", "ann@example.org")

    first = _answer(harness, to_ann, "accept")
    assert first.status_code == 200 and "wachten nog" in first.text
    harness.send()
    assert not _reveals(_everything_sent_to(smtp_sink, "ann@example.org"), "Bob Offerer", "bob@example.org")

    second = _answer(harness, to_bob, "accept")
    assert second.status_code == 200 and "allebei ja gezegd" in second.text
    harness.send()
    reveal_to_ann = [m for m in smtp_sink.to("ann@example.org") if "allebei ja" in m["Subject"]]
    reveal_to_bob = [m for m in smtp_sink.to("bob@example.org") if "allebei ja" in m["Subject"]]
    assert len(reveal_to_ann) == 1 and len(reveal_to_bob) == 1
    assert "Bob Offerer" in text_of(reveal_to_ann[0]) and "bob@example.org" in text_of(reveal_to_ann[0])
    assert EXPERTISE in text_of(reveal_to_ann[0])
    assert "Ann Asker" in text_of(reveal_to_bob[0]) and "ann@example.org" in text_of(reveal_to_bob[0])
    assert QUESTION in text_of(reveal_to_bob[0])
    # The reveal is transactional: no unsubscribe header. Answering again changes nothing.
    assert reveal_to_ann[0]["List-Unsubscribe"] is None
    again = harness.client.post(harness.path(_answer_link(to_ann, "decline").split("?")[0]), data={"answer": "decline"})
    assert again.status_code == 200 and "allebei ja gezegd" in again.text
    harness.send()
    assert len([m for m in smtp_sink.messages if "allebei ja" in m["Subject"]]) == 2


def test_a_decline_reveals_nothing(harness, smtp_sink):
    ann, bob = _pair(harness)
    harness.deliver("matching.peers.suggested.v1", suggested(ann, bob, QUESTION, EXPERTISE))
    harness.send()
    to_ann, to_bob = _request(smtp_sink, "ann@example.org"), _request(smtp_sink, "bob@example.org")
    assert _answer(harness, to_ann, "accept").status_code == 200
    declined = _answer(harness, to_bob, "decline")
    assert declined.status_code == 200 and "sturen niets door" in declined.text
    harness.send()
    assert not _reveals(_everything_sent_to(smtp_sink, "ann@example.org"), "Bob Offerer", "bob@example.org")
    assert not _reveals(_everything_sent_to(smtp_sink, "bob@example.org"), "Ann Asker", "ann@example.org")
    assert not harness.emails(template="introduction_reveal")


def test_no_answer_before_the_links_expire_reveals_nothing(harness, smtp_sink):
    ann, bob = _pair(harness)
    data = suggested(ann, bob, QUESTION, EXPERTISE)
    harness.deliver("matching.peers.suggested.v1", data)
    harness.send()
    to_ann, to_bob = _request(smtp_sink, "ann@example.org"), _request(smtp_sink, "bob@example.org")
    assert _answer(harness, to_ann, "accept").status_code == 200
    with harness.uow() as uow:  # time passes: the suggestion's answering time is over
        uow.session.execute(update(Introduction).where(Introduction.id == data["suggestion_id"]).values(expires_at=utcnow() - timedelta(seconds=1)))
        uow.commit()
    late = harness.client.post(harness.path(_answer_link(to_bob, "accept").split("?")[0]), data={"answer": "accept"})
    assert late.status_code == 410
    harness.send()
    assert not harness.emails(template="introduction_reveal")


def test_tampered_answer_links_do_nothing(harness, smtp_sink):
    ann, bob = _pair(harness)
    harness.deliver("matching.peers.suggested.v1", suggested(ann, bob))
    harness.send()
    link = _answer_link(_request(smtp_sink, "ann@example.org"), "accept").split("?")[0]
    token = link.rsplit("/", 1)[1]
    forged = link.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    assert harness.client.post(harness.path(forged), data={"answer": "accept"}).status_code == 404
    assert harness.client.post(harness.path(link), data={"answer": "maybe"}).status_code == 400


def test_members_who_did_not_consent_are_not_asked(harness, smtp_sink):
    ann, bob = _pair(harness, peers=False)
    harness.deliver("matching.peers.suggested.v1", suggested(ann, bob))
    harness.send()
    assert not harness.emails(template="introduction_request")


def test_a_suggestion_before_the_confirmation_asks_once_confirmed(harness, smtp_sink):
    ann, bob = new_id(), new_id()
    harness.join(ann, "ann@example.org", "Ann Asker")
    harness.deliver("matching.peers.suggested.v1", suggested(ann, bob))
    assert len(harness.emails(template="introduction_request")) == 1  # only Ann is known
    harness.join(bob, "bob@example.org", "Bob Offerer")
    harness.send()
    assert QUESTION not in text_of(_request(smtp_sink, "bob@example.org"))
    assert len(harness.emails(template="introduction_request")) == 2
