"""Embedded mode: all four services in one process, on one port, with no outside services.

SQLite files under the data folder, kombu's memory transport instead of RabbitMQ, e-mail
written to .eml files that /notifications/mailbox lists. For trying the platform out and
for development; production runs each service's web and worker processes separately.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from flask import Flask, render_template_string
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import run_simple

from services.catalog import module
from shared.config import SERVICES, Settings
from shared.db.migrations import upgrade
from shared.messaging.worker import Worker
from shared.runtime import Runtime

log = logging.getLogger(__name__)

_INDEX = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Buurtplatform (lokaal)</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.6}</style></head>
<body><main>
<h1>Buurtplatform – lokale versie</h1>
<p>Alle vier de onderdelen draaien in dit ene proces. Probeer de hele route:</p>
<ol>
  <li><a href="{{ base }}/intake/">Vul de vragenlijst in</a></li>
  <li><a href="{{ base }}/notifications/mailbox">Open de bevestigingsmail</a> en volg de link</li>
  <li><a href="{{ base }}/agenda/">Bekijk de leeragenda</a>
      (<a href="{{ base }}/agenda/api/v1/agenda">JSON</a>)</li>
</ol>
<p>API-documentatie:
{% for s in services %}<a href="{{ base }}/{{ s }}/api/openapi.json">{{ s }}</a>{% if not loop.last %}, {% endif %}{% endfor %}</p>
</main></body></html>"""


@dataclass
class EmbeddedPlatform:
    wsgi_app: DispatcherMiddleware
    workers: list[Worker]

    def start_workers(self) -> None:
        # Every queue must exist before any relay publishes, or the memory transport drops events.
        for worker in self.workers:
            worker.declare_topology()
        for worker in self.workers:
            worker.start()

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        for worker in self.workers:
            worker.join()


def build(env: dict[str, str] | None = None) -> EmbeddedPlatform:
    env = dict(os.environ if env is None else env)
    apps, workers = {}, []
    for service in SERVICES:
        settings = Settings.from_env(service, env)
        upgrade(service, settings.database_url)
        runtime = Runtime.create(settings, module(service, "models").TABLES)
        apps[f"/{service}"] = module(service, "app").create_app(runtime)
        workers.append(module(service, "worker").build_worker(runtime))

    index = Flask(__name__)

    @index.get("/")
    def home():
        return render_template_string(_INDEX, base="", services=SERVICES)

    return EmbeddedPlatform(DispatcherMiddleware(index, apps), workers)


def run(host: str, port: int, env: dict[str, str] | None = None) -> None:
    platform = build(env)
    platform.start_workers()
    log.info("Buurtplatform embedded", extra={"url": f"http://{host}:{port}/"})
    print(f"\n  Buurtplatform draait op http://{host}:{port}/  (stop met Ctrl+C)\n", flush=True)
    try:
        run_simple(host, port, platform.wsgi_app, threaded=True, use_reloader=False)
    finally:
        platform.stop()
