"""The WSGI entry point: `flask --app app ...` and `gunicorn app:app`."""

import gc
import sys

from epa import create_app
from epa.config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as error:
    # A sentence the operator can act on, rather than a stack trace.
    print(f"The service cannot start: {error}", file=sys.stderr)
    raise SystemExit(1) from None

# What starting up loaded lives as long as the process: moved out of the collector's reach, so
# a full collection walks only what requests make. Without this, one collection in a few dozen
# requests walked every mapper, template and schema and doubled a page's p95 (make bench).
gc.freeze()
