"""A PostgreSQL server of a test's own, started and stopped by the test (never the machine's
shared one): initdb into a temporary folder, listening on a free port of 127.0.0.1.

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
`postgres` system user Debian's package makes, over files that user owns.
"""

import glob
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path


def binaries() -> Path | None:
    """The newest PostgreSQL server's programs on this machine, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateServer:
    def __init__(self, folder: Path):
        self.bin = binaries()
        self.data = folder / "data"
        self.port = _free_port()
        self.folder = folder

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(  # noqa: S603
            [*as_user, *command], check=check, capture_output=True, text=True, timeout=120
        )

    def create(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "start",
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the private PostgreSQL server did not start")

    def stop(self) -> None:
        # Immediate: connections are cut as a crash or a failover would cut them.
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def remove(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False
        )
        shutil.rmtree(self.folder, ignore_errors=True)
