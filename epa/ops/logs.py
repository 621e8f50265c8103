"""Structured logs: one JSON object per line, each carrying the request's id."""

import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

from epa.ops.metrics import LATENCY, REQUESTS
from epa.persistence import id_of

# An id from a proxy or client is kept only when it is short and plain.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")
access_log = logging.getLogger("epa.access")
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestContext(logging.Filter):
    """Adds the request id (and the signed-in user's id) to every record logged in a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id")
            record.user_id = id_of(g.get("actor"))
        return True


def json_handler() -> logging.Handler:
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
        )
    )
    handler.addFilter(RequestContext())
    return handler


class WithoutServerRequestLines(logging.Filter):
    """Drops the development server's own line for each request (`flask run`, `make run`): the
    service's JSON line says all it says, and more. Its other lines (where it listens, errors)
    stay. gunicorn's access log is off for the same reason (gunicorn.conf.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # werkzeug's WSGIRequestHandler.log_request logs '... "%s" %s %s' % (line, code, size)
        is_request_line = isinstance(record.msg, str) and record.msg.endswith('"%s" %s %s')
        return not (record.levelno == logging.INFO and is_request_line)


def init_logging(app: Flask) -> None:
    """JSON lines on stderr for our loggers; request ids in and out as X-Request-ID."""
    logger = logging.getLogger("epa")
    if not any(getattr(h, "_epa_json", False) for h in logger.handlers):
        handler = json_handler()
        handler._epa_json = True
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    server = logging.getLogger("werkzeug")
    if not any(isinstance(f, WithoutServerRequestLines) for f in server.filters):
        server.addFilter(WithoutServerRequestLines())

    @app.before_request
    def start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def finish(response):
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        endpoint = request.endpoint or "unmatched"
        # The route's pattern, not the path: no record ids, and no calendar feed token.
        route = request.url_rule.rule if request.url_rule else "unmatched"
        # Every label has a bounded set of values: anyone can send any method, and each new
        # value would be a new series kept for ever.
        method = request.method if request.method in KNOWN_METHODS else "other"
        REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
        LATENCY.labels(endpoint).observe(elapsed)
        response.headers["X-Request-ID"] = g.get("request_id", "")
        access_log.info(
            "request",
            extra={
                "method": request.method,
                "route": route,
                "endpoint": endpoint,
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 1),
            },
        )
        return response
