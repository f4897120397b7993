"""Runs every benchmark and writes a short markdown report with their figures and the
machine they ran on (`make bench`). Each benchmark prints its own figures; the report
keeps what they printed, in order.

    python bench/run_all.py [--quick] [--output bench/reports/latest.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (script, full arguments, quick arguments); quick runs check that every benchmark works.
BENCHMARKS = [
    ("classifier.py", [], []),
    ("matching_peers.py", [], ["--members", "1000"]),
    ("intake.py", [], ["--rounds", "1", "--seconds", "3"]),
    ("notifications.py", [], ["--members", "300", "--confirmations", "50"]),
    ("agenda.py", [], ["--events", "500", "--questions", "5000"]),
    ("latency.py", [], ["--submissions", "100", "--rate", "20"]),
    ("pipeline.py", [], ["--submissions", "500", "--raw", "1000"]),
]


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kib = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return [
        f"- host: {platform.node()}, {platform.system()} {platform.release()}, {platform.machine()}",
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {memory}",
        f"- Python {platform.python_version()}; load average at start {os.getloadavg()[0]:.2f}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to check that every benchmark runs")
    parser.add_argument("--output", default=str(HERE / "reports" / "latest.md"))
    parser.add_argument("--only", nargs="*", help="run only these scripts (e.g. pipeline.py)")
    options = parser.parse_args()

    started = datetime.now(UTC)
    sections, failures = [], []
    for script, full, quick in BENCHMARKS:
        if options.only and script not in options.only:
            continue
        if not (HERE / script).exists():
            continue
        arguments = quick if options.quick else full
        print(f"== {script} {' '.join(arguments)}", flush=True)
        began = time.perf_counter()
        run = subprocess.run([sys.executable, str(HERE / script), *arguments], capture_output=True, text=True)
        elapsed = time.perf_counter() - began
        output = "\n".join(line for line in run.stdout.splitlines() if not line.startswith('{"time"'))
        print(output, flush=True)
        if run.returncode != 0:
            failures.append(script)
            output += f"\n\n(exit code {run.returncode})\n" + run.stderr[-2000:]
        sections.append(f"## {script} {' '.join(arguments)}\n\n{elapsed:.0f} s\n\n```\n{output.strip()}\n```\n")

    report = [
        f"# Buurtplatform benchmarks, {started:%Y-%m-%d %H:%M} UTC{' (quick)' if options.quick else ''}",
        "",
        *machine(),
        "",
        *sections,
    ]
    path = Path(options.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(report), encoding="utf-8")
    print(f"\nreport written to {path}")
    if failures:
        print(f"failed: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
