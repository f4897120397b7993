"""What an operator can do from the command line (the `buurt` CLI calls these; no Flask here)."""

from __future__ import annotations

from dataclasses import dataclass

from services.intake import erasure
from services.intake.app import build_runtime
from services.intake.settings import IntakeSettings
from services.intake.tokens import Tokens
from shared.config import Settings


@dataclass(frozen=True)
class OperatorErasure:
    erasure_id: str
    status_url: str  # the page that shows which services have reported


def erase_by_email(email: str, settings: Settings | None = None) -> OperatorErasure | None:
    """Erase the member with this e-mail address, as the erasure link would; None if there is none."""
    runtime = build_runtime(settings)
    try:
        with runtime.uow_factory() as uow:
            try:
                erasure_id = erasure.erase_member_by_email(uow, email, via="operator")
            except erasure.MemberNotFound:
                return None
        own = IntakeSettings.from_settings(runtime.settings)
        tokens = Tokens.create(runtime.settings.secret_key, own.confirm_max_age, own.unconfirmed_retention, own.erasure_link_max_age)
        status_url = f"{runtime.settings.public_url('intake')}/erasures/{tokens.erasure_status.sign(erasure_id)}"
        return OperatorErasure(erasure_id, status_url)
    finally:
        runtime.engine.dispose()
