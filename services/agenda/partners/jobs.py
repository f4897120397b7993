"""The webhook delivery job of agenda's worker."""

from __future__ import annotations

from services.agenda.partners import handlers
from services.agenda.partners.delivery import Deliverer
from services.agenda.partners.settings import PartnerSettings
from services.agenda.partners.ssrf import AddressGuard
from services.agenda.partners.transport import WebhookSender
from services.agenda.partners.wakeup import DeliveryWakeup
from shared.messaging.worker import PeriodicJob
from shared.runtime import Runtime


def build_deliverer(runtime: Runtime, settings: PartnerSettings | None = None) -> Deliverer:
    settings = settings or PartnerSettings.from_settings(runtime.settings)
    schemes = ("https", "http") if settings.allow_http else ("https",)
    sender = WebhookSender(AddressGuard(settings.allowed_networks), settings.timeout_seconds, schemes)
    return Deliverer(runtime.uow_factory, sender, settings)


def partner_jobs(runtime: Runtime) -> list[PeriodicJob]:
    settings = PartnerSettings.from_settings(runtime.settings)
    deliverer = build_deliverer(runtime, settings)
    wake = DeliveryWakeup(runtime.engine)

    def deliver() -> None:
        wake.schedule(None)  # if this run fails, wait the full interval before the next
        wake.schedule(deliverer.deliver_due().next_due)  # sleep no longer than the next retry

    def purge() -> int:
        with runtime.uow_factory() as uow:
            return handlers.purge_delivery_log(uow, settings.log_retention)

    return [
        PeriodicJob("webhook-delivery", settings.delivery_interval_seconds, deliver, wake=wake),
        PeriodicJob("purge-webhook-log", 3600, purge),
    ]
