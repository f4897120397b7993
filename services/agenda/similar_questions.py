"""Near-duplicate learning questions: grouped, each group shown by its clearest question.

Each question gets a signature when it is folded in: its distinct content words, folded
(lowercase, no accents) and stemmed (Snowball Dutch), sorted. Two questions are alike when
the Jaccard similarity of their signatures is at least the threshold (``AGENDA_SIMILARITY``).

Grouping works on phrasings (all questions of a theme with one signature, counted in the
database) and is greedy and exact for that threshold: the most-asked phrasings lead, and
every phrasing joins the first leader it is alike to. Candidate leaders are found with prefix
filtering (two sets with Jaccard >= t share a word among the rarest ``|s| - ceil(t*|s|) + 1``
words of each) and a length filter, so a theme with tens of thousands of questions is grouped
without comparing every pair. The clearest question of a group is then picked among the
texts of its most-asked phrasings.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from itertools import chain
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

_TOKEN = re.compile(r"[a-z0-9]+")
_PLACEHOLDER = re.compile(r"\[[a-z-]+\]")
_local = threading.local()  # PyStemmer objects are not thread-safe

# Function words that say nothing about what is asked (Dutch and English).
STOPWORDS = frozenset(
    """
    aan al alle als bij dan dat de deze die dit doe doen door een en er ga gaan heb hebben het hoe hun ik
    in is je jij kan kun kunnen maar me meer met mij mijn na naar niet nog nu of om onder ons onze ook op
    over te tot u uit van veel voor wat we welk welke wie wij wordt worden zal ze zich zijn zo zou zoals
    a an and are can do does for how i in is it of on or the to we what which who with you your
    """.split()
)


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("dutch_porter")
    return stemmer


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


def _fold(text: str) -> str:
    lowered = _PLACEHOLDER.sub(" ", text.lower())
    if not lowered.isascii():
        lowered = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
    return lowered


def signature(text: str) -> str:
    """Sorted distinct stemmed content words, space-separated ("" for a text without any)."""
    words = {_stem(w) for w in _TOKEN.findall(_fold(text)) if len(w) > 1 and w not in STOPWORDS and not w.isdigit()}
    return " ".join(sorted(words))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def clarity(text: str) -> tuple:
    """Higher is clearer: a real question, few removed details, of a readable length, capitalised."""
    length = len(text)
    return (
        text.rstrip().endswith("?"),
        -text.count("["),  # placeholders left by scrubbing
        -abs(min(length, 300) - 90) // 15,  # around one sentence
        text[:1].isupper(),
        -length,
    )


@dataclass(slots=True)
class Phrasing:
    """The questions of one theme that share a signature: how often, and by whom (member keys)."""

    signature: str
    asked: int
    members: set
    first_id: str


@dataclass
class Group:
    phrasings: list[Phrasing]  # most asked first
    members: int
    asked: int


def group_phrasings(phrasings: Iterable[Phrasing], threshold: float, limit: int | None = None) -> list[Group]:
    """Groups of alike phrasings, largest first (members, then questions), the ``limit`` largest if given."""
    by_signature = {p.signature: p for p in phrasings}
    if not by_signature:
        return []
    word_sets = {sig: frozenset(sig.split()) for sig in by_signature}
    frequency = Counter(chain.from_iterable(word_sets.values()))
    rank = {w: i for i, w in enumerate(sorted(frequency, key=lambda w: (frequency[w], w)))}  # rarest first

    leaders: list[str] = []
    leader_words: list[frozenset[str]] = []
    members_of: list[list[str]] = []
    index: dict[str, list[int]] = defaultdict(list)  # word in a leader's prefix -> leaders (ascending)
    ratio = threshold / (1 + threshold)  # J >= t  <=>  |a & b| >= t/(1+t) * (|a| + |b|)
    # Leaders are the signatures asked most often (then the shortest, then alphabetical: deterministic).
    for sig in sorted(by_signature, key=lambda s: (-by_signature[s].asked, len(word_sets[s]), s)):
        words = word_sets[sig]
        size = len(words)
        prefix = sorted(words, key=rank.__getitem__)[: size - math.ceil(threshold * size) + 1] if size else []
        home = None
        lists = [index[w] for w in prefix if w in index]
        if lists:
            # The first alike leader wins: candidates in leader order, lengths outside
            # [t*|s|, |s|/t] skipped, the overlap counted in C (set &).
            low, high = threshold * size, size / threshold
            for leader in sorted(set().union(*lists)) if len(lists) > 1 else lists[0]:
                other = leader_words[leader]
                if low <= len(other) <= high and len(words & other) >= ratio * (size + len(other)) - 1e-9:
                    home = leader
                    break
        if home is None:
            for word in prefix:
                index[word].append(len(leaders))
            leaders.append(sig)
            leader_words.append(words)
            members_of.append([sig])
        else:
            members_of[home].append(sig)

    groups = []
    for signatures in members_of:
        parts = sorted((by_signature[s] for s in signatures), key=lambda p: (-p.asked, p.signature))
        members = set().union(*(p.members for p in parts))
        groups.append(Group(parts, len(members), sum(p.asked for p in parts)))
    groups.sort(key=lambda g: (-g.members, -g.asked, min(p.first_id for p in g.phrasings)))
    return groups if limit is None else groups[:limit]


@dataclass(slots=True)
class Asked:
    """One question with its text (for tests and small sets)."""

    id: str
    member_id: str
    text: str
    signature: str


def phrasings_of(questions: Iterable[Asked]) -> list[Phrasing]:
    by_signature: dict[str, Phrasing] = {}
    for q in questions:
        sig = q.signature or q.text.lower()
        phrasing = by_signature.get(sig)
        if phrasing is None:
            by_signature[sig] = Phrasing(sig, 1, {q.member_id}, q.id)
        else:
            phrasing.asked += 1
            phrasing.members.add(q.member_id)
            phrasing.first_id = min(phrasing.first_id, q.id)
    return list(by_signature.values())


def clearest(questions: Iterable[Asked]) -> Asked:
    return max(questions, key=lambda q: (clarity(q.text), q.id))
