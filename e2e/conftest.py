"""The browser journeys' fixtures: the service under gunicorn, Debian's Chromium driven by
Playwright, a signed-in page per role, and the page checks every journey reports at its end."""

import os
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from checks import ARTIFACTS, PageChecks
from playwright.sync_api import sync_playwright
from server import prepare, start, stop
from steps import last_working_day, sign_in

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
_checked: list[PageChecks] = []


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    """The running service; gunicorn is stopped when the run ends, whatever happened."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir()
    running = prepare(tmp_path_factory.mktemp("epa"))
    log = ARTIFACTS / "server.log"
    process = start(running, log)
    try:
        yield running
    finally:
        stop(process)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium (make e2e does).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(service, browser):
    """new_page() -> a page in a browser of its own (its own cookies), at the desktop width."""
    contexts = []

    def make():
        context = browser.new_context(
            base_url=service.base_url,
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
            locale="en-GB",
            timezone_id="Europe/London",
            # axe-core is injected as a script tag, which the service's CSP rightly refuses.
            bypass_csp=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def signed_in(service, new_page, check):
    """signed_in(role, n=0) -> a page signed in as the demonstration's n-th user of that role."""

    def as_role(role: str, n: int = 0):
        email, password = service.sign_in_for(role, n)
        page = new_page()
        sign_in(page, email, password)
        assert "/sign-in" not in page.url, f"{role} {email} could not sign in"
        return page

    return as_role


@pytest.fixture
def check(request):
    """check(page, name): axe and sideways scrolling at 1280 and 320 px, and screenshots."""
    checks = PageChecks(request.node.name)
    _checked.append(checks)
    request.node.page_checks = checks
    return checks


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A journey fails at its end with every page problem it met, not at the first."""
    try:
        result = yield
    except BaseException:
        checks = getattr(item, "page_checks", None)
        if checks and checks.problems:
            item.add_report_section("call", "page checks", checks.report())
        raise
    checks = getattr(item, "page_checks", None)
    if checks and checks.problems:
        raise AssertionError(checks.report())
    return result


def pytest_terminal_summary(terminalreporter):
    names = sorted({name for c in _checked for name in c.pages})
    problems = sum(len(c.problems) for c in _checked)
    line = (
        f"e2e: {len(names)} pages checked at 1280 and 320 px; {problems} problems; "
        "screenshots in e2e-artifacts/"
    )
    terminalreporter.write_line(line)
    if ARTIFACTS.is_dir():
        listing = "\n".join(names)
        (ARTIFACTS / "pages.txt").write_text(f"{line}\n{listing}\n", encoding="utf-8")


@pytest.fixture(scope="session")
def held_assessment(service):
    return held_for_grading(service)


def held_for_grading(service) -> tuple[int, str]:
    """(n, apprentice's name): an assessment held before today with no result yet, with the
    demonstration's n-th assessor. The service runs on the real clock, so a booking made now
    could not be graded yet: Zara Ahmed's discussion is recorded through the API as held
    (backdated) on the last working day with Grace Okafor; if the demonstration already holds
    that one, whichever assessment the demonstration held in the last fortnight is used."""
    admin = service.flask("epa", "create-token", service.sign_in_for("admin")[0])
    token = admin.strip().splitlines()[-1]
    emails = [email for email, _ in service.accounts["assessor"]]
    users = {u["email"]: u["id"] for u in _items(service.api(token, "GET", "/users"))}
    assessors = [users[email] for email in emails]
    zara = next(
        a
        for a in _items(service.api(token, "GET", "/apprentices?q=Ahmed"))
        if a["given_names"] == "Zara"
    )
    day = last_working_day()
    status, answer = service.api(
        token,
        "POST",
        "/assessments",
        {
            "apprentice_id": zara["id"],
            "method": "discussion",
            "assessor_id": assessors[0],
            "starts_at": f"{day.isoformat()}T10:00",
            "location": "Online (Microsoft Teams)",
            "backdated": True,
        },
    )
    if status == 201:
        return 0, "Zara Ahmed"
    since = (day - timedelta(days=14)).isoformat()
    found = _items(service.api(token, "GET", f"/assessments?from={since}&status=booked"))
    now = datetime.now(UTC)
    for held in found:
        if held["assessor_id"] in assessors and datetime.fromisoformat(held["ends_at"]) < now:
            _, apprentice = service.api(token, "GET", f"/apprentices/{held['apprentice_id']}")
            name = f"{apprentice['given_names']} {apprentice['family_name']}"
            return assessors.index(held["assessor_id"]), name
    raise AssertionError(f"No assessment is held to be graded; recording one was refused: {answer}")


def _items(answer):
    """The records of a list answer (a page of items, or a bare list)."""
    _, body = answer
    return body["items"] if isinstance(body, dict) else body
