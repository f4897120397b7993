"""Fitting a ThemeClassifier from labelled texts: deterministic, calibrated, thresholds from CV.

Given the same examples and parameters, `fit_classifier` returns a model with the same bytes:
inputs are sorted, folds come from hashes, liblinear gets a fixed seed, vocabularies are
numbered in sorted order.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from .dataset import LabelledText, as_labelled
from .features import FeatureSpace, TfidfBlock, char_features, word_features
from .keywords import KeywordMatcher, ThemeKeyword, fold_term
from .lexicon import BASE_WORDS, STOPWORDS
from .model import DecisionSettings, ThemeClassifier
from .text import STEMMER_ALGORITHM, Analyser, CompoundSplitter, tokenize
from .vocabulary import THEME_VOCABULARY

MODEL_FORMAT = 1
_FOLD_SALT = "buurtplatform-theme-folds-v1"


@dataclass(frozen=True)
class TrainingParams:
    regularisation_c: float = 10.0  # inverse L2 strength of each theme's logistic regression
    class_weight: str | None = "balanced"  # each theme is rare; balance positives and negatives
    word_min_df: int = 1
    char_min_df: int = 2
    char_ngram_range: tuple[int, int] = (3, 5)
    word_weight: float = 1.0
    char_weight: float = 1.0
    keyword_weight: float = 0.25  # best of 0, 0.25, 0.5, 1 and 2 in cross-validation: the words carry most
    taxonomy_examples: bool = True  # theme labels, descriptions and keywords as weak examples
    taxonomy_example_weight: float = 0.5
    vocabulary_examples: bool = True  # everyday theme words (vocabulary.py) as weak examples
    vocabulary_example_weight: float = 2.0  # best of 0.25, 0.5, 1 and 2 in cross-validation
    correction_weight: float = 2.0  # curator corrections are real texts: they count double
    lexicon_min_count: int = 2  # training words seen this often join the compound lexicon
    calibration_folds: int = 5
    threshold_shrinkage: float = 1.0  # 1 = one shared threshold: per-theme thresholds fit our texts, not real ones (CV 0.732 vs 0.729 at 0.5)
    threshold_bounds: tuple[float, float] = (0.2, 0.7)
    relative_threshold: float = 0.4  # a further theme must reach this share of the best theme's score
    review_threshold: float = 0.5
    max_themes: int = 3
    fallback_to_best: bool = True

    def as_dict(self) -> dict:
        values = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


def taxonomy_keywords(themes) -> list[ThemeKeyword]:
    return [ThemeKeyword(t.slug, k.term, k.match, fold_term(k.term)) for t in themes for k in t.keywords]


def taxonomy_examples(themes, weight: float) -> list[LabelledText]:
    """Weak examples: each theme's label and description, and each keyword (shared keywords get all their themes)."""
    examples = [
        LabelledText(f"taxonomy:{t.slug}", f"{t.label_nl}. {t.description_nl}", (t.slug,), weight=weight)
        for t in themes
    ]
    themes_of_term: dict[str, set[str]] = {}
    for theme in themes:
        for keyword in theme.keywords:
            themes_of_term.setdefault(fold_term(keyword.term), set()).add(theme.slug)
    for term, slugs in sorted(themes_of_term.items()):
        examples.append(LabelledText(f"taxonomy-keyword:{term}", term, tuple(sorted(slugs)), weight=weight))
    return examples


def vocabulary_examples(theme_slugs: Sequence[str], weight: float) -> list[LabelledText]:
    """Weak examples from the everyday theme vocabulary; a phrase listed for several themes gets them all."""
    themes_of_phrase: dict[str, set[str]] = {}
    for slug in theme_slugs:
        for phrase in THEME_VOCABULARY.get(slug, ()):
            themes_of_phrase.setdefault(fold_term(phrase), set()).add(slug)
    return [
        LabelledText(f"vocabulary:{phrase}", phrase, tuple(sorted(slugs)), weight=weight)
        for phrase, slugs in sorted(themes_of_phrase.items())
    ]


def merge_corrections(examples: Sequence[LabelledText], corrections: Iterable, weight: float) -> list[LabelledText]:
    """Add curator corrections; a correction replaces an example with the same wording (the curator wins)."""
    merged = {" ".join(tokenize(e.text)): e for e in examples}
    for number, item in enumerate(corrections):
        correction = as_labelled(item, default_id=f"correction:{number:06d}")
        merged[" ".join(tokenize(correction.text))] = LabelledText(
            correction.id, correction.text, correction.labels, weight=weight
        )
    return sorted(merged.values(), key=lambda e: (e.id, e.text))


def training_lexicon(examples: Iterable[LabelledText], themes, min_count: int) -> list[str]:
    """Words the compound splitter may use as parts: base lexicon, keyword words, frequent training words."""
    counts = Counter(token for e in examples for token in set(tokenize(e.text)))
    words = set(BASE_WORDS)
    for theme in themes:
        for keyword in theme.keywords:
            words.update(tokenize(keyword.term))
    words.update(w for w, n in counts.items() if n >= min_count and len(w) >= 4 and w.isalpha() and w not in STOPWORDS)
    return sorted(words)


def fold_numbers(examples: Sequence[LabelledText], folds: int) -> np.ndarray:
    """Deterministic, roughly stratified folds: ordered by the rarest label, then by a hash, dealt round-robin."""
    frequency = Counter(label for e in examples for label in e.labels)

    def order_key(position: int):
        example = examples[position]
        rarest = min((frequency[label] for label in example.labels), default=0)
        digest = hashlib.sha256(f"{_FOLD_SALT}:{example.id}".encode()).hexdigest()
        return (rarest, digest)

    assignment = np.empty(len(examples), dtype=np.int64)
    for rank, position in enumerate(sorted(range(len(examples)), key=order_key)):
        assignment[position] = rank % folds
    return assignment


class _Corpus:
    """Examples analysed once, so that folds and the final fit reuse the same analysis."""

    def __init__(self, examples: Sequence[LabelledText], analyser: Analyser, matcher: KeywordMatcher, theme_slugs):
        self.analysed = [analyser.analyse(e.text) for e in examples]
        self.hits = [matcher.hit_counts(e.text) for e in examples]
        self.labels = np.array([[slug in e.labels for slug in theme_slugs] for e in examples], dtype=np.int64)
        self.weights = np.array([e.weight for e in examples], dtype=np.float64)


def _fit_linear(corpus: _Corpus, rows: np.ndarray, params: TrainingParams, n_themes: int):
    """Feature space and one logistic regression per theme, fitted on the given rows."""
    analysed = [corpus.analysed[i] for i in rows]
    space = FeatureSpace(
        words=TfidfBlock.fit(
            [[f for f, _ in word_features(w)] for w in analysed], params.word_min_df, params.word_weight
        ),
        chars=TfidfBlock.fit(
            [[f for f, _ in char_features(w, params.char_ngram_range)] for w in analysed],
            params.char_min_df,
            params.char_weight,
        ),
        char_ngram_range=tuple(params.char_ngram_range),
        keyword_weight=params.keyword_weight,
        n_themes=n_themes,
    )
    matrix = space.transform(analysed, [corpus.hits[i] for i in rows])
    coefficients = np.zeros((n_themes, space.n_features), dtype=np.float64)
    intercepts = np.full(n_themes, -5.0)  # a theme without examples stays improbable
    for theme in range(n_themes):
        target = corpus.labels[rows, theme]
        if target.min() == target.max():
            continue
        regression = LogisticRegression(
            C=params.regularisation_c,
            class_weight=params.class_weight,
            solver="liblinear",
            dual=True,  # many more features than texts: the dual problem is several times faster
            random_state=0,
            max_iter=1000,
        )
        regression.fit(matrix, target, sample_weight=corpus.weights[rows])
        coefficients[theme] = regression.coef_[0]
        intercepts[theme] = regression.intercept_[0]
    # the model predicts with float32 weights; fit-time figures must use the same
    return space, coefficients.astype(np.float32), intercepts


def _decisions(space: FeatureSpace, coefficients, intercepts, corpus: _Corpus, rows: np.ndarray) -> np.ndarray:
    matrix = space.transform([corpus.analysed[i] for i in rows], [corpus.hits[i] for i in rows])
    return np.asarray(matrix @ coefficients.astype(np.float64).T) + intercepts


def platt_parameters(decisions: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per theme (slope, offset) mapping a decision value to a probability, fitted out of fold."""
    parameters = np.tile([1.0, 0.0], (labels.shape[1], 1))
    for theme in range(labels.shape[1]):
        target = labels[:, theme]
        if 0 < target.sum() < len(target):
            platt = LogisticRegression(C=100.0, solver="lbfgs").fit(decisions[:, [theme]], target)
            parameters[theme] = [platt.coef_[0, 0], platt.intercept_[0]]
    return parameters


def _f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    true_positive = float(np.sum(predicted & truth))
    denominator = float(np.sum(predicted) + np.sum(truth))
    return 2 * true_positive / denominator if denominator else 1.0


def choose_thresholds(probabilities: np.ndarray, labels: np.ndarray, params: TrainingParams) -> np.ndarray:
    """Per-theme thresholds maximising out-of-fold F1, shrunk toward the best shared threshold."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    truth = labels.astype(bool)
    shared_scores = [np.mean([_f1(probabilities[:, t] >= g, truth[:, t]) for t in range(truth.shape[1])]) for g in grid]
    shared = float(grid[int(np.argmax(shared_scores))])
    low, high = params.threshold_bounds
    thresholds = np.full(truth.shape[1], shared)
    for theme in range(truth.shape[1]):
        if truth[:, theme].any():
            scores = [_f1(probabilities[:, theme] >= g, truth[:, theme]) for g in grid]
            own = float(grid[int(np.argmax(scores))])
            thresholds[theme] = params.threshold_shrinkage * shared + (1 - params.threshold_shrinkage) * own
    return np.clip(thresholds, low, high)


def model_version(
    examples: Sequence[LabelledText], params: TrainingParams, keywords: Sequence[ThemeKeyword], lexicon: Sequence[str]
) -> str:
    """A version string that changes whenever the training data, parameters, taxonomy or lexicon change."""
    digest = hashlib.sha256()
    payload = {
        "format": MODEL_FORMAT,
        "stemmer": STEMMER_ALGORITHM,
        "params": params.as_dict(),
        "keywords": [[k.theme, k.term, k.match] for k in keywords],
        "lexicon": list(lexicon),
        "examples": [[e.id, e.text, list(e.labels), e.weight] for e in examples],
    }
    digest.update(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return f"tc{MODEL_FORMAT}-{digest.hexdigest()[:12]}"


def fit_classifier(
    examples: Sequence[LabelledText],
    params: TrainingParams | None = None,
    *,
    corrections: Iterable = (),
    themes=None,
) -> ThemeClassifier:
    """Train on `examples` plus curator `corrections`; the taxonomy adds weak examples when enabled."""
    params = params or TrainingParams()
    if themes is None:
        from shared.reference import themes as reference_themes

        themes = reference_themes()
    theme_slugs = [t.slug for t in themes]
    keywords = taxonomy_keywords(themes)
    labelled = merge_corrections(examples, corrections, params.correction_weight)
    if not labelled:
        raise ValueError("no labelled examples to train on")
    weak = taxonomy_examples(themes, params.taxonomy_example_weight) if params.taxonomy_examples else []
    if params.vocabulary_examples:
        weak += vocabulary_examples(theme_slugs, params.vocabulary_example_weight)
    everything = labelled + weak

    lexicon = training_lexicon(labelled, themes, params.lexicon_min_count)
    analyser = Analyser(CompoundSplitter(lexicon))
    matcher = KeywordMatcher(keywords, theme_slugs)
    corpus = _Corpus(everything, analyser, matcher, theme_slugs)
    n_labelled, n_themes = len(labelled), len(theme_slugs)

    # out-of-fold decisions on the labelled texts calibrate probabilities and choose thresholds
    calibration = np.tile([1.0, 0.0], (n_themes, 1))
    thresholds = np.full(n_themes, 0.5)
    if params.calibration_folds >= 2 and n_labelled >= 2 * params.calibration_folds:
        folds = fold_numbers(labelled, params.calibration_folds)
        weak_rows = np.arange(n_labelled, len(everything))
        out_of_fold = np.zeros((n_labelled, n_themes))
        for fold in range(params.calibration_folds):
            held_out = np.flatnonzero(folds == fold)
            fit_rows = np.concatenate([np.flatnonzero(folds != fold), weak_rows])
            space, coefficients, intercepts = _fit_linear(corpus, fit_rows, params, n_themes)
            out_of_fold[held_out] = _decisions(space, coefficients, intercepts, corpus, held_out)
        gold = corpus.labels[:n_labelled]
        calibration = platt_parameters(out_of_fold, gold)
        probabilities = 1.0 / (1.0 + np.exp(-(out_of_fold * calibration[:, 0] + calibration[:, 1])))
        thresholds = choose_thresholds(probabilities, gold, params)

    space, coefficients, intercepts = _fit_linear(corpus, np.arange(len(everything)), params, n_themes)
    return ThemeClassifier(
        theme_slugs=theme_slugs,
        keywords=keywords,
        lexicon=lexicon,
        features=space,
        coefficients=coefficients,
        intercepts=intercepts,
        calibration=calibration,
        thresholds=thresholds,
        settings=DecisionSettings(
            review_threshold=params.review_threshold,
            max_themes=params.max_themes,
            fallback_to_best=params.fallback_to_best,
            relative_threshold=params.relative_threshold,
        ),
        params=params.as_dict(),
        version=model_version(everything, params, keywords, lexicon),
    )
