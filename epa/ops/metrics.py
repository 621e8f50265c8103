"""Prometheus metrics: what operators watch (see docs/operations.md for what each means)."""

import os
import time
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "epa_http_requests_total", "HTTP requests answered", ["endpoint", "method", "status"]
)
LATENCY = Histogram(
    "epa_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
BOOKINGS = Counter("epa_bookings_created_total", "Assessments booked")
RESULTS = Counter("epa_results_submitted_total", "Assessment results submitted")
EXPORTS = Counter("epa_exports_total", "Returns spreadsheets produced", ["kind"])
EXPORT_SECONDS = Histogram(
    "epa_export_duration_seconds",
    "Time to produce a returns spreadsheet",
    ["kind"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
IMPORTS = Counter("epa_imports_total", "Apprentice spreadsheets imported", ["outcome"])
IMPORT_SECONDS = Histogram(
    "epa_import_duration_seconds",
    "Time to check and load an apprentice spreadsheet",
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)


@contextmanager
def timed(histogram, **labels):
    """Observe how long the block takes (also when it fails)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        target = histogram.labels(**labels) if labels else histogram
        target.observe(time.perf_counter() - started)


def exposition() -> tuple[bytes, str]:
    """The metrics page; with several gunicorn workers, every worker's numbers together."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
