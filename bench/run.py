"""Every benchmark, one after another: `make bench`.

Each script runs in a process of its own, prints its own short summary, and writes its figures
as JSON to the file its BENCH_JSON names. When BENCH_JSON is set here, the figures of every
script go there together, as one JSON object keyed by script name.

With BENCH_DATABASE_URL (a PostgreSQL URL), each script gets a new database of its own on that
server, dropped afterwards, so the scripts never see each other's rows (the user needs the
right to create databases); without it each uses a throwaway SQLite file.

A new benchmark is one more line in SCRIPTS: a script in bench/ that honours BENCH_JSON
(bench/figures.py's `write`) and BENCH_DATABASE_URL.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS = [
    "apprentice_list.py",
    "slot_finder.py",
    "cohort_planner.py",
]


def main() -> int:
    merged, failed = {}, []
    with tempfile.TemporaryDirectory() as directory:
        for script in SCRIPTS:
            name = Path(script).stem
            output = Path(directory) / f"{name}.json"
            print(f"\n== {name}", flush=True)
            started = time.perf_counter()
            with _database(name) as url:
                env = {**os.environ, "BENCH_JSON": str(output)}
                if url:
                    env["BENCH_DATABASE_URL"] = url
                code = subprocess.run([sys.executable, str(BENCH / script)], env=env).returncode  # noqa: S603
            seconds = round(time.perf_counter() - started, 1)
            if code != 0:
                failed.append(name)
                merged[name] = {"failed": code, "seconds": seconds}
                continue
            figures = json.loads(output.read_text()) if output.exists() else {}
            merged[name] = {**figures, "seconds": seconds}
            print(f"({name}: {seconds:.0f} s)", flush=True)
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(merged, indent=2) + "\n")
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


@contextmanager
def _database(name: str):
    """A fresh PostgreSQL database for one script when BENCH_DATABASE_URL names a server, else
    None (the script makes its own SQLite file)."""
    server = os.environ.get("BENCH_DATABASE_URL")
    if not server:
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    database = f"epa_bench_{name}_{secrets.token_hex(3)}"
    admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield make_url(server).set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
