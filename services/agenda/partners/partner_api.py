"""Partner API: a partner manages its webhook subscriptions and reads its delivery log."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from services.agenda.partners import handlers
from services.agenda.partners.auth import problems, require_partner
from services.agenda.partners.schemas import (
    DeliveryListSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    EventTypeListSchema,
    SubscriptionListSchema,
    SubscriptionRequestSchema,
    SubscriptionSchema,
    SubscriptionUpdateSchema,
    SubscriptionWithSecretSchema,
)
from services.agenda.partners.web import partners_web

blp = Blueprint(
    "agenda-partner",
    __name__,
    url_prefix="/api/v1/partner",
    description="For partners: webhook subscriptions to agenda events, and their delivery log",
)
PARTNER = [{"partnerToken": []}]


def _uow():
    return partners_web().runtime.uow_factory()


@blp.before_request
def _partners_only() -> None:
    # Before the body is parsed: a caller without a valid token learns nothing from validation.
    with _uow() as uow:
        require_partner(uow)


def _detached(uow, value):
    """Keeps what was loaded readable after the unit of work closes (its rollback expires rows)."""
    uow.session.expunge_all()
    return value


def _invalid(exc: handlers.InvalidInput):
    abort(422, message="Some fields are not valid.", errors=exc.errors)


@blp.get("/event-types")
@blp.doc(security=PARTNER)
@blp.response(200, EventTypeListSchema)
@problems(blp, 401)
def event_types():
    """The event types you can subscribe to."""
    with _uow() as uow:
        require_partner(uow)
    return {
        "event_types": [{"type": c.type, "summary": c.summary} for c in handlers.partner_facing_contracts()],
        "asyncapi": url_for("agenda-asyncapi.asyncapi", _external=True),
    }


@blp.route("/subscriptions")
class Subscriptions(MethodView):
    @blp.doc(security=PARTNER)
    @blp.response(200, SubscriptionListSchema)
    @problems(blp, 401)
    def get(self):
        """Your webhook subscriptions, with their status."""
        with _uow() as uow:
            partner = require_partner(uow)
            return _detached(uow, {"subscriptions": handlers.list_subscriptions(uow, partner)})

    @blp.doc(security=PARTNER)
    @blp.arguments(SubscriptionRequestSchema)
    @blp.response(201, SubscriptionWithSecretSchema)
    @problems(blp, 401, 422)
    def post(self, data):
        """Subscribe an endpoint; the answer holds its signing secret, shown only now."""
        web = partners_web()
        with _uow() as uow:
            partner = require_partner(uow)
            try:
                return _detached(uow, handlers.create_subscription(uow, partner, data, web.guard, web.settings.allow_http))
            except handlers.InvalidInput as exc:
                _invalid(exc)


@blp.route("/subscriptions/<subscription_id>")
class OneSubscription(MethodView):
    @blp.doc(security=PARTNER)
    @blp.response(200, SubscriptionSchema)
    @problems(blp, 401, 404)
    def get(self, subscription_id):
        """One subscription; a disabled one says why."""
        with _uow() as uow:
            partner = require_partner(uow)
            try:
                return _detached(uow, handlers.get_subscription(uow, partner, subscription_id))
            except handlers.NotFound as exc:
                abort(404, message=str(exc))

    @blp.doc(security=PARTNER)
    @blp.arguments(SubscriptionUpdateSchema)
    @blp.response(200, SubscriptionSchema)
    @problems(blp, 401, 404, 422)
    def patch(self, changes, subscription_id):
        """Change the URL, event types, themes or description."""
        web = partners_web()
        with _uow() as uow:
            partner = require_partner(uow)
            try:
                updated = handlers.update_subscription(
                    uow, partner, subscription_id, changes, web.guard, web.settings.allow_http
                )
                return _detached(uow, updated)
            except handlers.NotFound as exc:
                abort(404, message=str(exc))
            except handlers.InvalidInput as exc:
                _invalid(exc)

    @blp.doc(security=PARTNER)
    @blp.response(204)
    @problems(blp, 401, 404)
    def delete(self, subscription_id):
        """Remove the subscription and its delivery log."""
        with _uow() as uow:
            partner = require_partner(uow)
            try:
                handlers.delete_subscription(uow, partner, subscription_id)
            except handlers.NotFound as exc:
                abort(404, message=str(exc))


@blp.post("/subscriptions/<subscription_id>/rotate-secret")
@blp.doc(security=PARTNER)
@blp.response(200, SubscriptionWithSecretSchema)
@problems(blp, 401, 404)
def rotate_secret(subscription_id):
    """A new signing secret. The old one keeps signing beside it (two signatures) for a while."""
    web = partners_web()
    with _uow() as uow:
        partner = require_partner(uow)
        try:
            return _detached(uow, handlers.rotate_secret(uow, partner, subscription_id, web.settings.secret_overlap))
        except handlers.NotFound as exc:
            abort(404, message=str(exc))


@blp.post("/subscriptions/<subscription_id>/enable")
@blp.doc(security=PARTNER)
@blp.response(200, SubscriptionSchema)
@problems(blp, 401, 404)
def enable(subscription_id):
    """Turn a disabled endpoint on again; what waited is delivered with a fresh retry window."""
    with _uow() as uow:
        partner = require_partner(uow)
        try:
            return _detached(uow, handlers.enable_subscription(uow, partner, subscription_id))
        except handlers.NotFound as exc:
            abort(404, message=str(exc))


@blp.get("/deliveries")
@blp.doc(security=PARTNER)
@blp.arguments(DeliveryQuerySchema, location="query")
@blp.response(200, DeliveryListSchema)
@problems(blp, 401, 422)
def deliveries(query):
    """Your delivery log, newest first, each delivery with its attempts."""
    with _uow() as uow:
        partner = require_partner(uow)
        rows, total = handlers.list_deliveries(
            uow, partner, query.get("subscription_id"), query.get("status"), query["limit"], query["offset"]
        )
        return _detached(uow, {"deliveries": rows, "total": total, "limit": query["limit"], "offset": query["offset"]})


@blp.get("/deliveries/<delivery_id>")
@blp.doc(security=PARTNER)
@blp.response(200, DeliverySchema)
@problems(blp, 401, 404)
def delivery(delivery_id):
    """One delivery with every attempt."""
    with _uow() as uow:
        partner = require_partner(uow)
        try:
            found = handlers.get_delivery(uow, partner, delivery_id)
        except handlers.NotFound as exc:
            abort(404, message=str(exc))
        found.attempt_log  # noqa: B018 - loaded while the session is open
        return _detached(uow, found)


@blp.post("/deliveries/<delivery_id>/replay")
@blp.doc(security=PARTNER)
@blp.response(202, DeliverySchema)
@problems(blp, 401, 404, 409)
def replay(delivery_id):
    """Send a delivery again (same webhook-id, fresh timestamp and signature)."""
    with _uow() as uow:
        partner = require_partner(uow)
        try:
            found = handlers.replay_delivery(uow, partner, delivery_id)
        except handlers.NotFound as exc:
            abort(404, message=str(exc))
        except handlers.Conflict as exc:
            abort(409, message=str(exc))
        found.attempt_log  # noqa: B018 - loaded while the session is open
        return _detached(uow, found)

