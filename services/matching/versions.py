"""Classifier versions: train deterministically, store with metrics, keep exactly one active.

The worker asks a `ModelProvider` for the active model on every submission; it reloads only
when another process (``buurt matching train``) activated a different version. A database
without any version (fresh embedded start, tests) gets one trained from the bundled labelled
texts; that training is remembered per process, keyed by the bundled data's fingerprint.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from services.matching.classifier.dataset import default_data_dir
from services.matching.classifier.model import ThemeClassifier
from services.matching.models import LabelFeedback, ModelVersion
from shared.contracts.envelope import utcnow
from shared.db.uow import UnitOfWork, UnitOfWorkProvider

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainedVersion:
    model: ThemeClassifier
    metrics: dict
    feedback_members: tuple[str, ...]


def corrections(uow: UnitOfWork) -> tuple[list[dict], tuple[str, ...]]:
    """Every curator correction (the latest per text) and whose texts they are."""
    latest: dict[str, LabelFeedback] = {}
    for row in uow.session.scalars(select(LabelFeedback).order_by(LabelFeedback.id)):
        latest[row.text_id] = row
    examples = [{"id": f"feedback:{r.text_id}", "text": r.text, "labels": r.labels} for _, r in sorted(latest.items())]
    return examples, tuple(sorted({r.member_id for r in latest.values()}))


def train_model(*args, **kwargs):
    # Imported on use: training needs scikit-learn (about 100 MiB in every worker), classifying
    # does not, and a worker trains only when no version is active.
    from services.matching.classifier.training import train_model as train_from_data

    return train_from_data(*args, **kwargs)


def train(uow: UnitOfWork, *, cross_validation_folds: int = 5) -> TrainedVersion:
    """Train on the labelled set plus every curator correction (nothing is stored yet)."""
    examples, members = corrections(uow)
    model, metrics = train_model(examples, cross_validation_folds=cross_validation_folds)
    return TrainedVersion(model, metrics, members)


def store_and_activate(uow: UnitOfWork, trained: TrainedVersion) -> ModelVersion:
    """Store the version (or refresh an identical earlier one) and make it the only active one."""
    now = utcnow()
    row = uow.session.get(ModelVersion, trained.model.version)
    if row is None:
        row = ModelVersion(version=trained.model.version, created_at=now)
        uow.session.add(row)
    row.train_texts = trained.metrics.get("train_texts", 0)
    row.corrections = trained.metrics.get("corrections", 0)
    row.feedback_members = list(trained.feedback_members)
    row.metrics = trained.metrics
    row.blob = trained.model.to_bytes()
    row.active = False
    uow.session.execute(update(ModelVersion).where(ModelVersion.active.is_(True)).values(active=False))
    uow.session.flush()
    row.active = True
    row.activated_at = now
    uow.session.flush()
    return row


_ACTIVE = select(ModelVersion.version).where(ModelVersion.active.is_(True))  # built once: asked for every submission


def active_version_id(uow: UnitOfWork) -> str | None:
    return uow.session.scalar(_ACTIVE)


def load_version(uow: UnitOfWork, version: str) -> ThemeClassifier:
    blob = uow.session.scalar(select(ModelVersion.blob).where(ModelVersion.version == version))
    return ThemeClassifier.from_bytes(blob)


def bundled_data_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(default_data_dir().glob("*.jsonl")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_bundled: dict[str, tuple[ThemeClassifier, dict]] = {}
_bundled_lock = threading.Lock()


def bundled_model() -> tuple[ThemeClassifier, dict]:
    """The model of the bundled labelled texts alone, trained once per process (per data)."""
    fingerprint = bundled_data_fingerprint()
    with _bundled_lock:  # threads of one process wait for the one training
        if fingerprint not in _bundled:
            # Held-out figures only: cross-validation would multiply a start-up's training time.
            _bundled[fingerprint] = train_model(cross_validation_folds=0)
        return _bundled[fingerprint]


def ensure_active(uow_factory: UnitOfWorkProvider) -> str:
    """The active version's id; trains and stores one from the bundled data when there is none."""
    with uow_factory() as uow:
        version = active_version_id(uow)
    if version is not None:
        return version
    model, metrics = bundled_model()
    log.info("no active classifier version: storing one trained on the bundled texts", extra={"version": model.version})
    try:
        with uow_factory() as uow:
            if active_version_id(uow) is None:
                store_and_activate(uow, TrainedVersion(model, metrics, ()))
                uow.commit()
    except IntegrityError:  # another process activated one at the same moment
        pass
    with uow_factory() as uow:
        return active_version_id(uow) or model.version


class ModelProvider:
    """The active classifier for the worker, reloaded only when the active version changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: ThemeClassifier | None = None

    def warm(self, uow_factory: UnitOfWorkProvider) -> None:
        """Make sure a version is active and loaded, before the first submission needs it."""
        ensure_active(uow_factory)
        with uow_factory() as uow:
            self.get(uow)

    def get(self, uow: UnitOfWork) -> ThemeClassifier:
        version = active_version_id(uow)
        with self._lock:
            if self._model is not None and self._model.version == version:
                return self._model
            if version is None:
                # every version was removed (an erasure of corrected texts): the bundled data alone
                model, metrics = bundled_model()
                store_and_activate(uow, TrainedVersion(model, metrics, ()))
            else:
                model = load_version(uow, version)
            self._model = model
            return model
