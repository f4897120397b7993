"""Each process keeps the peer index in memory; it catches up with offers other processes
added, changed or erased, through peer_index_changes."""

from __future__ import annotations

from services.matching.peer_index import PeerIndex
from tests.integration.matching.support import AUTH, confirmed, erased, new_id

YOUTH = "Als jongerenwerker laat ik jongeren zelf hun hangplek ontwerpen."


def offering(member: str, **extra) -> dict:
    return confirmed(member, expertise=YOUTH, expertise_themes=("jeugd-jongeren",), role="wijkprofessional", **extra)


def members_in(index: PeerIndex, harness) -> set[str]:
    with harness.uow() as uow:
        index.sync(uow)
    offers, columns = index.snapshot()
    return {o.member_id for o, alive in zip(offers, columns["alive"]) if o is not None and alive}


def test_another_process_sees_new_changed_and_erased_offers(harness):
    first, second = new_id(), new_id()
    harness.deliver("intake.submission.confirmed.v1", offering(first))
    elsewhere = PeerIndex()  # the index of another worker or web process
    assert members_in(elsewhere, harness) == {first}

    harness.deliver("intake.submission.confirmed.v1", offering(second))
    assert members_in(elsewhere, harness) == {first, second}

    # withdrawing consent in a new submission takes the member's offers out
    harness.deliver("intake.submission.confirmed.v1", offering(first, peers=False))
    assert members_in(elsewhere, harness) == {second}

    harness.deliver("intake.member.erased.v1", erased(second))
    assert members_in(elsewhere, harness) == set()


def test_a_correction_made_over_http_reaches_the_workers_index(harness):
    member = new_id()
    data = confirmed(member, expertise="Ik weet veel van subsidies.", role="wijkprofessional")
    harness.deliver("intake.submission.confirmed.v1", data)
    worker_index = harness.handlers["intake.submission.confirmed.v1"].keywords["index"]
    with harness.uow() as uow:
        worker_index.sync(uow)
    before = {o.text_id: o.themes for o in worker_index.snapshot()[0] if o is not None}
    harness.client.put(
        f"/api/v1/curator/labels/{data['expertise']['text_id']}", json={"labels": ["groen-natuur"]}, headers=AUTH
    )
    with harness.uow() as uow:
        worker_index.sync(uow)
    after = {o.text_id: o.themes for o in worker_index.snapshot()[0] if o is not None}
    assert after[data["expertise"]["text_id"]] == frozenset({"groen-natuur"})
    assert before.get(data["expertise"]["text_id"]) != after[data["expertise"]["text_id"]]


def test_a_process_that_missed_purged_changes_reloads(harness, monkeypatch):
    from services.matching import peer_index

    first = new_id()
    harness.deliver("intake.submission.confirmed.v1", offering(first))
    elsewhere = PeerIndex()
    assert members_in(elsewhere, harness) == {first}
    later = [new_id() for _ in range(3)]
    for member in later:
        harness.deliver("intake.submission.confirmed.v1", offering(member))
    monkeypatch.setattr(peer_index, "KEEP_CHANGES", 1)  # the purge leaves only the very latest change
    with harness.uow() as uow:
        peer_index.purge(uow, "2026-11")
    assert members_in(elsewhere, harness) == {first, *later}
