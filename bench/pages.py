"""Every page a member of staff, an assessor or an administrator opens, found in the app's own
URL map, and how a request to one is timed and its SQL statements counted (in process, through
Flask's test client, so the figures are the app's and the database's, not a server's)."""

import math
import re
import time
from dataclasses import dataclass

from sqlalchemy import event

#: The browser every bench client says it is: a signed-in session belongs to one browser (its
#: User-Agent), and the HTTP load carries the test client's session cookie.
AGENT = "epa-bench"
#: Not pages: the API (timed under gunicorn), files to download (exports, a job's file,
#: imports' template, CSV lists, invitations), the calendar feed (timed on its own), the
#: service's probes and the signed-out forms.
SKIPPED_PREFIXES = ("/api/", "/assets/", "/static/", "/calendar/<", "/healthz", "/readyz")
SKIPPED_PREFIXES += ("/metrics", "/sign-in", "/reset-password/")
SKIPPED_SUFFIXES = (".csv", ".xlsx", ".ics", "/file")
ROLES = ("staff", "admin", "assessor")


class Statements:
    """Counts the SQL statements the engine sends."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._bump)

    def _bump(self, *_):
        self.count += 1


@dataclass(frozen=True)
class Page:
    path: str
    #: the rule as the URL map writes it, which names the figure
    rule: str
    role: str


def page_rules(app) -> list[str]:
    """Every GET rule that answers with a page."""
    rules = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(SKIPPED_PREFIXES):
            continue
        if rule.rule.endswith(SKIPPED_SUFFIXES):
            continue
        rules.append(rule.rule)
    return sorted(set(rules))


def fill(rule: str, ids: dict) -> str | None:
    """The rule with its variables filled from `ids` (by the rule itself, then by the
    variable's name), or None when the seed holds nothing for one."""
    missing = []

    def value(match):
        name = match.group(1).split(":")[-1]
        found = ids.get((rule, name), ids.get(name))
        if found is None:
            missing.append(name)
            return ""
        return str(found)

    path = re.sub(r"<([^>]+)>", value, rule)
    return None if missing else path


def csrf_token(html: bytes) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    if not match:
        raise SystemExit("the page has no CSRF token")
    return match.group(1).decode()


def sign_in(client, email: str, password: str) -> None:
    page = client.get("/sign-in")
    answer = client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.data)},
    )
    if answer.status_code != 302:
        raise SystemExit(f"{email} could not sign in: {answer.status_code}")


def find_pages(app, clients: dict, ids: dict) -> tuple[list[Page], list[str]]:
    """Each page rule, opened by the first role that gets the page (staff, then an
    administrator, then an assessor); the home page by every role. Also what was left out."""
    pages, left_out = [], []
    for rule in page_rules(app):
        path = fill(rule, ids)
        if path is None:
            left_out.append(f"{rule}: nothing in the seed to fill it with")
            continue
        found = []
        for role in ROLES:
            status = clients[role].get(path).status_code
            if status == 200:
                found.append(role)
                if rule != "/":
                    break
        if not found:
            left_out.append(f"{rule}: no role gets a page ({path})")
        pages += [Page(path, rule, role) for role in found]
    return pages, left_out


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(call, statements: Statements, *, warm_up=2, least=10, most=40, seconds=3.0):
    """Call `call()` (a request; it checks its own answer) `warm_up` times untimed, then at
    least `least` times and at most `most`, stopping once `seconds` have gone by: (p95 in ms,
    statements per request as the median request sent them, requests timed)."""
    for _ in range(warm_up):
        call()
    samples, counts = [], []
    began = time.perf_counter()
    while len(samples) < most and (len(samples) < least or time.perf_counter() - began < seconds):
        before = statements.count
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
        counts.append(statements.count - before)
        if len(samples) >= 3 and time.perf_counter() - began > seconds * 4:
            break  # a page this slow fails its budget by far; three samples say so
    counts.sort()
    return p95(samples) * 1000, counts[len(counts) // 2], len(samples)


def getter(client, path: str):
    def call():
        answer = client.get(path)
        if answer.status_code != 200:
            raise SystemExit(f"GET {path}: {answer.status_code}")

    return call


def browser(app):
    """A test client that says it is the bench's browser."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = AGENT
    return client
