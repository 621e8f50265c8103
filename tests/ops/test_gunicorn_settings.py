"""The settings gunicorn serves the service with, read as gunicorn reads gunicorn.conf.py."""

import json
import subprocess
import sys

from tests.conftest import ROOT

# In a process of its own: the settings file sets the metrics folder for whoever runs it.
_READ = """
import json, runpy
from gunicorn.config import Config
config = Config()
for name, value in runpy.run_path("gunicorn.conf.py").items():
    if name in config.settings:
        config.set(name, value)
print(json.dumps({name: repr(setting.get()) for name, setting in config.settings.items()}))
"""


def _settings() -> dict[str, str]:
    printed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _READ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return json.loads(printed)


def test_no_control_socket_is_opened_at_the_path_every_gunicorn_shares():
    assert _settings()["control_socket_disable"] == "True"
