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

    def wait_ready(self, timeout: float = 30) -> None:
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
