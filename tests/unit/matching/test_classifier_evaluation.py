"""Evaluation metrics and the printed report."""

import json

import pytest

from services.matching.classifier.evaluation import format_report, score_predictions


def test_per_theme_macro_and_micro_scores():
    gold = [("a",), ("a", "b"), ("b",), ("c",)]
    predicted = [("a",), ("a",), ("a", "b"), ()]
    report = score_predictions(gold, predicted, ["a", "b", "c"], name="test")
    a, b, c = report.per_theme
    assert (a.precision, a.recall) == (pytest.approx(2 / 3), 1.0)
    assert a.f1 == pytest.approx(0.8)
    assert (b.precision, b.recall, b.f1) == (1.0, 0.5, pytest.approx(2 / 3))
    assert (c.support, c.f1) == (1, 0.0)
    assert report.macro_f1 == pytest.approx((0.8 + 2 / 3 + 0) / 3)
    # micro: tp=3, fp=1, fn=2
    assert report.micro_f1 == pytest.approx(6 / 9)


def test_themes_absent_everywhere_do_not_count_in_the_macro_mean():
    report = score_predictions([("a",)], [("a",)], ["a", "b"])
    assert report.macro_f1 == 1.0


def test_report_table_lists_every_theme_and_the_summary():
    report = score_predictions([("wonen",)], [("wonen",)], ["wonen", "overlast"], name="combined", texts_per_second=1234.0)
    table = format_report(report)
    assert "wonen" in table and "overlast" in table
    assert "macro-F1" in table and "micro-F1" in table and "1,234" in table
    json.dumps(report.as_dict())  # JSON-ready for storage with the model


def test_keyword_like_keeps_only_texts_with_a_taxonomy_keyword():
    from services.matching.classifier.dataset import LabelledText
    from services.matching.classifier.evaluation import keyword_like
    from services.matching.classifier.keywords import KeywordMatcher
    from shared.reference import themes

    matcher = KeywordMatcher.from_themes(themes())
    texts = [
        LabelledText("1", "Veel parkeeroverlast bij de school", ("verkeer-mobiliteit",)),
        LabelledText("2", "Wie helpt er zaterdag mee?", ("participatie-zeggenschap",)),
    ]
    assert [e.id for e in keyword_like(matcher, texts)] == ["1"]
