"""`buurt matching train` and `buurt matching evaluate` on a real PostgreSQL database."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import select

from services.cli import main
from services.matching.models import ModelVersion
from tests.integration.matching.support import AUTH, confirmed, new_id


def test_train_learns_from_corrections_and_activates_the_version(harness, monkeypatch, tmp_path):
    member = new_id()
    data = confirmed(member, urgent="Het is hier gewoon niet meer zoals vroeger.")
    harness.deliver("intake.submission.confirmed.v1", data)
    harness.client.put(
        f"/api/v1/curator/labels/{data['urgent_issues']['text_id']}", json={"labels": ["sociale-samenhang"]}, headers=AUTH
    )
    for name, value in harness.settings.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BUURT_ENV", "production")  # use the database as given, as an operator would

    trained = CliRunner().invoke(main, ["matching", "train", "--folds", "0"])
    assert trained.exit_code == 0, trained.output
    assert "+1 corrections" in trained.output and "held-out macro-F1" in trained.output
    assert "inclusie-diversiteit" in trained.output  # the per-theme table
    with harness.uow() as uow:
        [active] = uow.session.scalars(select(ModelVersion).where(ModelVersion.active.is_(True))).all()
        assert active.corrections == 1 and active.feedback_members == [member]
        assert f"active version: {active.version}" in trained.output
        assert len(uow.session.scalars(select(ModelVersion)).all()) == 2  # the bootstrap one stays, inactive
        version = active.version

    texts = tmp_path / "texts.jsonl"
    lines = [
        {"text": "Hoe krijgen we meer jongeren naar het jongerenwerk?", "labels": ["jeugd-jongeren"]},
        {"text": "Veel parkeeroverlast en te hard rijden in de straat.", "labels": ["verkeer-mobiliteit"]},
    ]
    texts.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    evaluated = CliRunner().invoke(main, ["matching", "evaluate", str(texts)])
    assert evaluated.exit_code == 0, evaluated.output
    assert f"model {version}" in evaluated.output
    for label in ("macro-F1", "micro-F1", "texts/second", "jeugd-jongeren"):
        assert label in evaluated.output
