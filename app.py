"""The WSGI entry point: `flask --app app ...` and `gunicorn app:app`."""

import sys

from epa import create_app
from epa.config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as error:
    # A sentence the operator can act on, rather than a stack trace.
    print(f"The service cannot start: {error}", file=sys.stderr)
    raise SystemExit(1) from None
