"""Partner use cases: plain functions over a unit of work (no Flask, no HTTP client).

``queue_webhook_deliveries`` is the hook the agenda's publish use case calls in the same
transaction as ``uow.publish("agenda.agenda.published.v1", ...)``: the deliveries exist if
and only if the version was published.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from services.agenda.partners.models import (
    ACTIVE,
    DELIVERED,
    FAILED,
    PENDING,
    SENDING,
    Delivery,
    Partner,
    Subscription,
)
from services.agenda.partners.signing import new_secret
from services.agenda.partners.ssrf import AddressGuard, UrlRefused, check_url
from services.agenda.partners.tokens import new_api_token, token_hash
from services.agenda.partners.wakeup import announce_due_deliveries
from shared.contracts.envelope import Event, utcnow
from shared.contracts.registry import CONTRACTS, Contract
from shared.db.uow import UnitOfWork


class NotFound(LookupError):
    """No such partner, subscription or delivery (for this partner)."""


class Conflict(ValueError):
    """The request does not fit the current state."""


class InvalidInput(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(str(errors))
        self.errors = errors


def partner_facing_contracts() -> list[Contract]:
    return [c for c in CONTRACTS.values() if c.partner_facing]


# -- partners (curator) -------------------------------------------------------------------


def register_partner(uow: UnitOfWork, name: str, contact_email: str | None) -> tuple[Partner, str]:
    """A new partner and its API token; the token is returned once and stored only hashed."""
    token = new_api_token()
    partner = Partner(
        id=str(uuid.uuid4()),
        name=name,
        contact_email=contact_email,
        token_hash=token_hash(token),
        active=True,
        created_at=utcnow(),
    )
    uow.session.add(partner)
    uow.commit()
    return partner, token


def list_partners(uow: UnitOfWork) -> list[Partner]:
    return list(uow.session.scalars(select(Partner).order_by(Partner.created_at)))


def get_partner(uow: UnitOfWork, partner_id: str) -> Partner:
    partner = uow.session.get(Partner, partner_id)
    if partner is None:
        raise NotFound("No such partner.")
    return partner


def renew_partner_token(uow: UnitOfWork, partner_id: str) -> str:
    """A new API token; the old one stops working at once."""
    partner = get_partner(uow, partner_id)
    token = new_api_token()
    partner.token_hash = token_hash(token)
    uow.commit()
    return token


def set_partner_active(uow: UnitOfWork, partner_id: str, active: bool) -> Partner:
    """An inactive partner's token is refused and its deliveries wait (they resume on reactivation)."""
    partner = get_partner(uow, partner_id)
    partner.active = active
    if active:
        announce_due_deliveries(uow)
    uow.commit()
    return partner


def partner_for_token(uow: UnitOfWork, token: str) -> Partner | None:
    partner = uow.session.scalar(select(Partner).where(Partner.token_hash == token_hash(token)))
    return partner if partner is not None and partner.active else None


# -- subscriptions (partner) --------------------------------------------------------------


def _subscription(uow: UnitOfWork, partner: Partner, subscription_id: str, lock: bool = False) -> Subscription:
    subscription = uow.session.get(Subscription, subscription_id, with_for_update=lock)
    if subscription is None or subscription.partner_id != partner.id:
        raise NotFound("No such subscription.")
    return subscription


def _checked_url(url: str, guard: AddressGuard, allow_http: bool) -> str:
    try:
        return check_url(url, guard, allow_http)
    except UrlRefused as exc:
        raise InvalidInput({"url": [str(exc)]}) from exc


def list_subscriptions(uow: UnitOfWork, partner: Partner) -> list[Subscription]:
    return list(
        uow.session.scalars(
            select(Subscription).where(Subscription.partner_id == partner.id).order_by(Subscription.created_at)
        )
    )


def get_subscription(uow: UnitOfWork, partner: Partner, subscription_id: str) -> Subscription:
    return _subscription(uow, partner, subscription_id)


def create_subscription(
    uow: UnitOfWork, partner: Partner, data: dict[str, Any], guard: AddressGuard, allow_http: bool
) -> Subscription:
    now = utcnow()
    subscription = Subscription(
        id=str(uuid.uuid4()),
        partner_id=partner.id,
        url=_checked_url(data["url"], guard, allow_http),
        event_types=sorted(set(data["event_types"])),
        themes=sorted(set(data.get("themes") or [])),
        description=data.get("description"),
        secret=new_secret(),
        status=ACTIVE,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(subscription)
    uow.commit()
    return subscription


def update_subscription(
    uow: UnitOfWork,
    partner: Partner,
    subscription_id: str,
    changes: dict[str, Any],
    guard: AddressGuard,
    allow_http: bool,
) -> Subscription:
    subscription = _subscription(uow, partner, subscription_id, lock=True)
    if "url" in changes:
        subscription.url = _checked_url(changes["url"], guard, allow_http)
    if "event_types" in changes:
        subscription.event_types = sorted(set(changes["event_types"]))
    if "themes" in changes:
        subscription.themes = sorted(set(changes["themes"] or []))
    if "description" in changes:
        subscription.description = changes["description"]
    subscription.updated_at = utcnow()
    uow.commit()
    return subscription


def delete_subscription(uow: UnitOfWork, partner: Partner, subscription_id: str) -> None:
    """Removes the endpoint with its delivery log; nothing more is sent to it."""
    subscription = _subscription(uow, partner, subscription_id, lock=True)
    uow.session.delete(subscription)
    uow.commit()


def rotate_secret(uow: UnitOfWork, partner: Partner, subscription_id: str, overlap: timedelta) -> Subscription:
    """A new signing secret; the current one keeps signing beside it for ``overlap``."""
    subscription = _subscription(uow, partner, subscription_id, lock=True)
    now = utcnow()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = now + overlap
    subscription.secret = new_secret()
    subscription.updated_at = now
    uow.commit()
    return subscription


def enable_subscription(uow: UnitOfWork, partner: Partner, subscription_id: str) -> Subscription:
    """Turns a disabled endpoint back on; the deliveries that waited get a fresh retry window."""
    subscription = _subscription(uow, partner, subscription_id, lock=True)
    now = utcnow()
    if subscription.status != ACTIVE:
        subscription.status = ACTIVE
        subscription.disabled_reason = None
        subscription.disabled_at = None
        subscription.failing_since = None
        subscription.updated_at = now
        uow.session.execute(
            update(Delivery)
            .where(Delivery.subscription_id == subscription.id, Delivery.status.in_((PENDING, SENDING)))
            .values(status=PENDING, next_attempt_at=now, window_started_at=now)
        )
        announce_due_deliveries(uow)
    uow.commit()
    return subscription


# -- deliveries ---------------------------------------------------------------------------


def list_deliveries(
    uow: UnitOfWork,
    partner: Partner,
    subscription_id: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Delivery], int]:
    query = select(Delivery).where(Delivery.partner_id == partner.id)
    if subscription_id:
        query = query.where(Delivery.subscription_id == subscription_id)
    if status:
        query = query.where(Delivery.status == status)
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = uow.session.scalars(query.options(selectinload(Delivery.attempt_log)).order_by(Delivery.created_at.desc(), Delivery.id).limit(limit).offset(offset))
    return list(rows), total


def get_delivery(uow: UnitOfWork, partner: Partner, delivery_id: str, lock: bool = False) -> Delivery:
    delivery = uow.session.get(Delivery, delivery_id, with_for_update=lock)
    if delivery is None or delivery.partner_id != partner.id:
        raise NotFound("No such delivery.")
    return delivery


def replay_delivery(uow: UnitOfWork, partner: Partner, delivery_id: str) -> Delivery:
    """Send a delivery again, delivered or not, with the same webhook-id and a fresh signature."""
    delivery = get_delivery(uow, partner, delivery_id, lock=True)
    if delivery.status in (PENDING, SENDING):
        raise Conflict("This delivery is still being delivered; it cannot be replayed now.")
    subscription = uow.session.get(Subscription, delivery.subscription_id)
    if subscription.status != ACTIVE:
        raise Conflict("The subscription is disabled; enable it first.")
    now = utcnow()
    delivery.status = PENDING
    delivery.next_attempt_at = now
    delivery.window_started_at = now
    delivery.replays += 1
    announce_due_deliveries(uow)
    uow.commit()
    return delivery


def purge_delivery_log(uow: UnitOfWork, older_than: timedelta) -> int:
    """Forgets finished deliveries (and their attempts) created longer ago than ``older_than``."""
    result = uow.session.execute(
        delete(Delivery).where(Delivery.status.in_((DELIVERED, FAILED)), Delivery.created_at < utcnow() - older_than)
    )
    uow.commit()
    return result.rowcount or 0


def _themes_of(event: Event) -> set[str]:
    return {theme["slug"] for theme in event.data.get("themes") or [] if isinstance(theme, dict) and "slug" in theme}


def _wants(subscription: Subscription, event: Event, themes: set[str]) -> bool:
    if event.type not in subscription.event_types:
        return False
    return not subscription.themes or bool(themes.intersection(subscription.themes))


def queue_webhook_deliveries(uow: UnitOfWork, event: Event) -> list[Delivery]:
    """One delivery per active subscription that wants this event; in the caller's transaction.

    ``event`` is what ``uow.publish`` returned (its data in JSON form, sent as it is). Does not
    commit: the caller commits the publication and these rows together.
    """
    if event.type not in CONTRACTS or not CONTRACTS[event.type].partner_facing:
        return []
    now = utcnow()
    themes = _themes_of(event)
    body = event.to_json()
    subscriptions: Iterable[Subscription] = uow.session.scalars(
        select(Subscription)
        .join(Partner, Partner.id == Subscription.partner_id)
        .where(Subscription.status == ACTIVE, Partner.active.is_(True))
    )
    queued = []
    for subscription in subscriptions:
        if not _wants(subscription, event, themes):
            continue
        delivery = Delivery(
            id=str(uuid.uuid4()),
            subscription_id=subscription.id,
            partner_id=subscription.partner_id,
            event_id=event.id,
            event_type=event.type,
            body=body,
            status=PENDING,
            attempts=0,
            replays=0,
            next_attempt_at=now,
            window_started_at=now,
            created_at=now,
        )
        uow.session.add(delivery)
        queued.append(delivery)
    if queued:
        uow.session.flush()
        announce_due_deliveries(uow)
    return queued


on_published = queue_webhook_deliveries  # the name the publish use case knows this hook by

