"""The live agenda folds submissions in incrementally, with exact distinct counts, on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from services.agenda.models import ALL_THEMES, MemberCell, MemberThemeSeen, ThemeCell, ThemeDay, ThemeStat
from services.agenda.ranking import live_snapshot
from tests.integration.agenda.feeding import ALMERE, AMSTERDAM, GRONINGEN, ROTTERDAM, UTRECHT, apply_as_batch, erased, submission


def counters(agenda) -> dict:
    """Every counter table as plain, sorted data."""
    with agenda.uow() as uow:
        s = uow.session
        return {
            "stats": sorted((r.slug, r.members, r.questions, r.urgent_mentions) for r in s.scalars(select(ThemeStat)) if r.members or r.questions or r.urgent_mentions),
            "cells": sorted((r.slug, r.dimension, r.value, r.members) for r in s.scalars(select(ThemeCell))),
            "days": sorted((r.slug, r.day, r.texts) for r in s.scalars(select(ThemeDay))),
            "member_themes": sorted((r.member_id, r.slug) for r in s.scalars(select(MemberThemeSeen))),
            "member_cells": sorted((r.member_id, r.slug, r.dimension, r.value) for r in s.scalars(select(MemberCell))),
        }


def theme(snapshot: dict, slug: str) -> dict | None:
    return next((t for t in snapshot["themes"] if t["slug"] == slug), None)


def test_confirmed_and_classified_join_in_either_order(agenda, feed):
    first = submission(member_id="m-1", questions=[("Hoe houd je het plein schoon?", ["openbare-ruimte"])], urgent=["overlast"])
    second = submission(member_id="m-2", questions=[("Hoe houd je de straat schoon?", ["openbare-ruimte"])], urgent=["overlast"])
    feed(*first)  # confirmed, then classified
    feed(second[1], second[0])  # classified, then confirmed
    stats = {s[0]: s[1:] for s in counters(agenda)["stats"]}
    assert stats["openbare-ruimte"] == (2, 2, 0)
    assert stats["overlast"] == (2, 0, 2)
    assert stats[ALL_THEMES] == (2, 2, 2)


def test_distinct_members_municipalities_provinces_and_roles_per_theme(make_agenda):
    from tests.integration.agenda.conftest import Feeder

    agenda = make_agenda()
    feed = Feeder(agenda)
    youth = [("Hoe bereik je jongeren in de wijk?", ["jeugd-jongeren"])]
    # One member submits three times from the same place: counted once everywhere.
    for _ in range(3):
        feed(*submission(member_id="same", questions=youth, urgent=["jeugd-jongeren"], place=AMSTERDAM, role="bewoner"))
    for place, role in ((AMSTERDAM, "bewoner"), (UTRECHT, "wijkprofessional"), (ROTTERDAM, "wijkprofessional"), (GRONINGEN, "beleidsmaker"), (ALMERE, "bewoner")):
        feed(*submission(questions=youth, place=place, role=role))
    with agenda.uow() as uow:
        snapshot = live_snapshot(uow, feed.settings)
    row = theme(snapshot, "jeugd-jongeren")
    assert (row["members"], row["questions"], row["urgent_mentions"]) == (6, 8, 3)
    assert (row["municipalities"], row["provinces"], row["roles"]) == (5, 5, 3)
    # Every province and role has fewer than 5 members: present but without a number.
    assert {c["key"]: c["members"] for c in row["breakdown"]["provinces"]} == {p: None for p in ("PV20", "PV24", "PV26", "PV27", "PV28")}
    assert {c["key"]: c["members"] for c in row["breakdown"]["roles"]} == {"bewoner": None, "wijkprofessional": None, "beleidsmaker": None}


def test_a_province_and_role_with_five_members_is_shown_with_its_number(agenda, feed):
    feed.members(5, questions=[("Hoe krijg je meer groen in de straat?", ["groen-natuur"])], place=UTRECHT, role="bewoner")
    feed.members(1, questions=[("Waar vind ik subsidie voor geveltuinen?", ["groen-natuur"])], place=GRONINGEN, role="bestuurder")
    with agenda.uow() as uow:
        row = theme(live_snapshot(uow, feed.settings), "groen-natuur")
    assert {c["key"]: c["members"] for c in row["breakdown"]["provinces"]} == {"PV20": None, "PV26": 5}
    assert {c["key"]: c["members"] for c in row["breakdown"]["roles"]} == {"bewoner": 5, "bestuurder": None}


def test_themes_with_fewer_than_five_members_are_not_ranked(agenda, feed):
    feed.members(4, questions=[("Hoe pak je armoede aan?", ["armoede-bestaanszekerheid"])])
    feed.members(5, questions=[("Hoe houd je de buurt veilig?", ["veiligheid-criminaliteit"])])
    with agenda.uow() as uow:
        snapshot = live_snapshot(uow, feed.settings)
    assert [t["slug"] for t in snapshot["themes"]] == ["veiligheid-criminaliteit"]
    assert snapshot["themes_not_shown"] == 1
    live = agenda.client.get("/api/v1/agenda").get_json()["themes"]
    small = next(t for t in live if t["slug"] == "armoede-bestaanszekerheid")
    assert small["suppressed"] and small["members"] is None and small["questions"] is None and small["score"] is None


def test_erasure_subtracts_exactly_what_the_member_added(make_agenda):
    """Counters after A, B, C and erasing B equal those after A and C alone."""
    from tests.integration.agenda.conftest import Feeder

    a = submission(member_id="a", questions=[("Hoe houd je het plein schoon?", ["openbare-ruimte", "overlast"])], urgent=["overlast"], place=UTRECHT)
    b1 = submission(member_id="b", questions=[("Hoe houd je de buurt schoon?", ["openbare-ruimte"]), ("Wat doe je tegen hangjongeren?", ["jeugd-jongeren"])], urgent=["overlast"], place=AMSTERDAM, role="bewoner")
    b2 = submission(member_id="b", questions=[("Wie helpt met de buurttuin?", ["groen-natuur"])], place=GRONINGEN, role="bewoner", days_ago=60)
    c = submission(member_id="c", questions=[("Hoe organiseer je een buurtfeest?", ["sociale-samenhang"])], urgent=["overlast"], place=UTRECHT)

    with_b = make_agenda()
    Feeder(with_b)(*a, *b1, *b2, *c, erased("b"))
    without_b = make_agenda()
    Feeder(without_b)(*a, *c)
    assert counters(with_b) == counters(without_b)

    # Late events of an erased member change nothing.
    late = submission(member_id="b", questions=[("Nog een vraag", ["wonen"])])
    Feeder(with_b)(*late)
    assert counters(with_b) == counters(without_b)


def consumer_batches() -> list[list]:
    """Two consumer batches: halves together and apart in either order, redeliveries within and
    across batches, an erasure followed by a late submission of the erased member."""
    a = submission(member_id="a", questions=[("Hoe houd je het plein schoon?", ["openbare-ruimte", "overlast"])], urgent=["overlast"], place=UTRECHT)
    b = submission(member_id="b", questions=[("Wat doe je tegen hangjongeren?", ["jeugd-jongeren"])], urgent=["overlast"], place=AMSTERDAM, role="bewoner")
    c = submission(member_id="a", questions=[("Wie helpt met de buurttuin?", ["groen-natuur"])], place=GRONINGEN, days_ago=60)
    d = submission(member_id="d", questions=[("Hoe organiseer je een buurtfeest?", ["sociale-samenhang"])], place=ROTTERDAM)
    late = submission(member_id="d", questions=[("Nog een vraag", ["wonen"])])
    return [
        [*a, b[1], c[0], *d, a[1]],
        [b[0], c[1], erased("d"), *late, c[1]],
        [c[1], a[0]],
    ]


def test_a_consumer_batch_folds_what_one_event_per_transaction_folds(make_agenda):
    from tests.integration.agenda.conftest import Feeder

    batches = consumer_batches()
    batched, one_by_one = make_agenda(), make_agenda()
    for batch in batches:
        apply_as_batch(batched.uow, *batch, settings=Feeder(batched).settings)
    Feeder(one_by_one)(*{e.id: e for batch in batches for e in batch}.values())  # each event once, in order of first delivery
    assert counters(batched) == counters(one_by_one)
    assert {s[0]: s[1:] for s in counters(batched)["stats"]}[ALL_THEMES] == (2, 3, 2)


def test_trend_compares_the_last_days_with_before(agenda, feed):
    for _ in range(5):
        feed(*submission(questions=[("Hoe werkt energie besparen?", ["duurzaamheid-klimaat"])], days_ago=90))
        feed(*submission(questions=[("Hoe beginnen we een energiecoöperatie?", ["duurzaamheid-klimaat"])], days_ago=1))
        feed(*submission(questions=[("Hoe krijg je meer woningen?", ["wonen"])], days_ago=2))
    with agenda.uow() as uow:
        snapshot = live_snapshot(uow, feed.settings)
    energy, housing = theme(snapshot, "duurzaamheid-klimaat"), theme(snapshot, "wonen")
    assert (energy["texts_recent"], energy["texts_earlier"]) == (5, 5)
    assert energy["trend"] == "rising"  # 5 in 30 days against 5 in the 60 days before
    assert housing["trend"] == "new"
    assert housing["score_parts"]["recency"] == 1.0 and energy["score_parts"]["recency"] == 0.5
