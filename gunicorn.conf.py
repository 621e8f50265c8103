"""gunicorn settings, used by the container (docker/start.sh) and by `make serve`."""

import os
import shutil
import tempfile

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Exports of a large EPAO's year can take a while; a worker is not killed mid-spreadsheet.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# The service writes its own JSON access line per request (with the request id).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# gunicorn's largest request line (method, target, protocol): the app refuses targets over
# 4,096 characters itself (epa.MAX_TARGET_LENGTH) with a 414 in the service's own form (JSON
# under /api/), so the server's own (HTML) 414 is only for lines over 8,190 bytes.
limit_request_line = 8190
# Behind a proxy that sets X-Forwarded-*; the app trusts it only as TRUSTED_PROXIES says.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Each worker keeps its own metrics; prometheus_client adds them up from files in this folder.
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "epa-metrics")
)


def on_starting(server):
    """A clean metrics folder on every start, so a restart does not double old counts."""
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# gunicorn's control socket would sit at one path for every gunicorn the same user runs
# ($HOME/.gunicorn/gunicorn.ctl), where two services on one machine would meet and answer for
# each other; nothing here uses it.
control_socket_disable = True
