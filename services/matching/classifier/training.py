"""Training entry point for the service and the CLI: load data, fit, evaluate, attach metrics."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from .dataset import label_counts, load_labelled, train_test_split
from .evaluation import cross_validate, evaluate, evaluate_keywords
from .fitting import TrainingParams, fit_classifier, merge_corrections
from .model import ThemeClassifier


def train_model(
    extra_examples: Iterable = (),
    *,
    data_dir: str | Path | None = None,
    params: TrainingParams | None = None,
    cross_validation_folds: int = 5,
    themes=None,
) -> tuple[ThemeClassifier, dict]:
    """Train on the training split of the labelled data plus `extra_examples` (curator corrections).

    `extra_examples` items are `LabelledText`, `{"text": ..., "labels": [...]}` mappings or
    `(text, labels)` pairs. The held-out test split is never trained on; it is evaluated for
    both the combined model and the keyword layer alone. With `cross_validation_folds` >= 2,
    the whole procedure is also cross-validated on the training split (this costs about that
    many extra trainings). Returns the model (carrying the metrics) and the metrics.
    """
    params = params or TrainingParams()
    corrections = list(extra_examples)
    if themes is None:
        from shared.reference import themes as reference_themes

        themes = reference_themes()
    examples = load_labelled(data_dir, known_themes=[t.slug for t in themes])
    train, test = train_test_split(examples)

    started = time.perf_counter()
    model = fit_classifier(train, params, corrections=corrections, themes=themes)
    training_seconds = time.perf_counter() - started

    metrics: dict = {
        "version": model.version,
        "training_seconds": round(training_seconds, 2),
        "train_texts": len(train),
        "test_texts": len(test),
        "corrections": len(corrections),
        "train_label_counts": label_counts(train),
        "test_label_counts": label_counts(test),
    }
    if test:
        metrics["held_out"] = evaluate(model, test, name="combined").as_dict()
        metrics["held_out_keywords"] = evaluate_keywords(model.matcher, test).as_dict()
    if cross_validation_folds >= 2:
        # corrections are part of what the model learns from, so they are cross-validated too
        pool = merge_corrections(train, corrections, params.correction_weight)
        cross_validation = cross_validate(pool, params, folds=cross_validation_folds, themes=themes)
        metrics["cross_validation"] = cross_validation.as_dict()
    model = model.with_metrics(metrics)
    return model, metrics


def format_training_summary(metrics: dict) -> str:
    """Short plain-text lines for the CLI after `train_model`."""
    lines = [
        f"model {metrics['version']}: trained on {metrics['train_texts']} texts"
        f" (+{metrics['corrections']} corrections) in {metrics['training_seconds']:.1f} s;"
        f" {metrics['test_texts']} held-out texts",
    ]
    if "held_out" in metrics:
        combined, keywords = metrics["held_out"], metrics["held_out_keywords"]
        lines.append(
            f"held-out macro-F1 {combined['macro_f1']:.3f} (keywords only {keywords['macro_f1']:.3f}),"
            f" micro-F1 {combined['micro_f1']:.3f} (keywords only {keywords['micro_f1']:.3f})"
        )
    if "cross_validation" in metrics:
        cv = metrics["cross_validation"]
        lines.append(
            f"{cv['folds']}-fold cross-validated macro-F1 {cv['macro_f1']:.3f}"
            f" (keywords only {cv['keyword_macro_f1']:.3f}), micro-F1 {cv['micro_f1']:.3f}"
        )
        if cv.get("keyword_like_texts"):
            lines.append(
                f"  on the {cv['keyword_like_texts']} texts with a taxonomy keyword: macro-F1"
                f" {cv['keyword_like_macro_f1']:.3f} (keywords only {cv['keyword_like_keyword_macro_f1']:.3f})"
            )
    return "\n".join(lines)


__all__ = ["TrainingParams", "format_training_summary", "train_model"]
