"""Prometheus metrics for one app, served on /metrics.

Each app has its own registry (embedded mode runs four apps in one process). Under
gunicorn with several workers, set PROMETHEUS_MULTIPROC_DIR and /metrics adds them up.
"""

from __future__ import annotations

import os
import time

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess


class AppMetrics:
    def __init__(self, service: str):
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "buurt_http_requests_total",
            "HTTP requests answered",
            ["service", "method", "endpoint", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "buurt_http_request_seconds",
            "Time to answer an HTTP request",
            ["service", "endpoint"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )

    def counter(self, name: str, documentation: str, labels: tuple[str, ...] = ()) -> Counter:
        """A service-specific counter in this app's registry."""
        return Counter(name, documentation, ["service", *labels], registry=self.registry)

    def exposition(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


def install_metrics(app: Flask, service: str) -> AppMetrics:
    metrics = AppMetrics(service)

    @app.before_request
    def _start_timer() -> None:
        g.buurt_started = time.perf_counter()

    @app.after_request
    def _record(response):
        endpoint = request.endpoint or "unmatched"
        metrics.requests.labels(service, request.method, endpoint, str(response.status_code)).inc()
        started = g.get("buurt_started")
        if started is not None:
            metrics.latency.labels(service, endpoint).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def prometheus_metrics():
        return Response(metrics.exposition(), mimetype=CONTENT_TYPE_LATEST)

    return metrics
