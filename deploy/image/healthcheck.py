"""Container health check for a web process: exit 0 when <SCRIPT_NAME>/healthz answers 200.

Standard library only, so it runs even when the application's imports are broken.
"""

import os
import sys
import urllib.request


def main() -> int:
    port = os.environ.get("BUURT_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
    prefix = os.environ.get("SCRIPT_NAME", "").rstrip("/")
    url = f"http://127.0.0.1:{port}{prefix}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - a fixed local URL
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"{url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
