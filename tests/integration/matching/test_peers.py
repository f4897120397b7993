"""Peer suggestions: up to three consenting members whose expertise fits a learning question,
ranked by themes, words, proximity and roles, capped per month, each with its reasons."""

from __future__ import annotations

from shared.contracts.registry import validate_outgoing
from shared.contracts.samples import sample
from tests.integration.matching.support import AUTH, confirmed, new_id

QUESTION = "Hoe betrek je jongeren bij plannen voor een hangplek op het plein?"
YOUTH_WORK = "Als jongerenwerker laat ik jongeren zelf hun hangplek op het plein ontwerpen."
YOUTH_VOLUNTEER = "Ik begeleid als vrijwilliger een groep jongeren bij sport in de wijk."
ENERGY = "Ik help buren met hun energierekening en isolatie van hun huis."
UNRELATED_QUESTION = "Hoe vinden we een goede locatie voor de wekelijkse markt?"
AMSTERDAM, AMSTELVEEN, GRONINGEN = ("GM0363", "PV27"), ("GM0362", "PV27"), ("GM0014", "PV20")


def offer(harness, text: str, *, role: str, place, themes=("jeugd-jongeren",), peers: bool = True) -> str:
    member = new_id()
    harness.deliver(
        "intake.submission.confirmed.v1",
        confirmed(
            member,
            questions=(UNRELATED_QUESTION,),
            expertise=text,
            expertise_themes=themes,
            role=role,
            municipality=place,
            peers=peers,
        ),
    )
    return member


def suggestions_for(harness, asker: str) -> list[dict]:
    return [s for s in harness.outbox("matching.peers.suggested.v1") if s["asking_member_id"] == asker]


def test_best_three_consenting_peers_with_reasons(harness):
    nearby_professional = offer(harness, YOUTH_WORK, role="wijkprofessional", place=AMSTERDAM)
    nearby_resident = offer(harness, YOUTH_VOLUNTEER, role="bewoner", place=AMSTERDAM)
    province_professional = offer(harness, YOUTH_WORK, role="wijkprofessional", place=AMSTELVEEN)
    far_professional = offer(harness, YOUTH_VOLUNTEER, role="wijkprofessional", place=GRONINGEN)
    no_consent = offer(harness, YOUTH_WORK, role="wijkprofessional", place=AMSTERDAM, peers=False)
    other_theme = offer(harness, ENERGY, role="wijkprofessional", place=AMSTERDAM, themes=("duurzaamheid-klimaat",))

    asker = new_id()
    data = confirmed(asker, questions=(QUESTION,), expertise=YOUTH_WORK, expertise_themes=("jeugd-jongeren",), role="bewoner")
    harness.deliver("intake.submission.confirmed.v1", data)

    found = suggestions_for(harness, asker)
    offered = [s["offering_member_id"] for s in found]
    assert len(found) == 3
    assert offered[0] == nearby_professional  # same themes, same words, same town, complementary role
    assert set(offered) == {nearby_professional, nearby_resident, province_professional}
    assert not {asker, no_consent, other_theme, far_professional} & set(offered)
    assert [s["score"] for s in found] == sorted((s["score"] for s in found), reverse=True)
    best = found[0]
    assert best["question_id"] == data["learning_questions"][0]["text_id"]
    assert best["question_text"] == QUESTION and best["expertise_text"] == YOUTH_WORK
    assert best["themes"] == ["jeugd-jongeren"]
    assert any("zelfde gemeente" in r for r in best["reasons"])
    assert any("professional" in r for r in best["reasons"])
    assert any("jongeren" in r or "hangplek" in r for r in best["reasons"] if r.startswith("vergelijkbare woorden"))
    assert set(best) == set(sample("matching.peers.suggested.v1"))
    validate_outgoing("matching.peers.suggested.v1", best)

    listed = harness.client.get(
        "/api/v1/curator/suggestions", query_string={"submission_id": data["submission_id"]}, headers=AUTH
    ).get_json()["suggestions"]
    assert [s["offering_member_id"] for s in listed] == offered
    assert all(s["reasons"] for s in listed)


def test_nobody_is_suggested_more_often_than_the_monthly_limit(make_harness):
    harness = make_harness({"BUURT_MATCHING_PEER_MONTHLY_LIMIT": "1"})
    popular = offer(harness, YOUTH_WORK, role="wijkprofessional", place=AMSTERDAM)
    first, second = new_id(), new_id()
    harness.deliver("intake.submission.confirmed.v1", confirmed(first, questions=(QUESTION,)))
    harness.deliver("intake.submission.confirmed.v1", confirmed(second, questions=(QUESTION,)))
    assert [s["offering_member_id"] for s in suggestions_for(harness, first)] == [popular]
    assert suggestions_for(harness, second) == []

    spare = offer(harness, YOUTH_VOLUNTEER, role="wijkprofessional", place=AMSTERDAM)
    third = new_id()
    harness.deliver("intake.submission.confirmed.v1", confirmed(third, questions=(QUESTION,)))
    assert [s["offering_member_id"] for s in suggestions_for(harness, third)] == [spare]


def test_an_asker_without_consent_gets_no_suggestions(harness):
    offer(harness, YOUTH_WORK, role="wijkprofessional", place=AMSTERDAM)
    asker = new_id()
    harness.deliver("intake.submission.confirmed.v1", confirmed(asker, questions=(QUESTION,), peers=False))
    assert suggestions_for(harness, asker) == []
