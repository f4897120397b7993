"""Operator tasks behind `buurt matching train` and `buurt matching evaluate`."""

from __future__ import annotations

from pathlib import Path

from services.matching import versions
from services.matching.app import build_runtime
from services.matching.classifier.dataset import load_labelled, train_test_split
from services.matching.classifier.evaluation import evaluate, evaluate_file, format_report
from services.matching.classifier.training import format_training_summary
from shared.config import Settings
from shared.db.migrations import upgrade
from shared.runtime import Runtime


def _runtime() -> Runtime:
    settings = Settings.from_env("matching")
    if settings.embedded:  # the local SQLite file may not exist yet; production migrates as its own step
        upgrade("matching", settings.database_url)
    return build_runtime(settings)


def train(cross_validation_folds: int = 5) -> str:
    """Train on the labelled texts plus every curator correction, store, activate; the report."""
    runtime = _runtime()
    try:
        with runtime.uow_factory() as uow:
            trained = versions.train(uow, cross_validation_folds=cross_validation_folds)
            row = versions.store_and_activate(uow, trained)
            uow.commit()
            version = row.version
    finally:
        runtime.engine.dispose()
    _, test = train_test_split(load_labelled())
    held_out = evaluate(trained.model, test, name="held-out (combined)")
    return "\n".join(
        [format_training_summary(trained.metrics), "", format_report(held_out), "", f"active version: {version}"]
    )


def evaluate_path(path: str | Path) -> str:
    """Per-theme P/R/F1, macro- and micro-F1 and texts per second of the active version on a file."""
    runtime = _runtime()
    try:
        versions.ensure_active(runtime.uow_factory)
        with runtime.uow_factory() as uow:
            model = versions.ModelProvider().get(uow)
    finally:
        runtime.engine.dispose()
    return f"model {model.version}\n" + format_report(evaluate_file(model, path))
