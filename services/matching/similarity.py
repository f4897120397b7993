"""Text similarity between a learning question and an expertise: TF-IDF cosine over Dutch stems.

A text becomes a small {term: weight} vector (stems and compound-part stems, sublinear tf
times the active model's IDF, L2-normalised), stored with the text. Terms are kept by
their wording, not by column, so vectors made by different model versions still compare.
"""

from __future__ import annotations

import math
from collections import Counter

from services.matching.classifier.model import ThemeClassifier

MAX_TERMS = 40  # enough for the texts of a form, small to store and compare


def term_vector(model: ThemeClassifier, text: str) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for word in model.analyser.analyse(text):
        counts[word.stem] += 1
        for part in word.part_stems:
            if part != word.stem:
                counts[part] += 1
    vocabulary, idf = model.features.words.vocabulary, model.features.words.idf
    rare = float(idf.max()) if len(idf) else 1.0  # a word the model never saw is as rare as its rarest
    weights = {}
    for term, count in counts.items():
        column = vocabulary.get(term)
        weights[term] = (1.0 + math.log(count)) * (float(idf[column]) if column is not None else rare)
    top = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:MAX_TERMS]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {term: round(w / norm, 5) for term, w in top}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    # the key intersection runs in C; texts share few terms, so the sum is short
    return sum(a[t] * b[t] for t in a.keys() & b.keys())


def shared_terms(a: dict[str, float], b: dict[str, float], top: int = 3) -> list[str]:
    """The terms that contribute most to the cosine (for a suggestion's reasons)."""
    common = [(a[t] * b[t], t) for t in a.keys() & b.keys()]
    return [t for _, t in sorted(common, key=lambda item: (-item[0], item[1]))[:top]]
