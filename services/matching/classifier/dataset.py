"""Labelled texts: loading the JSONL files and the deterministic held-out test split.

The split is decided per text id by a salted SHA-256 hash, so adding texts never moves an
existing text between train and test. Texts with the same folded wording are kept once (the
smallest id), so a copy cannot sit on both sides of the split.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .text import tokenize

TEST_FRACTION = 0.2
_SPLIT_SALT = "buurtplatform-theme-split-v1"
_BUCKETS = 10_000


@dataclass(frozen=True)
class LabelledText:
    id: str
    text: str
    labels: tuple[str, ...]
    kind: str | None = None
    style: str | None = None
    role: str | None = None
    weight: float = 1.0  # weak examples (taxonomy descriptions) count for less


class DatasetError(ValueError):
    """A labelled file line that cannot be used, with its file and line number."""


def default_data_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "labelled"


def blind_set_path() -> Path:
    """Texts written apart from the labelled set, by a writer who never saw it; only ever evaluated on."""
    return Path(__file__).resolve().parent.parent / "data" / "evaluation" / "blind.jsonl"


def _parse_line(raw: str, where: str, known_themes: frozenset[str] | None, fallback_id: str) -> LabelledText:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise DatasetError(f"{where}: not valid JSON ({error.msg})") from None
    if not isinstance(record, Mapping):
        raise DatasetError(f"{where}: expected a JSON object")
    text = record.get("text")
    labels = record.get("labels")
    if not isinstance(text, str) or not text.strip():
        raise DatasetError(f"{where}: 'text' must be a non-empty string")
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise DatasetError(f"{where}: 'labels' must be a list of theme slugs")
    if known_themes is not None:
        unknown = sorted(set(labels) - known_themes)
        if unknown:
            raise DatasetError(f"{where}: unknown theme(s) {', '.join(unknown)}")
    return LabelledText(
        id=str(record.get("id") or fallback_id),
        text=text,
        labels=tuple(sorted(set(labels))),
        kind=record.get("kind"),
        style=record.get("style"),
        role=record.get("role"),
    )


def read_jsonl(path: str | Path, known_themes: Iterable[str] | None = None) -> list[LabelledText]:
    """Lines of `{"text": ..., "labels": [...]}` (id optional; defaults to file:line)."""
    path = Path(path)
    themes = frozenset(known_themes) if known_themes is not None else None
    examples = []
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if raw.strip():
                where = f"{path.name}:{number}"
                examples.append(_parse_line(raw, where, themes, fallback_id=where))
    return examples


def deduplicate(examples: Iterable[LabelledText]) -> list[LabelledText]:
    """One example per id and per folded wording (the smallest id wins), sorted by id."""
    by_id: dict[str, LabelledText] = {}
    for example in examples:
        if example.id in by_id and by_id[example.id] != example:
            raise DatasetError(f"id {example.id!r} is used for two different texts")
        by_id[example.id] = example
    by_wording: dict[str, LabelledText] = {}
    for example in sorted(by_id.values(), key=lambda e: e.id):
        by_wording.setdefault(" ".join(tokenize(example.text)), example)
    return sorted(by_wording.values(), key=lambda e: e.id)


def load_labelled(data_dir: str | Path | None = None, known_themes: Iterable[str] | None = None) -> list[LabelledText]:
    """All `*.jsonl` files in the labelled folder, validated against the theme slugs, deduplicated."""
    if known_themes is None:
        from shared.reference import theme_slugs

        known_themes = theme_slugs()
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    examples = []
    for path in sorted(folder.glob("*.jsonl")):
        examples.extend(read_jsonl(path, known_themes))
    return deduplicate(examples)


def split_bucket(text_id: str) -> int:
    digest = hashlib.sha256(f"{_SPLIT_SALT}:{text_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % _BUCKETS


def is_test(text_id: str, test_fraction: float = TEST_FRACTION) -> bool:
    """Whether this id belongs to the held-out test split; depends on the id alone."""
    return split_bucket(text_id) < test_fraction * _BUCKETS


def train_test_split(
    examples: Sequence[LabelledText], test_fraction: float = TEST_FRACTION
) -> tuple[list[LabelledText], list[LabelledText]]:
    train = [e for e in examples if not is_test(e.id, test_fraction)]
    test = [e for e in examples if is_test(e.id, test_fraction)]
    return train, test


def label_counts(examples: Iterable[LabelledText]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for example in examples:
        for label in example.labels:
            counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items()))


def as_labelled(item, default_id: str) -> LabelledText:
    """Accepts a LabelledText, a mapping with text/labels (and optional id) or a (text, labels) pair."""
    if isinstance(item, LabelledText):
        return item
    if isinstance(item, Mapping):
        return LabelledText(str(item.get("id") or default_id), item["text"], tuple(sorted(set(item["labels"]))))
    text, labels = item
    return LabelledText(default_id, text, tuple(sorted(set(labels))))
