"""The peer index: every consenting member's expertise offers, in memory, by theme.

Each process (worker, web app) keeps one and catches up before every search from
`peer_index_changes`, which every change of `peer_offers` appends to in the same
transaction. Ids are handed out in insert order but become visible in commit order, so the
catch-up looks back over a window of recent ids and applies each change it has not seen.
A change without text id (an erasure) makes every process reload the whole index.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sqlalchemy import bindparam, delete, func, insert, select

from services.matching.models import PeerExposure, PeerIndexChange, PeerOffer
from services.matching.similarity import cosine
from shared import reference
from shared.contracts.envelope import utcnow
from shared.db.uow import UnitOfWork

LOOK_BACK = 1000  # ids below the highest seen that may still commit late
KEEP_CHANGES = 10_000  # the purge keeps this many of the latest changes
REBUILD_AFTER = 500  # offers added since the term matrix was built, compared one by one until then


@dataclass(frozen=True)
class Offer:
    text_id: str
    member_id: str
    role: str
    municipality_code: str
    province_code: str
    themes: frozenset[str]
    terms: dict[str, float]


def record_changes(uow: UnitOfWork, text_ids: Iterable[str | None]) -> None:
    """Tell every process's index that these offers changed (None: reload everything)."""
    now = utcnow()
    uow.session.connection().execute(insert(PeerIndexChange), [{"text_id": t, "changed_at": now} for t in text_ids])


class PeerIndex:
    """Offers in slots, with numpy columns for what the ranking compares in bulk (theme bits,
    municipality, province, role, member); a removed offer leaves a dead slot until the next
    reload. The texts' term vectors stay in the `Offer` objects."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._highest: int | None = None  # None: not loaded
        self._applied: set[int] = set()
        self._clear()

    def _clear(self) -> None:
        self.offers: list[Offer | None] = []
        self._slot: dict[str, int] = {}
        self.codes: dict[str, dict[str, int]] = {"town": {}, "province": {}, "member": {}}
        self.theme_bits = {slug: 1 << i for i, slug in enumerate(reference.theme_slugs())}
        self._columns = {name: np.zeros(1024, dtype=dtype) for name, dtype in _COLUMNS}
        self._vocabulary: dict[str, int] = {}
        self._matrix = sp.csr_matrix((0, 1))

    def __len__(self) -> int:
        return len(self._slot)

    def code(self, kind: str, value: str) -> int:
        """A stable small integer per municipality, province or member (-1: never seen)."""
        return self.codes[kind].get(value, -1)

    def snapshot(self) -> tuple[list[Offer | None], dict[str, np.ndarray]]:
        """The offers and their columns as they are now (dead slots marked in `alive`)."""
        with self._lock:
            n = len(self.offers)
            return list(self.offers), {name: column[:n] for name, column in self._columns.items()}

    def similarities(self, terms: dict[str, float], slots: np.ndarray, offers: list[Offer | None]) -> np.ndarray:
        """Cosine between `terms` and the offers in these slots: one sparse product for the slots
        in the term matrix, a dictionary walk for the few offers added since it was built."""
        with self._lock:
            matrix, vocabulary = self._matrix, self._vocabulary
        built = matrix.shape[0]
        query = np.zeros(matrix.shape[1])
        for term, weight in terms.items():
            column = vocabulary.get(term)
            if column is not None and column < len(query):
                query[column] = weight
        result = np.empty(len(slots))
        in_matrix = slots < built
        result[in_matrix] = (matrix @ query)[slots[in_matrix]]
        for i in np.flatnonzero(~in_matrix).tolist():
            result[i] = cosine(terms, offers[slots[i]].terms)
        return result

    def _build_matrix(self) -> None:
        """Term vectors of every slot as one CSR matrix (dead slots are masked by `alive`)."""
        vocabulary = self._vocabulary
        indptr, indices, data = [0], [], []
        for offer in self.offers:
            if offer is not None:
                for term, weight in offer.terms.items():
                    indices.append(vocabulary.setdefault(term, len(vocabulary)))
                    data.append(weight)
            indptr.append(len(indices))
        self._matrix = sp.csr_matrix(
            (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
            shape=(len(self.offers), max(1, len(vocabulary))),
        )

    # --- keeping up --------------------------------------------------------------------

    def sync(self, uow: UnitOfWork) -> None:
        with self._lock:
            if self._highest is None:
                self._reload(uow)
                return
            changes = uow.session.connection().execute(_CHANGES_AFTER, {"after": self._highest - LOOK_BACK}).all()
            fresh = [(i, t) for i, t in changes if i not in self._applied]
            if not fresh:
                return
            oldest = uow.session.scalar(select(func.min(PeerIndexChange.id)))
            if oldest is not None and oldest > self._highest + 1:
                # changes this process never saw were purged (or ids were skipped): start afresh
                self._reload(uow)
                return
            dead = sum(1 for o in self.offers if o is None)
            if any(t is None for _, t in fresh) or dead > 1000 and dead > len(self.offers) // 2:
                self._reload(uow)
                return
            changed = {t for _, t in fresh}
            rows = {o.text_id: o for o in self._read(uow, PeerOffer.text_id.in_(sorted(changed)))}
            for text_id in changed:
                self._remove(text_id)
                if text_id in rows:
                    self._add(rows[text_id])
            if len(self.offers) - self._matrix.shape[0] > REBUILD_AFTER:
                self._build_matrix()
            self._note(i for i, _ in fresh)

    def _reload(self, uow: UnitOfWork) -> None:
        highest = uow.session.scalar(select(func.max(PeerIndexChange.id))) or 0
        self._clear()
        for offer in self._read(uow, None):
            self._add(offer)
        self._build_matrix()
        self._highest, self._applied = highest, set()
        self._note(
            uow.session.scalars(select(PeerIndexChange.id).where(PeerIndexChange.id > highest - LOOK_BACK))
        )

    def _note(self, ids: Iterable[int]) -> None:
        self._applied.update(ids)
        if self._applied:
            self._highest = max(self._highest or 0, max(self._applied))
        floor = (self._highest or 0) - LOOK_BACK
        self._applied = {i for i in self._applied if i > floor}

    @staticmethod
    def _read(uow: UnitOfWork, where) -> list[Offer]:
        query = select(
            PeerOffer.text_id,
            PeerOffer.member_id,
            PeerOffer.role,
            PeerOffer.municipality_code,
            PeerOffer.province_code,
            PeerOffer.themes,
            PeerOffer.terms,
        ).order_by(PeerOffer.text_id)
        if where is not None:
            query = query.where(where)
        return [Offer(r[0], r[1], r[2], r[3], r[4], frozenset(r[5]), r[6]) for r in uow.session.execute(query)]

    def _intern(self, kind: str, value: str) -> int:
        table = self.codes[kind]
        return table.setdefault(value, len(table))

    def _add(self, offer: Offer) -> None:
        slot = len(self.offers)
        if slot == len(self._columns["alive"]):
            self._columns = {name: np.concatenate([c, np.zeros_like(c)]) for name, c in self._columns.items()}
        self.offers.append(offer)
        self._slot[offer.text_id] = slot
        columns = self._columns
        columns["alive"][slot] = True
        columns["themes"][slot] = sum(self.theme_bits.get(t, 0) for t in offer.themes)
        columns["town"][slot] = self._intern("town", offer.municipality_code)
        columns["province"][slot] = self._intern("province", offer.province_code)
        columns["member"][slot] = self._intern("member", offer.member_id)
        columns["role"][slot] = ROLE_CODES.get(offer.role, ROLE_CODES["anders"])

    def _remove(self, text_id: str) -> None:
        slot = self._slot.pop(text_id, None)
        if slot is not None:
            self.offers[slot] = None
            self._columns["alive"][slot] = False


ROLE_CODES = {r: i for i, r in enumerate(("bewoner", "buurtmaker", "wijkprofessional", "beleidsmaker", "bestuurder", "anders"))}
_COLUMNS = (
    ("alive", np.bool_),
    ("themes", np.int32),
    ("town", np.int32),
    ("province", np.int32),
    ("member", np.int32),
    ("role", np.int8),
)


# Built once: building a statement costs more than running it, and these run for every submission.
_CHANGES_AFTER = (
    select(PeerIndexChange.id, PeerIndexChange.text_id)
    .where(PeerIndexChange.id > bindparam("after"))
    .order_by(PeerIndexChange.id)
)
_EXPOSURE_BY_COUNT = (
    select(PeerExposure.count, func.array_agg(PeerExposure.member_id))
    .where(PeerExposure.month == bindparam("month"))
    .group_by(PeerExposure.count)
)


def purge(uow: UnitOfWork, today_month: str) -> None:
    """Housekeeping: drop all but the latest changes, and exposure counts of months gone by."""
    highest = uow.session.scalar(select(func.max(PeerIndexChange.id)))
    if highest is not None:
        uow.session.execute(delete(PeerIndexChange).where(PeerIndexChange.id <= highest - KEEP_CHANGES))
    uow.session.execute(delete(PeerExposure).where(PeerExposure.month < today_month))
    uow.commit()


def exposure(uow: UnitOfWork, month: str) -> dict[int, list[str]]:
    """The members suggested this month, by how often (members never suggested are absent)."""
    connection = uow.session.connection()
    if connection.dialect.name == "postgresql":
        # By the end of a month thousands of members have a count, and a row each would cost more
        # to fetch than the query takes: one row per count instead, with its members as an array.
        return dict(connection.execute(_EXPOSURE_BY_COUNT, {"month": month}).all())
    by_count: dict[int, list[str]] = defaultdict(list)
    rows = connection.execute(select(PeerExposure.member_id, PeerExposure.count).where(PeerExposure.month == month))
    for member_id, count in rows:
        by_count[count].append(member_id)
    return dict(by_count)
