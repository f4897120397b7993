"""Matching's own settings, read from the environment by the composition roots."""

from __future__ import annotations

from dataclasses import dataclass

from shared.config import ConfigurationError, Settings


@dataclass(frozen=True)
class MatchingSettings:
    review_threshold: float  # a text whose best theme score is below this goes to the review queue
    curator_token: str | None  # None: the curator API is off and answers 503
    member_theme_min_weight: float  # weighted evidence a member needs to join a theme circle
    peers_per_question: int
    peer_monthly_limit: int  # nobody is suggested more often than this per calendar month

    @classmethod
    def from_settings(cls, settings: Settings) -> "MatchingSettings":
        threshold = settings.number("REVIEW_THRESHOLD", 0.5)
        if not 0.0 <= threshold <= 1.0:
            raise ConfigurationError("matching: BUURT_MATCHING_REVIEW_THRESHOLD must be between 0 and 1")
        token = settings.value("CURATOR_TOKEN")
        if token and not settings.embedded and len(token) < 32:
            # Unset is allowed (the curator API stays off); a weak token is not.
            raise ConfigurationError("matching: BUURT_MATCHING_CURATOR_TOKEN must be at least 32 characters in production")
        return cls(
            review_threshold=threshold,
            curator_token=token or None,
            member_theme_min_weight=settings.number("MEMBER_THEME_MIN_WEIGHT", 0.35),
            peers_per_question=max(0, settings.integer("PEERS_PER_QUESTION", 3)),
            peer_monthly_limit=max(1, settings.integer("PEER_MONTHLY_LIMIT", 4)),
        )
