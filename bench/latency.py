"""Benchmark: end-to-end latency of the two legs of the main flow, with real processes.

1. From ``POST /api/v1/submissions`` to the confirmation e-mail arriving at the SMTP server.
2. From following the confirmation link to the live agenda API counting that member.

Submissions (and then confirmations) are sent at a steady rate from several threads; the
SMTP server stamps every arrival; a poller reads the agenda API every 20 ms and stamps when
the count of members on the theme every submission is about reaches k. Agenda folds in
arrival order, so the k-th count belongs, give or take a neighbour, to the k-th
confirmation; five members are confirmed first so counts are past the small-group
suppression. Goals: p95 under 500 ms for each leg. Peak memory (RSS) of every web and
worker process is printed at the end (goal < 150 MiB each).

    python bench/latency.py [--submissions 1000] [--rate 50]
"""

from __future__ import annotations

import argparse
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import requests

from harness import peak_memory, percentiles, print_memory, running_platform
from tests.support.flow import confirmation_link, minimal_submission, theme_row

QUESTION = "Hoe betrek je jongeren uit de buurt bij het opknappen van hun eigen hangplek?"
THEME = "jeugd-jongeren"
SEED = 5


class AgendaWatch:
    """Stamps the moment the agenda's member count for one theme first reaches each value."""

    def __init__(self, agenda_url: str):
        self.url = f"{agenda_url}/api/v1/agenda"
        self.reached: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        session = requests.Session()
        last = 0
        while not self._stop.is_set():
            row = theme_row(session.get(self.url, timeout=10).json(), THEME)
            count = (row or {}).get("members") or 0
            now = time.perf_counter()
            for k in range(last + 1, count + 1):
                self.reached[k] = now
            last = max(last, count)
            self._stop.wait(0.02)

    def start(self) -> "AgendaWatch":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def paced(count: int, rate: float, action) -> list[float]:
    """Run action(i) for i in range(count) at a steady rate; returns each start time."""
    started = [0.0] * count
    interval = 1.0 / rate
    origin = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        futures = []
        for i in range(count):
            delay = origin + i * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            started[i] = time.perf_counter()
            futures.append(pool.submit(action, i))
        for future in futures:
            future.result()
    return started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0)
    options = parser.parse_args()

    with running_platform() as bench:
        intake, agenda = bench.platform["intake"].url, bench.platform["agenda"].url
        mail_seen: dict[str, float] = {}
        smtp = bench.smtp
        http = requests.Session()

        def arrivals() -> None:
            # Stamp each new message as it is seen (the sink keeps them in arrival order).
            seen = 0
            while not stop_mail.is_set():
                while seen < len(smtp.messages):
                    mail_seen.setdefault(str(smtp.messages[seen]["To"]).lower(), time.perf_counter())
                    seen += 1
                time.sleep(0.002)

        stop_mail = threading.Event()
        threading.Thread(target=arrivals, daemon=True).start()

        def submit(address: str) -> None:
            response = http.post(f"{intake}/api/v1/submissions", json=minimal_submission(address, QUESTION), timeout=30)
            response.raise_for_status()

        def confirm(address: str) -> None:
            message = next(m for m in smtp.messages if str(m["To"]).lower() == address)
            http.get(intake + urlsplit(confirmation_link(message)).path, timeout=30).raise_for_status()

        seeds = [f"seed{i}@example.org" for i in range(SEED)]
        for address in seeds:
            submit(address)
        while not all(a in mail_seen for a in seeds):
            time.sleep(0.05)
        for address in seeds:
            confirm(address)
        watch = AgendaWatch(agenda).start()
        while SEED not in watch.reached:
            time.sleep(0.05)

        addresses = [f"latency{i}@example.org" for i in range(options.submissions)]
        posted = paced(options.submissions, options.rate, lambda i: submit(addresses[i]))
        deadline = time.perf_counter() + 300
        while not all(a in mail_seen for a in addresses) and time.perf_counter() < deadline:
            time.sleep(0.1)
        leg1 = [(mail_seen[a] - posted[i]) * 1000 for i, a in enumerate(addresses) if a in mail_seen]

        confirmed = paced(options.submissions, options.rate, lambda i: confirm(addresses[i]))
        final = SEED + options.submissions
        while final not in watch.reached and time.perf_counter() < deadline + 300:
            time.sleep(0.1)
        watch.stop()
        stop_mail.set()
        leg2 = [(watch.reached[SEED + 1 + i] - confirmed[i]) * 1000 for i in range(options.submissions) if SEED + 1 + i in watch.reached]
        memory = peak_memory(bench.platform)

    print(f"\nend-to-end latency, {options.submissions} submissions at {options.rate:.0f}/s, real processes")
    for label, values in (("POST -> confirmation e-mail", leg1), ("confirm link -> agenda counts it", leg2)):
        p = percentiles(values)
        verdict = "met" if p["p95"] < 500 else "MISSED"
        print(
            f"  {label:<34} n={len(values):<5} p50 {p['p50']:7.1f} ms  p95 {p['p95']:7.1f} ms  p99 {p['p99']:7.1f} ms"
            f"  (goal p95 < 500 ms: {verdict})"
        )
    print_memory(memory)


if __name__ == "__main__":
    main()
