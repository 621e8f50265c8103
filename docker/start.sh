#!/bin/sh
# Starts the EPA service: migrates the database, loads the standard, then serves with gunicorn.
# Works in the container (ENTRYPOINT) and from a checkout; FLASK and GUNICORN override the
# executables (e.g. FLASK=.venv/bin/flask GUNICORN=.venv/bin/gunicorn docker/start.sh).
set -eu

if [ -z "${SECRET_KEY:-}" ]; then
    echo "start.sh: SECRET_KEY is not set; refusing to start." >&2
    echo "Set SECRET_KEY to a long random value, for example:" >&2
    echo "  python3 -c 'import secrets; print(secrets.token_hex(32))'" >&2
    exit 1
fi

# The project root is the parent of the directory holding this script.
cd "$(dirname -- "$0")/.."

FLASK="${FLASK:-flask}"
GUNICORN="${GUNICORN:-gunicorn}"

"$FLASK" --app app db upgrade
# Idempotent: repeating the load changes nothing.
"$FLASK" --app app epa load-standard fixtures/standard.json

exec "$GUNICORN" --config gunicorn.conf.py app:app
