"""gunicorn settings for every service's web process (``gunicorn -c python:shared.web.gunicorn_conf``)."""

import multiprocessing
import os

bind = os.environ.get("BUURT_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("BUURT_WEB_WORKERS", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("BUURT_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = "-"
# Keep request bodies and headers bounded before Flask ever sees them.
limit_request_line = 8190
limit_request_fields = 100
# gunicorn's runtime control socket lives at one fixed path per user; several services on one
# host would fight over it, and nothing here uses it.
control_socket_disable = True


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
