"""Real processes, as production runs them: gunicorn for each web app, `buurt worker` for each worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.support.smtp import free_port


@dataclass
class ServiceProcesses:
    service: str
    env: dict[str, str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    web: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen:
        log = open(self.log_dir / f"{self.service}-{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        return subprocess.Popen(args, env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT, cwd=os.getcwd())

    def start_web(self) -> None:
        self.web = self._spawn(
            [
                sys.executable, "-m", "gunicorn", "-c", "python:shared.web.gunicorn_conf",
                "--bind", f"127.0.0.1:{self.port}", f"services.{self.service}.app:create_app()",
            ],
            "web",
        )

    def start_worker(self) -> None:
        self.worker = self._spawn([sys.executable, "-m", "services", "worker", self.service], "worker")

    def wait_worker_started(self, timeout: float = 90) -> None:
        """Until the worker consumes from its inbox, so its queues exist: an event published
        before then would not reach it."""
        from kombu import Connection

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.worker.poll() is not None:
                raise RuntimeError(f"{self.service} worker exited: {self.logs('worker')}")
            try:
                with Connection(self.env["BUURT_AMQP_URL"]) as connection:
                    declared = connection.default_channel.queue_declare(f"{self.service}.inbox", passive=True)
                if declared.consumer_count > 0:
                    return
            except Exception:  # noqa: BLE001 - the queue is not declared yet
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.service} worker did not start: {self.logs('worker')}")

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise RuntimeError(f"{self.service} web exited: {self.logs('web')}")
            try:
                if requests.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still booting
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.service} web not ready: {self.logs('web')}")

    def logs(self, name: str) -> str:
        path = self.log_dir / f"{self.service}-{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        for process in (self.web, self.worker):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (self.web, self.worker):
            if process is not None:
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)


@dataclass
class ProcessPlatform:
    """All four services as real processes on the given broker and databases."""

    services: dict[str, ServiceProcesses]

    @classmethod
    def create(
        cls,
        amqp_url: str,
        database_urls: dict[str, str],
        log_dir: Path,
        env: dict[str, str],
        service_env: dict[str, dict[str, str]] | None = None,
    ) -> "ProcessPlatform":
        services = {name: ServiceProcesses(name, {}, log_dir) for name in database_urls}
        common = {
            "BUURT_ENV": "production",
            "BUURT_AMQP_URL": amqp_url,
            "BUURT_SECRET_KEY": "process-platform-" + "k" * 32,
            "BUURT_DATA_DIR": str(log_dir / "data"),
            "BUURT_WEB_WORKERS": "1",
            **{f"BUURT_{name.upper()}_PUBLIC_URL": s.url for name, s in services.items()},
            **env,
        }
        for name, service in services.items():
            service.env = {**common, "BUURT_DATABASE_URL": database_urls[name], **(service_env or {}).get(name, {})}
        return cls(services)

    def __getitem__(self, name: str) -> ServiceProcesses:
        return self.services[name]

    def start(self) -> "ProcessPlatform":
        for service in self.services.values():
            service.start_worker()
        for service in self.services.values():
            service.start_web()
        for service in self.services.values():
            service.wait_ready()
            service.wait_worker_started()
        return self

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()
