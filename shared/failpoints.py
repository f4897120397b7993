"""Failpoints: named places where a fault-injection test can make this process die on purpose.

Off unless ``BUURT_FAILPOINTS`` names them (``consumer.after_commit,mailer.after_send``). Each
fires once per ``BUURT_FAILPOINT_DIR`` (a marker file records that it fired), so the restarted
process runs normally. Production never sets these variables.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path


def failpoint(name: str) -> None:
    armed = os.environ.get("BUURT_FAILPOINTS")
    if not armed or name not in armed.split(","):
        return
    marker = Path(os.environ.get("BUURT_FAILPOINT_DIR", ".")) / f"{name}.fired"
    try:
        marker.touch(exist_ok=False)
    except FileExistsError:
        return
    os.kill(os.getpid(), signal.SIGKILL)
