"""A Celery worker whose jobs report progress slowly, so a test can kill it mid-job:
`python tests/cluster/slow_worker.py -A epa.worker worker ...` (the same arguments as celery)."""

import sys
import time

from celery.__main__ import main

from epa.jobs import running

_step = running._Reporter.step


def _slow_step(self, done, total):
    _step(self, done, total)
    time.sleep(0.5)


running._Reporter.step = _slow_step

if __name__ == "__main__":
    sys.exit(main())
