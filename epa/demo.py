"""A believable demonstration for an empty database (`flask --app app epa demo-data`)."""

import json
import os
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from epa.auth.models import User
from epa.auth.schemas import UserNew
from epa.auth.services import create_user
from epa.config import PROJECT_ROOT
from epa.demo_apprentices import seed_apprentices
from epa.extensions import db
from epa.organisations.schemas import EmployerNew, ProviderNew
from epa.organisations.services import create_employer, create_provider
from epa.scheduling.diaries import set_pattern
from epa.scheduling.schemas import PatternChange
from epa.standards.models import Standard
from epa.standards.services import load_standard

EMPLOYERS = ["Northwind Digital Ltd", "Severn Valley NHS Trust", "Brightwater Insurance plc"]
PROVIDERS = [("Midlands Tech Academy", "10012345"), ("Cloud Skills Training Ltd", "10087654")]
USERS = [
    ("admin", "admin@epao.example", "Priya Shah"),
    ("staff", "operations@epao.example", "Tom Fletcher"),
    ("assessor", "assessor.one@epao.example", "Grace Okafor"),
    ("assessor", "assessor.two@epao.example", "Daniel Morgan"),
]


class DatabaseNotEmpty(RuntimeError):
    pass


def sign_in_file() -> Path:
    configured = current_app.config.get("DEMO_SIGN_IN_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "demo-sign-in.txt"


def seed_demo() -> list[tuple[str, str, str]]:
    """Create organisations and one user per role; returns (role, email, password) for each."""
    if db.session.scalar(select(func.count()).select_from(User)):
        raise DatabaseNotEmpty(
            "The database already has users, so no demonstration data was added. "
            f"Earlier demonstration sign-ins, if any, are in {sign_in_file()}."
        )
    employer_ids = [create_employer(EmployerNew.read({"name": name})).id for name in EMPLOYERS]
    provider_ids = [
        create_provider(ProviderNew.read({"name": name, "ukprn": ukprn})).id
        for name, ukprn in PROVIDERS
    ]
    _ensure_standard()
    accounts, users = [], []
    for role, email, name in USERS:
        # Random per database: a demonstration copied to a server must not share passwords.
        password = secrets.token_urlsafe(12)
        new = {"email": email, "name": name, "role": role, "password": password}
        users.append(create_user(UserNew.read(new)))
        accounts.append((role, email, password))
    seed_apprentices(employer_ids, provider_ids, users)
    # One part-time assessor, so the slot finder, the week's grid and the planner show a pattern
    # at work; set after the demonstration's bookings, as patterns bind new bookings only.
    set_pattern(
        users[3],
        PatternChange.read(
            {"weekdays": [0, 1, 2, 3], "starts": "09:00", "ends": "17:00", "max_per_day": 2}
        ),
    )
    _keep_sign_ins(accounts)
    return accounts


def _ensure_standard() -> None:
    """The demonstration apprentices follow ST0825; load it when it is not loaded yet."""
    if db.session.scalar(select(Standard.id).where(Standard.reference == "ST0825")) is None:
        path = PROJECT_ROOT / "fixtures" / "standard.json"
        load_standard(json.loads(path.read_text(encoding="utf-8")))


def _keep_sign_ins(accounts: list[tuple[str, str, str]]) -> None:
    path = sign_in_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{role:<9} {email:<32} {password}" for role, email, password in accounts]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("Demonstration sign-ins for this database:\n" + "\n".join(lines) + "\n")
