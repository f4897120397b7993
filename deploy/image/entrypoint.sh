#!/bin/sh
# The image's entrypoint: `buurt <command>`, after emptying the Prometheus multiprocess
# directory. Files left by an earlier run (a restarted container keeps its volume) would
# otherwise be added to this run's counters.
set -eu
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    find "$PROMETHEUS_MULTIPROC_DIR" -mindepth 1 -delete
fi
exec buurt "$@"
