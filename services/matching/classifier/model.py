"""The combined theme classifier: keyword layer + learned linear model, calibrated, explainable.

A text is analysed (Dutch folding, diminutives, stems, compound parts), turned into TF-IDF
word and character n-gram features plus one keyword-hit feature per theme, scored per theme
by a one-vs-rest logistic regression, and calibrated to a probability with Platt scaling
fitted on out-of-fold scores. A theme is chosen when its probability reaches that theme's
threshold; a text whose best probability is below the review threshold needs a curator.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import storage
from .features import FeatureSpace, TfidfBlock
from .keywords import KeywordMatcher, ThemeKeyword
from .text import Analyser, CompoundSplitter


@dataclass(frozen=True)
class DecisionSettings:
    """How probabilities become chosen themes; stored with the model, overridable per call."""

    review_threshold: float = 0.5  # below this best probability a curator must look
    max_themes: int = 3
    fallback_to_best: bool = True  # when no theme passes its threshold, still offer the best one
    relative_threshold: float = 0.0  # a further theme must also reach this share of the best score


@dataclass(frozen=True)
class ThemeExplanation:
    theme: str
    score: float
    keywords: tuple[str, ...]  # taxonomy keywords found in the text
    drivers: tuple[tuple[str, float], ...]  # words/phrases of the text that raised the learned score most

    def as_text(self) -> str:
        parts = [f"{self.theme} ({self.score:.2f})"]
        if self.keywords:
            parts.append("trefwoorden: " + ", ".join(self.keywords))
        if self.drivers:
            parts.append("woorden: " + ", ".join(f"{w} (+{c:.2f})" for w, c in self.drivers))
        return "; ".join(parts)

    def as_dict(self) -> dict:
        return {
            "theme": self.theme,
            "score": round(self.score, 4),
            "keywords": list(self.keywords),
            "drivers": [{"text": w, "weight": round(c, 4)} for w, c in self.drivers],
        }


@dataclass(frozen=True)
class Classification:
    scores: dict[str, float]  # every theme, taxonomy order
    themes: tuple[str, ...]  # chosen themes, best first
    needs_review: bool
    confidence: float  # the best score
    explanations: tuple[ThemeExplanation, ...] = field(default=())  # one per chosen theme

    def as_dict(self) -> dict:
        return {
            "themes": [{"theme": t, "score": round(self.scores[t], 4)} for t in self.themes],
            "scores": {t: round(s, 4) for t, s in self.scores.items()},
            "needs_review": self.needs_review,
            "confidence": round(self.confidence, 4),
            "explanations": [e.as_dict() for e in self.explanations],
        }


class ThemeClassifier:
    """A trained, immutable classifier. Build it with `fitting.fit_classifier` or `from_bytes`."""

    CHUNK = 128  # texts scored together

    def __init__(
        self,
        *,
        theme_slugs: Sequence[str],
        keywords: Sequence[ThemeKeyword],
        lexicon: Iterable[str],
        features: FeatureSpace,
        coefficients: np.ndarray,  # (themes, features)
        intercepts: np.ndarray,  # (themes,)
        calibration: np.ndarray,  # (themes, 2): Platt slope and offset
        thresholds: np.ndarray,  # (themes,)
        settings: DecisionSettings,
        params: dict,
        version: str,
        metrics: dict | None = None,
    ):
        self.theme_slugs = tuple(theme_slugs)
        self.keywords = tuple(keywords)
        self.lexicon = tuple(sorted(set(lexicon)))
        self.features = features
        self.coefficients = np.asarray(coefficients, dtype=np.float32)
        self.intercepts = np.asarray(intercepts, dtype=np.float64)
        self.calibration = np.asarray(calibration, dtype=np.float64)
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.settings = settings
        self.params = dict(params)
        self.version = version
        self.metrics = dict(metrics or {})
        self.matcher = KeywordMatcher(self.keywords, self.theme_slugs)
        self.analyser = Analyser(CompoundSplitter(self.lexicon))
        self._weights_t = np.ascontiguousarray(self.coefficients.T, dtype=np.float64)

    # --- scoring -----------------------------------------------------------------------

    def _read(self, texts: Sequence[str]) -> tuple[list, list[dict[str, tuple[str, ...]]], list, np.ndarray]:
        """Per text: analysed words, keyword matches, weighted (columns, values); and the probabilities."""
        analysed = [self.analyser.analyse(t) for t in texts]
        found = [self.matcher.matches(t) for t in texts]
        hits = [[len(f.get(slug, ())) for slug in self.theme_slugs] for f in found]
        decisions = np.empty((len(texts), len(self.theme_slugs)))
        weighed: list = []
        for start in range(0, len(texts), self.CHUNK):  # bounded memory for large batches
            chunk = slice(start, start + self.CHUNK)
            decisions[chunk], chunk_weighed = self.features.decisions(
                analysed[chunk], hits[chunk], self._weights_t, self.intercepts
            )
            weighed.extend(chunk_weighed)
        return analysed, found, weighed, self._calibrate(decisions)

    def _calibrate(self, decisions: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(decisions * self.calibration[:, 0] + self.calibration[:, 1])))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probability per theme, shape (texts, themes)."""
        return self._read(texts)[3]

    def classify(self, text: str, *, review_threshold: float | None = None, explain: bool = True) -> Classification:
        return self.classify_batch([text], review_threshold=review_threshold, explain=explain)[0]

    def classify_batch(
        self, texts: Sequence[str], *, review_threshold: float | None = None, explain: bool = True
    ) -> list[Classification]:
        if isinstance(texts, str):
            raise TypeError("classify_batch takes a sequence of texts; use classify for one text")
        if not texts:
            return []
        review = self.settings.review_threshold if review_threshold is None else review_threshold
        analysed, found, weighed, probabilities = self._read(texts)
        results = []
        for words, keywords, text_features, row in zip(analysed, found, weighed, probabilities):
            chosen, passed = self._choose(row)
            confidence = float(row.max())
            scores = dict(zip(self.theme_slugs, row.tolist()))
            scored = [(t, scores[t]) for t in chosen]
            explanations = tuple(self._explanations(words, keywords, text_features, scored)) if explain else ()
            results.append(
                Classification(
                    scores=scores,
                    themes=chosen,
                    needs_review=(not passed) or confidence < review,
                    confidence=confidence,
                    explanations=explanations,
                )
            )
        return results

    def predict(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """Only the chosen themes per text (what evaluation compares with gold labels)."""
        return [self._choose(row)[0] for row in self.probabilities(texts)]

    def _choose(self, row: np.ndarray) -> tuple[tuple[str, ...], bool]:
        order = np.argsort(-row, kind="stable")
        floor = self.settings.relative_threshold * row[order[0]]
        passing = [i for i in order if row[i] >= self.thresholds[i] and row[i] >= floor][: self.settings.max_themes]
        if passing:
            return tuple(self.theme_slugs[i] for i in passing), True
        if self.settings.fallback_to_best:
            return (self.theme_slugs[order[0]],), False
        return (), False

    def _index(self, theme: str) -> int:
        try:
            return self.theme_slugs.index(theme)
        except ValueError:
            raise KeyError(f"unknown theme {theme!r}") from None

    # --- explanations ------------------------------------------------------------------

    def explain(self, text: str, theme: str, *, top: int = 5) -> ThemeExplanation:
        """The taxonomy keywords found for `theme` and the words that raised its learned score."""
        analysed, found, weighed, probabilities = self._read([text])
        score = float(probabilities[0, self._index(theme)])
        return self._explanations(analysed[0], found[0], weighed[0], [(theme, score)], top)[0]

    def _explanations(
        self,
        words,
        found: dict[str, tuple[str, ...]],
        text_features: tuple[np.ndarray, np.ndarray],
        scored_themes: Sequence[tuple[str, float]],
        top: int = 5,
    ) -> list[ThemeExplanation]:
        if not scored_themes:
            return []
        theme_rows = [self._index(theme) for theme, _ in scored_themes]
        columns, slots = self.features.occurrences(words)
        per_slot = np.zeros((len(theme_rows), 2 * len(words)))
        if len(columns):
            unique_columns, values = text_features
            positions = np.searchsorted(unique_columns, columns)
            counts = np.bincount(positions, minlength=len(unique_columns))
            # a feature's contribution is shared by the words (or word pairs) it occurs in
            shares = values[positions] / counts[positions]
            contributions = self._weights_t[columns][:, theme_rows].T * shares
            for row in range(len(theme_rows)):
                per_slot[row] = np.bincount(slots, weights=contributions[row], minlength=2 * len(words))
        explanations = []
        for row, (theme, score) in enumerate(scored_themes):
            totals: dict[str, float] = defaultdict(float)
            positive = np.flatnonzero(per_slot[row] > 0)
            for slot, weight in zip(positive.tolist(), per_slot[row, positive].tolist()):
                totals[self._shown(words, slot)] += weight
            drivers = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:top]
            explanations.append(ThemeExplanation(theme, score, found.get(theme, ()), tuple(drivers)))
        return explanations

    @staticmethod
    def _shown(words, slot: int) -> str:
        """Slot i is word i as written; slot n + i the word pair (i - 1, i) of a bigram."""
        if slot < len(words):
            return words[slot].surface
        index = slot - len(words)
        return f"{words[index - 1].surface} {words[index].surface}"

    # --- persistence -------------------------------------------------------------------

    def with_metrics(self, metrics: dict) -> ThemeClassifier:
        """The same model carrying evaluation figures (metrics never change predictions)."""
        clone = object.__new__(ThemeClassifier)
        clone.__dict__.update(self.__dict__)
        clone.metrics = dict(metrics)
        return clone

    def to_bytes(self) -> bytes:
        manifest = {
            "version": self.version,
            "theme_slugs": list(self.theme_slugs),
            "keywords": [[k.theme, k.term, k.match, k.folded] for k in self.keywords],
            "lexicon": list(self.lexicon),
            "word_terms": _terms_in_column_order(self.features.words.vocabulary),
            "char_terms": _terms_in_column_order(self.features.chars.vocabulary),
            "word_weight": self.features.words.weight,
            "char_weight": self.features.chars.weight,
            "char_ngram_range": list(self.features.char_ngram_range),
            "keyword_weight": self.features.keyword_weight,
            "settings": {
                "review_threshold": self.settings.review_threshold,
                "max_themes": self.settings.max_themes,
                "fallback_to_best": self.settings.fallback_to_best,
                "relative_threshold": self.settings.relative_threshold,
            },
            "params": self.params,
            "metrics": self.metrics,
        }
        arrays = {
            "word_idf": self.features.words.idf,
            "char_idf": self.features.chars.idf,
            "coefficients": self.coefficients,
            "intercepts": self.intercepts,
            "calibration": self.calibration,
            "thresholds": self.thresholds,
        }
        return storage.pack(manifest, arrays)

    @classmethod
    def from_bytes(cls, blob: bytes) -> ThemeClassifier:
        manifest, arrays = storage.unpack(blob)
        try:
            features = FeatureSpace(
                words=TfidfBlock(_vocabulary(manifest["word_terms"]), arrays["word_idf"], manifest["word_weight"]),
                chars=TfidfBlock(_vocabulary(manifest["char_terms"]), arrays["char_idf"], manifest["char_weight"]),
                char_ngram_range=tuple(manifest["char_ngram_range"]),
                keyword_weight=manifest["keyword_weight"],
                n_themes=len(manifest["theme_slugs"]),
            )
            return cls(
                theme_slugs=manifest["theme_slugs"],
                keywords=[ThemeKeyword(*k) for k in manifest["keywords"]],
                lexicon=manifest["lexicon"],
                features=features,
                coefficients=arrays["coefficients"],
                intercepts=arrays["intercepts"],
                calibration=arrays["calibration"],
                thresholds=arrays["thresholds"],
                settings=DecisionSettings(**manifest["settings"]),
                params=manifest["params"],
                version=manifest["version"],
                metrics=manifest["metrics"],
            )
        except (KeyError, TypeError) as error:
            raise storage.ModelFormatError(f"incomplete model: {error}") from error

    def __repr__(self) -> str:
        size = f"themes={len(self.theme_slugs)}, features={self.features.n_features}"
        return f"ThemeClassifier(version={self.version!r}, {size})"


def _terms_in_column_order(vocabulary: dict[str, int]) -> list[str]:
    terms = [""] * len(vocabulary)
    for term, column in vocabulary.items():
        terms[column] = term
    return terms


def _vocabulary(terms: Sequence[str]) -> dict[str, int]:
    return {term: column for column, term in enumerate(terms)}

