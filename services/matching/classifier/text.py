"""Dutch text handling: folding, tokens, diminutives, Snowball stems and compound splitting.

Everything here is a pure function of its input (plus a lexicon for compounds), cached per
distinct word, because the same few thousand words recur in every text.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from .lexicon import BASE_WORDS, NOT_COMPOUND_PARTS, STOPWORDS

_APOSTROPHES = re.compile(r"['’‘`´]")
_INNER_HYPHEN = re.compile(r"(?<=[a-z0-9])[-‐‑](?=[a-z])")
_TOKEN = re.compile(r"[a-z0-9]+")
_VOWELS = frozenset("aeiou")
_KNOWN_T_WORDS = frozenset(w for w in BASE_WORDS if w.endswith("t"))

# Classic Snowball Dutch (Kraaij-Pohlmann style); the newer "dutch" algorithm strips
# ge- prefixes and infixes and turns "gezondheid" into "zon" and "gemeente" into "meen".
STEMMER_ALGORITHM = "dutch_porter"

_local = threading.local()  # PyStemmer objects are not thread-safe


def fold(text: str) -> str:
    """Lowercase, strip accents and apostrophes, join hyphenated words (`buurt-huis` -> `buurthuis`)."""
    lowered = text.lower()
    if not lowered.isascii():
        decomposed = unicodedata.normalize("NFKD", lowered)
        lowered = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _INNER_HYPHEN.sub("", _APOSTROPHES.sub("", lowered))


def tokenize(text: str) -> list[str]:
    """Folded alphanumeric tokens of a text, in order."""
    return _TOKEN.findall(fold(text))


def is_content_word(token: str) -> bool:
    return len(token) > 1 and not token.isdigit() and token not in STOPWORDS


@lru_cache(maxsize=100_000)
def strip_diminutive(token: str) -> str:
    """The base of a Dutch diminutive: huisje, boompje, tuintje, balletje, straatjes -> huis, boom,
    tuin, bal, straat. Words that are no diminutive come back unchanged."""
    word = token[:-1] if token.endswith("jes") else token
    if len(word) < 5 or not word.endswith("je"):
        return token
    if word.endswith("etje") and len(word) >= 7:
        rest = word[:-4]
        if rest[-1] == rest[-2] and rest[-1] not in _VOWELS:
            return rest[:-1]  # balletje, karretje: short vowel, doubled consonant
        if rest.endswith(("m", "ng")):
            return rest  # bloemetje, ringetje
    if word.endswith("pje") and word[-4] == "m":
        return word[:-3]  # boompje, raampje
    if word.endswith("tje"):
        rest = word[:-3]
        if word[:-2] in _KNOWN_T_WORDS:
            return word[:-2]  # buurtje, plantje: the word itself ends in -t
        if rest[-1] in "lnrw" and rest[-2] in _VOWELS:
            return rest  # tuintje, stoeltje, deurtje, vrouwtje
        if rest[-1] in _VOWELS and rest[-2] not in _VOWELS:
            return rest  # a single final vowel: menutje
    return word[:-2]  # huisje, straatje, buurtje, plantje, bankje


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer(STEMMER_ALGORITHM)
    return stemmer


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball Dutch stem of one folded word."""
    return _stemmer().stemWord(word)


@lru_cache(maxsize=200_000)
def normalise_word(token: str) -> str:
    """The form words are compared by: diminutive removed, then stemmed."""
    return stem(strip_diminutive(token))


class CompoundSplitter:
    """Splits Dutch compounds into known parts: parkeeroverlast -> parkeer + overlast.

    A part is known when it, or its stem, is in the lexicon. Non-final parts may carry a
    linking -s-, -e- or -en- (verkeer-s-veiligheid, zonn-e-panelen). The split with the fewest
    parts wins; a word with no complete split is not a compound.
    """

    MIN_PART = 4
    MIN_WORD = 7

    def __init__(self, words: Iterable[str]):
        folded = {fold(w) for w in words}
        self.words = frozenset(
            w for w in folded if w.isalpha() and w not in NOT_COMPOUND_PARTS and w not in STOPWORDS
        )
        self._short_words = frozenset(w for w in self.words if len(w) == 3)
        self._stems = frozenset(stem(w) for w in self.words)
        self._cache: dict[str, tuple[str, ...]] = {}

    def _known(self, part: str) -> bool:
        if len(part) < self.MIN_PART:
            return part in self._short_words
        return part in self.words or stem(part) in self._stems or self._plural_of_known(part)

    def _plural_of_known(self, part: str) -> bool:
        return (part.endswith("en") and part[:-2] in self.words) or (
            part.endswith("s") and part[:-1] in self.words
        )

    def _cost(self, parts: tuple[str, ...]) -> tuple[int, int, int]:
        """Fewest parts, then most parts written as lexicon words, then the longest tail."""
        indirect = sum(1 for p in parts if p not in self.words)
        return (len(parts), indirect, -len(parts[-1]))

    def _known_head(self, part: str) -> str | None:
        """The base of a non-final part, allowing a linking element, or None."""
        if self._known(part):
            return part
        for link in ("s", "en", "e"):
            if part.endswith(link) and self._known(part[: -len(link)]):
                return part[: -len(link)]
        return None

    def split(self, word: str) -> tuple[str, ...]:
        """Parts of a compound (at least two, then the parts of any compound part), or ()."""
        cached = self._cache.get(word)
        if cached is None:
            cached = self._split(word) if len(word) >= self.MIN_WORD and word.isalpha() else ()
            # parts that are compounds themselves contribute their own parts too
            cached += tuple(sub for part in cached for sub in self.split(part))
            if len(self._cache) < 200_000:
                self._cache[word] = cached
        return cached

    def _split(self, word: str) -> tuple[str, ...]:
        n = len(word)
        # best[i]: fewest heads segmenting word[:i], each head a known part (with linking element)
        best: list[tuple[str, ...] | None] = [None] * (n + 1)
        best[0] = ()
        for end in range(3, n - 2):
            for start in range(0, end - 2):
                if best[start] is None or (best[end] is not None and len(best[start]) + 1 >= len(best[end])):
                    continue
                head = self._known_head(word[start:end])
                if head is not None:
                    best[end] = (*best[start], head)
        candidates = [
            (*best[start], word[start:])
            for start in range(3, n - 2)
            if best[start] and self._known(word[start:])
        ]
        return min(candidates, key=self._cost) if candidates else ()


@lru_cache(maxsize=1)
def default_splitter() -> CompoundSplitter:
    """A splitter over the base lexicon and the taxonomy keywords; built on first use."""
    from shared.reference import themes

    words = set(BASE_WORDS)
    for theme in themes():
        for keyword in theme.keywords:
            words.update(tokenize(keyword.term))
    return CompoundSplitter(words)


@dataclass(frozen=True)
class AnalysedWord:
    surface: str  # the folded token as written
    stem: str  # stem of the diminutive-stripped word
    part_stems: tuple[str, ...]  # stems of its compound parts, if any


class Analyser:
    """Turns a text into analysed content words; the unit the feature extractors work on."""

    def __init__(self, splitter: CompoundSplitter):
        self.splitter = splitter
        self._cache: dict[str, AnalysedWord] = {}

    def word(self, token: str) -> AnalysedWord:
        analysed = self._cache.get(token)
        if analysed is None:
            base = strip_diminutive(token)
            parts = self.splitter.split(base)
            analysed = AnalysedWord(token, stem(base), tuple(stem(p) for p in parts))
            if len(self._cache) < 200_000:
                self._cache[token] = analysed
        return analysed

    def analyse(self, text: str) -> list[AnalysedWord]:
        return [self.word(t) for t in tokenize(text) if is_content_word(t)]
