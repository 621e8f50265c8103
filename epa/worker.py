"""What a worker and the scheduler load: `celery -A epa.worker worker` (make worker) and
`celery -A epa.worker beat` (make beat). Both need REDIS_URL: without it the web process runs
the jobs and the periodic work itself, and there is no queue for a worker to share."""

import os
import sys

from epa import create_app

if not os.environ.get("REDIS_URL", "").strip():
    sys.exit(
        "REDIS_URL is not set. Workers share a queue on Redis: set REDIS_URL (for example "
        "redis://127.0.0.1:6379/0). Without it, `make run` and `make serve` run jobs in the web "
        "process itself and need no worker."
    )

# Metrics shared between processes need their folder (gunicorn.conf.py makes the web's).
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

flask_app = create_app()
#: what `celery -A epa.worker` finds: Celery looks for `app` first
app = flask_app.extensions["celery"]
