"""Feature extraction: stemmed word n-grams, character n-grams and keyword hits, TF-IDF weighted.

The weighting is scikit-learn's TfidfVectorizer(sublinear_tf=True, smooth_idf=True, norm="l2"),
computed here with dictionaries and numpy: its per-call overhead alone would cap a batch of
one text far below the throughput the service needs, and a fit spends most of its time in its
vocabulary pass. `tests/unit/matching` checks that both give the same matrix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from .text import AnalysedWord


def word_features(words: Sequence[AnalysedWord]) -> list[tuple[str, int]]:
    """Stems, stems of compound parts and stem bigrams, each with its word position."""
    found = []
    for index, word in enumerate(words):
        found.append((word.stem, index))
        for part in word.part_stems:
            if part != word.stem:
                found.append((part, index))
        if index:
            found.append((words[index - 1].stem + " " + word.stem, index))
    return found


@lru_cache(maxsize=200_000)
def _char_ngrams(surface: str, low: int, high: int) -> tuple[str, ...]:
    padded = " " + surface + " "
    return tuple(
        padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)
    )


def char_features(words: Sequence[AnalysedWord], ngram_range: tuple[int, int]) -> list[tuple[str, int]]:
    """Character n-grams inside each word padded with spaces (like scikit-learn's char_wb)."""
    low, high = ngram_range
    return [(gram, index) for index, word in enumerate(words) for gram in _char_ngrams(word.surface, low, high)]


@dataclass
class TfidfBlock:
    """One TF-IDF feature block (word or character): fitted vocabulary and IDF."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    weight: float  # scales the whole L2-normalised block relative to the other block

    @classmethod
    def fit(cls, documents: Sequence[Sequence[str]], min_df: int, weight: float) -> TfidfBlock:
        """Vocabulary of features in at least `min_df` documents, with TfidfVectorizer's smoothed
        IDF, ln((1 + n) / (1 + df)) + 1. Counted here because scikit-learn's vocabulary pass is
        the slowest step of a fit; `tests/unit/matching` checks the figures against it."""
        document_frequency: Counter[str] = Counter()
        for document in documents:
            document_frequency.update(set(document))
        terms = sorted(t for t, df in document_frequency.items() if df >= min_df)
        df = np.array([document_frequency[t] for t in terms], dtype=np.float64)
        idf = np.log((1.0 + len(documents)) / (1.0 + df)) + 1.0
        return cls({t: i for i, t in enumerate(terms)}, idf, weight)

    def __len__(self) -> int:
        return len(self.vocabulary)

    def columns(self, features: Iterable[str], offset: int = 0) -> list[int]:
        """Columns (plus offset) of the features in the vocabulary; unknown features are dropped."""
        get = self.vocabulary.get
        return [c + offset for c in map(get, features) if c is not None]


class FeatureSpace:
    """The fitted feature layout: word block, character block, then one keyword column per theme.

    Each TF-IDF block is sublinear-tf x idf, L2-normalised per text and scaled by its weight,
    exactly as TfidfVectorizer.transform would give, computed with numpy in one pass for both
    blocks of a whole batch.
    """

    def __init__(
        self,
        words: TfidfBlock,
        chars: TfidfBlock,
        char_ngram_range: tuple[int, int],
        keyword_weight: float,
        n_themes: int,
    ):
        self.words = words
        self.chars = chars
        self.char_ngram_range = tuple(char_ngram_range)
        self.keyword_weight = keyword_weight
        self.n_themes = n_themes
        self.n_text_features = len(words) + len(chars)
        self._idf = np.concatenate([words.idf, chars.idf])
        # columns of a word's own features (stem and parts; character n-grams), cached per word
        self._word_columns: dict[str, list[int]] = {}

    @property
    def n_features(self) -> int:
        return self.n_text_features + self.n_themes

    @property
    def keyword_offset(self) -> int:
        return self.n_text_features

    def occurrences(self, words: Sequence[AnalysedWord]) -> tuple[np.ndarray, np.ndarray]:
        """Every known feature occurrence in one text: its column and its slot, where slot i is
        word i and slot n + i the word pair (i - 1, i) of a bigram."""
        columns, slots = [], []
        get_bigram = self.words.vocabulary.get
        for index, word in enumerate(words):
            own = self._own_columns(word)
            columns.extend(own)
            slots.extend([index] * len(own))
            if index:
                bigram = get_bigram(words[index - 1].stem + " " + word.stem)
                if bigram is not None:
                    columns.append(bigram)
                    slots.append(len(words) + index)
        return np.array(columns, dtype=np.int64), np.array(slots, dtype=np.int64)

    def _own_columns(self, word: AnalysedWord) -> list[int]:
        columns = self._word_columns.get(word.surface)
        if columns is None:
            own = [word.stem] + [p for p in word.part_stems if p != word.stem]
            columns = self.words.columns(own) + self.chars.columns(
                _char_ngrams(word.surface, *self.char_ngram_range), offset=len(self.words)
            )
            if len(self._word_columns) < 200_000:
                self._word_columns[word.surface] = columns
        return columns

    def _columns_of(self, words: Sequence[AnalysedWord], into: list[int]) -> None:
        """Append the columns of one text's word and character features (repeats included)."""
        get_bigram = self.words.vocabulary.get
        previous = None
        for word in words:
            into.extend(self._own_columns(word))
            if previous is not None:
                bigram = get_bigram(previous.stem + " " + word.stem)
                if bigram is not None:
                    into.append(bigram)
            previous = word

    def _weigh_counts(self, rows: np.ndarray, columns: np.ndarray, counts: np.ndarray, n_rows: int) -> np.ndarray:
        values = (1.0 + np.log(counts)) * self._idf[columns]
        in_chars = columns >= len(self.words)
        groups = rows * 2 + in_chars
        norms = np.sqrt(np.bincount(groups, weights=values * values, minlength=2 * n_rows))
        values *= np.where(in_chars, self.chars.weight, self.words.weight) / norms[groups]
        return values

    def weigh(self, analysed: Sequence[Sequence[AnalysedWord]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, columns, values) of the word and character blocks, sorted by row then column."""
        flat: list[int] = []
        lengths = []
        for words in analysed:
            before = len(flat)
            self._columns_of(words, flat)
            lengths.append(len(flat) - before)
        n_rows, width = len(analysed), max(self.n_text_features, 1)
        keys = np.repeat(np.arange(n_rows, dtype=np.int64), lengths) * width + np.array(flat, dtype=np.int64)
        unique, counts = np.unique(keys, return_counts=True)
        rows, columns = np.divmod(unique, width)
        return rows, columns, self._weigh_counts(rows, columns, counts, n_rows)

    def weigh_one(self, words: Sequence[AnalysedWord]) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of one text: `weigh` without the batch bookkeeping (the service's common case)."""
        flat: list[int] = []
        self._columns_of(words, flat)
        columns, counts = np.unique(np.array(flat, dtype=np.int64), return_counts=True)
        return columns, self._weigh_counts(np.zeros(len(columns), dtype=np.int64), columns, counts, 1)

    def keyword_values(self, keyword_hits: Sequence[Sequence[int]]) -> np.ndarray:
        """Dense keyword block. A theme's value saturates with its number of distinct keywords
        found: 1 -> 0.5, 2 -> 0.75, 3 -> 0.875 (times the keyword weight)."""
        hits = np.asarray(keyword_hits, dtype=np.float64).reshape(len(keyword_hits), self.n_themes)
        return np.where(hits > 0, self.keyword_weight * (1.0 - 0.5**hits), 0.0)

    def decisions(
        self,
        analysed: Sequence[Sequence[AnalysedWord]],
        keyword_hits: Sequence[Sequence[int]],
        weights_t: np.ndarray,
        intercepts: np.ndarray,
    ) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """Linear scores X @ weights_t + intercepts without building a sparse matrix (cheap for small
        batches), and each text's (columns, values) for explanations."""
        scores = self.keyword_values(keyword_hits) @ weights_t[self.keyword_offset :] + intercepts
        if len(analysed) == 1:
            columns, values = self.weigh_one(analysed[0])
            scores[0] += values @ weights_t[columns]
            return scores, [(columns, values)]
        rows, columns, values = self.weigh(analysed)
        if len(rows):
            present, starts = np.unique(rows, return_index=True)
            scores[present] += np.add.reduceat(weights_t[columns] * values[:, None], starts, axis=0)
        bounds = np.searchsorted(rows, np.arange(len(analysed) + 1))
        per_text = [(columns[a:b], values[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
        return scores, per_text

    def transform(
        self, analysed: Sequence[Sequence[AnalysedWord]], keyword_hits: Sequence[Sequence[int]]
    ) -> sp.csr_matrix:
        """One CSR matrix with all features, one row per analysed text (for fitting)."""
        rows, columns, values = self.weigh(analysed)
        text_part = sp.csr_matrix((values, (rows, columns)), shape=(len(analysed), self.n_text_features))
        return sp.hstack([text_part, sp.csr_matrix(self.keyword_values(keyword_hits))], format="csr")
