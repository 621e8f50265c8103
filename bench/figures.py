"""What a bench script does with its figures besides printing them: when BENCH_JSON names a file,
they go there as one JSON object (bench/run.py gives each script a file, then merges them)."""

import json
import os
from pathlib import Path


def write(figures: dict) -> None:
    path = os.environ.get("BENCH_JSON")
    if path:
        Path(path).write_text(json.dumps(figures, indent=2, default=str) + "\n")


def milliseconds(seconds: float) -> float:
    return round(seconds * 1000, 1)
