"""Evaluation: per-theme precision/recall/F1, macro- and micro-F1, throughput, and the printed report."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .dataset import LabelledText, read_jsonl
from .fitting import TrainingParams, fit_classifier, fold_numbers
from .keywords import KeywordMatcher
from .model import ThemeClassifier


@dataclass(frozen=True)
class ThemeScore:
    theme: str
    precision: float
    recall: float
    f1: float
    support: int  # gold texts with this theme
    predicted: int  # texts given this theme


@dataclass(frozen=True)
class EvaluationReport:
    name: str
    n_texts: int
    per_theme: tuple[ThemeScore, ...]
    macro_f1: float  # mean over themes that occur in gold or predictions
    micro_f1: float
    macro_precision: float
    macro_recall: float
    texts_per_second: float | None = None
    review_share: float | None = None  # texts the model sends to a curator

    def as_dict(self) -> dict:
        values = asdict(self)
        values["per_theme"] = {s.theme: {k: v for k, v in asdict(s).items() if k != "theme"} for s in self.per_theme}
        return values

    def f1_of(self, theme: str) -> float:
        return next(s.f1 for s in self.per_theme if s.theme == theme)


def _safe_ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def score_predictions(
    gold: Sequence[Sequence[str]],
    predicted: Sequence[Sequence[str]],
    theme_slugs: Sequence[str],
    *,
    name: str = "",
    texts_per_second: float | None = None,
    review_share: float | None = None,
) -> EvaluationReport:
    """Multi-label scores. Themes absent from both gold and predictions are left out of the macro mean."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted must have one entry per text")
    per_theme = []
    total_tp = total_fp = total_fn = 0
    for theme in theme_slugs:
        tp = sum(1 for g, p in zip(gold, predicted) if theme in g and theme in p)
        fp = sum(1 for g, p in zip(gold, predicted) if theme not in g and theme in p)
        fn = sum(1 for g, p in zip(gold, predicted) if theme in g and theme not in p)
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
        precision, recall = _safe_ratio(tp, tp + fp), _safe_ratio(tp, tp + fn)
        f1 = _safe_ratio(2 * tp, 2 * tp + fp + fn)
        per_theme.append(ThemeScore(theme, precision, recall, f1, tp + fn, tp + fp))
    present = [s for s in per_theme if s.support or s.predicted]
    return EvaluationReport(
        name=name,
        n_texts=len(gold),
        per_theme=tuple(per_theme),
        macro_f1=float(np.mean([s.f1 for s in present])) if present else 0.0,
        micro_f1=_safe_ratio(2 * total_tp, 2 * total_tp + total_fp + total_fn),
        macro_precision=float(np.mean([s.precision for s in present])) if present else 0.0,
        macro_recall=float(np.mean([s.recall for s in present])) if present else 0.0,
        texts_per_second=texts_per_second,
        review_share=review_share,
    )


def _timed_predictions(predict: Callable[[list[str]], list], texts: list[str], batch_size: int) -> tuple[list, float]:
    started = time.perf_counter()
    predictions = []
    for start in range(0, len(texts), batch_size):
        predictions.extend(predict(texts[start : start + batch_size]))
    elapsed = time.perf_counter() - started
    return predictions, (len(texts) / elapsed if elapsed > 0 else float("inf"))


def evaluate(
    model: ThemeClassifier, examples: Sequence[LabelledText], *, name: str = "combined", batch_size: int = 256
) -> EvaluationReport:
    """The model's chosen themes against gold labels, with throughput (no explanations) and review share."""
    texts = [e.text for e in examples]
    results, speed = _timed_predictions(lambda batch: model.classify_batch(batch, explain=False), texts, batch_size)
    review_share = sum(r.needs_review for r in results) / len(results) if results else 0.0
    return score_predictions(
        [e.labels for e in examples],
        [r.themes for r in results],
        model.theme_slugs,
        name=name,
        texts_per_second=speed,
        review_share=review_share,
    )


def evaluate_keywords(
    matcher: KeywordMatcher, examples: Sequence[LabelledText], *, name: str = "keywords only"
) -> EvaluationReport:
    """The taxonomy keywords alone: a theme is predicted when any of its keywords occurs."""
    texts = [e.text for e in examples]
    predictions, speed = _timed_predictions(lambda batch: [matcher.predict(t) for t in batch], texts, 256)
    gold = [e.labels for e in examples]
    return score_predictions(gold, predictions, matcher.theme_order, name=name, texts_per_second=speed)


def keyword_like(matcher: KeywordMatcher, examples: Sequence[LabelledText]) -> list[LabelledText]:
    """The texts in which at least one taxonomy keyword occurs. Real submissions use the taxonomy's
    words more often than our labelled set, so figures on this subset say more about them."""
    return [e for e in examples if matcher.matches(e.text)]


def evaluate_file(model: ThemeClassifier, path: str | Path) -> EvaluationReport:
    """Evaluate on a JSONL file of `{"text": ..., "labels": [...]}` lines."""
    examples = read_jsonl(path, known_themes=model.theme_slugs)
    return evaluate(model, examples, name=Path(path).name)


@dataclass(frozen=True)
class CrossValidation:
    folds: int
    macro_f1: float  # pooled over all out-of-fold predictions
    micro_f1: float
    fold_macro_f1: tuple[float, ...]
    keyword_macro_f1: float  # the keyword baseline on the same texts
    report: EvaluationReport
    keyword_like_texts: int = 0  # texts with at least one taxonomy keyword, and the figures on them
    keyword_like_macro_f1: float = 0.0
    keyword_like_keyword_macro_f1: float = 0.0

    def as_dict(self) -> dict:
        return {
            "folds": self.folds,
            "macro_f1": self.macro_f1,
            "micro_f1": self.micro_f1,
            "fold_macro_f1": list(self.fold_macro_f1),
            "keyword_macro_f1": self.keyword_macro_f1,
            "keyword_like_texts": self.keyword_like_texts,
            "keyword_like_macro_f1": self.keyword_like_macro_f1,
            "keyword_like_keyword_macro_f1": self.keyword_like_keyword_macro_f1,
        }


def cross_validate(
    examples: Sequence[LabelledText], params: TrainingParams | None = None, *, folds: int = 5, themes=None
) -> CrossValidation:
    """K-fold macro-F1 of the whole training procedure (each fold calibrates and sets thresholds on its own)."""
    params = params or TrainingParams()
    examples = list(examples)
    assignment = fold_numbers(examples, folds)
    predictions: list = [()] * len(examples)
    fold_scores = []
    model = None
    for fold in range(folds):
        train = [e for e, f in zip(examples, assignment) if f != fold]
        held_out = [i for i, f in enumerate(assignment) if f == fold]
        model = fit_classifier(train, params, themes=themes)
        fold_predictions = model.predict([examples[i].text for i in held_out])
        for i, predicted in zip(held_out, fold_predictions):
            predictions[i] = predicted
        fold_scores.append(
            score_predictions([examples[i].labels for i in held_out], fold_predictions, model.theme_slugs).macro_f1
        )
    gold = [e.labels for e in examples]
    report = score_predictions(gold, predictions, model.theme_slugs, name=f"{folds}-fold cross-validation")
    keyword_report = evaluate_keywords(model.matcher, examples)
    like = [i for i, e in enumerate(examples) if model.matcher.matches(e.text)]
    like_report = score_predictions([gold[i] for i in like], [predictions[i] for i in like], model.theme_slugs)
    like_keywords = evaluate_keywords(model.matcher, [examples[i] for i in like])
    return CrossValidation(
        folds,
        report.macro_f1,
        report.micro_f1,
        tuple(fold_scores),
        keyword_report.macro_f1,
        report,
        keyword_like_texts=len(like),
        keyword_like_macro_f1=like_report.macro_f1,
        keyword_like_keyword_macro_f1=like_keywords.macro_f1,
    )


@dataclass(frozen=True)
class WriterHoldOut:
    """One labelled file left out of training: how the model does on a writer it never read."""

    writer: str  # the id prefix shared by one file's texts, e.g. "e" for set_e
    n_texts: int
    macro_f1: float
    micro_f1: float
    keyword_macro_f1: float


def leave_one_writer_out(
    train: Sequence[LabelledText], every: Sequence[LabelledText], params: TrainingParams | None = None, *, themes=None
) -> list[WriterHoldOut]:
    """For each labelled file, train on the training split of the other files and score the whole file.

    Each file was written by one writer in one sitting, so this asks what the issue asks of real
    texts: how well the model does on a writer's words, topics and habits it never learned from.
    """
    params = params or TrainingParams()
    results = []
    for writer in sorted({e.id.split("-", 1)[0] for e in every}):
        def written_by_writer(example: LabelledText) -> bool:
            return example.id.split("-", 1)[0] == writer

        model = fit_classifier([e for e in train if not written_by_writer(e)], params, themes=themes)
        held_out = [e for e in every if written_by_writer(e)]
        report = score_predictions(
            [e.labels for e in held_out], model.predict([e.text for e in held_out]), model.theme_slugs
        )
        keywords = evaluate_keywords(model.matcher, held_out)
        results.append(WriterHoldOut(writer, len(held_out), report.macro_f1, report.micro_f1, keywords.macro_f1))
    return results


def format_report(*reports: EvaluationReport) -> str:
    """A plain-text table: per-theme P/R/F1 for each report side by side, then the summary lines."""
    if not reports:
        return ""
    themes = [s.theme for s in reports[0].per_theme]
    width = max(len(t) for t in themes + ["macro-F1"]) + 2
    header = "theme".ljust(width) + "support  " + "  ".join(f"{r.name[:20]:>20}" for r in reports)
    sub = " " * (width + 9) + "  ".join(f"{'P':>6}{'R':>7}{'F1':>7}" for _ in reports)
    lines = [header, sub, "-" * len(header)]
    for index, theme in enumerate(themes):
        scores = [r.per_theme[index] for r in reports]
        cells = "  ".join(f"{s.precision:6.2f}{s.recall:7.2f}{s.f1:7.2f}" for s in scores)
        lines.append(f"{theme.ljust(width)}{reports[0].per_theme[index].support:7d}  {cells}")
    lines.append("-" * len(header))
    for label, attribute in (("macro-F1", "macro_f1"), ("micro-F1", "micro_f1")):
        lines.append(label.ljust(width + 9) + "  ".join(f"{getattr(r, attribute):>20.3f}" for r in reports))
    lines.append("texts".ljust(width + 9) + "  ".join(f"{r.n_texts:>20d}" for r in reports))
    if any(r.review_share is not None for r in reports):
        lines.append(
            "needs review".ljust(width + 9)
            + "  ".join(f"{r.review_share:>20.0%}" if r.review_share is not None else f"{'':>20}" for r in reports)
        )
    if any(r.texts_per_second for r in reports):
        lines.append(
            "texts/second".ljust(width + 9)
            + "  ".join(f"{r.texts_per_second:>20,.0f}" if r.texts_per_second else f"{'':>20}" for r in reports)
        )
    return "\n".join(lines)
