"""The taxonomy keyword layer: each theme's keywords from themes.json, matched on folded text.

Match modes (as themes.json defines them), applied to folded text so that accents, case and
hyphens do not matter:

- `substring`: anywhere, also inside compounds (`overlast` in `parkeeroverlast`, `speelplek`
  in `speelplekje`);
- `prefix`: a word starts with the term, phrases start at a word boundary (`woning` in
  `woningen`, `gemengde wijk` in `gemengde wijken`);
- `word`: the whole word, allowing the plural -s and diminutives (`park`, `parkje`, `parkjes`,
  `boa's`) but not other words that start with it (`park` never matches `parkeren`, `zorg`
  never `zorgen`, `geweld` never `geweldig`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .text import strip_diminutive, tokenize

MATCH_MODES = ("substring", "prefix", "word")


@dataclass(frozen=True)
class ThemeKeyword:
    theme: str
    term: str  # as written in themes.json
    match: str
    folded: str  # the term folded like the text


def _word_forms(token: str) -> set[str]:
    """Forms a word-mode keyword accepts for one token: itself, without plural -s, without diminutive."""
    forms = {token, strip_diminutive(token)}
    if len(token) > 3 and token.endswith("s"):
        forms.add(token[:-1])
    return forms


class KeywordMatcher:
    """Finds which taxonomy keywords occur in a text, per theme."""

    def __init__(self, keywords: Iterable[ThemeKeyword], theme_order: Sequence[str]):
        self.keywords = tuple(keywords)
        self.theme_order = tuple(theme_order)
        for keyword in self.keywords:
            if keyword.match not in MATCH_MODES:
                raise ValueError(f"unknown match mode {keyword.match!r} for {keyword.term!r}")
        # one-word keywords can only match inside one token, so their hits are cached per token
        self._one_word = tuple(k for k in self.keywords if " " not in k.folded)
        self._phrases = tuple(k for k in self.keywords if " " in k.folded)
        self._token_hits: dict[str, tuple[ThemeKeyword, ...]] = {}

    @classmethod
    def from_themes(cls, themes) -> KeywordMatcher:
        """Build from `shared.reference.themes()` (or any objects with slug and keywords)."""
        keywords = [
            ThemeKeyword(theme.slug, k.term, k.match, fold_term(k.term))
            for theme in themes
            for k in theme.keywords
        ]
        return cls(keywords, [theme.slug for theme in themes])

    def _hits_in_token(self, token: str) -> tuple[ThemeKeyword, ...]:
        hits = self._token_hits.get(token)
        if hits is None:
            forms = _word_forms(token)
            hits = tuple(
                k
                for k in self._one_word
                if (k.match == "substring" and k.folded in token)
                or (k.match == "prefix" and token.startswith(k.folded))
                or (k.match == "word" and k.folded in forms)
            )
            if len(self._token_hits) < 200_000:
                self._token_hits[token] = hits
        return hits

    def matches(self, text: str) -> dict[str, tuple[str, ...]]:
        """Theme slug -> the keyword terms found in the text (only themes with a hit)."""
        tokens = tokenize(text)
        found: dict[str, set[str]] = {}
        for token in set(tokens):
            for keyword in self._hits_in_token(token):
                found.setdefault(keyword.theme, set()).add(keyword.term)
        if self._phrases:
            padded = " " + " ".join(tokens) + " "
            for keyword in self._phrases:
                if self._phrase_matches(keyword, padded):
                    found.setdefault(keyword.theme, set()).add(keyword.term)
        return {theme: tuple(sorted(terms)) for theme, terms in found.items()}

    @staticmethod
    def _phrase_matches(keyword: ThemeKeyword, padded: str) -> bool:
        if keyword.match == "substring":
            return keyword.folded in padded
        if keyword.match == "prefix":
            return " " + keyword.folded in padded
        return " " + keyword.folded + " " in padded  # a multi-word phrase in word mode

    def hit_counts(self, text: str) -> list[int]:
        """Number of distinct keywords found per theme, in theme order."""
        found = self.matches(text)
        return [len(found.get(theme, ())) for theme in self.theme_order]

    def predict(self, text: str) -> list[str]:
        """The keyword-only baseline: every theme with at least one keyword in the text."""
        found = self.matches(text)
        return [theme for theme in self.theme_order if theme in found]


def fold_term(term: str) -> str:
    """A keyword term folded the way texts are: `Re-integratie` -> `reintegratie`."""
    return " ".join(tokenize(term))
