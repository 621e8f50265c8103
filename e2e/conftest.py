"""The browser journeys' fixtures: the service under gunicorn, Debian's Chromium driven by
Playwright, a signed-in page per role, and the page checks every journey reports at its end."""

import os
import shutil

import pytest
from checks import ARTIFACTS, PageChecks
from playwright.sync_api import sync_playwright
from server import prepare, start, stop
from steps import last_working_day

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

    def sign_in(role: str, n: int = 0):
        email, password = service.sign_in_for(role, n)
        page = new_page()
        page.goto("/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "/sign-in" not in page.url, f"{role} {email} could not sign in"
        return page

    return sign_in


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
    """The apprentice whose assessment was held before today with no result yet, with the
    first demonstration assessor (Grace Okafor): Zara Ahmed's discussion, recorded through the
    API as held (backdated) on the last working day, since the service runs on the real clock
    and a booking made now could not be graded yet."""
    admin = service.flask("epa", "create-token", service.sign_in_for("admin")[0])
    token = admin.strip().splitlines()[-1]
    _, users = service.api(token, "GET", "/users")
    users = users["items"] if isinstance(users, dict) else users
    email, _ = service.sign_in_for("assessor")
    assessor = next(u for u in users if u["email"] == email)
    _, apprentices = service.api(token, "GET", "/apprentices?q=Ahmed")
    apprentices = apprentices["items"] if isinstance(apprentices, dict) else apprentices
    zara = next(a for a in apprentices if a["given_names"] == "Zara")
    day = last_working_day()
    status, answer = service.api(
        token,
        "POST",
        "/assessments",
        {
            "apprentice_id": zara["id"],
            "method": "discussion",
            "assessor_id": assessor["id"],
            "starts_at": f"{day.isoformat()}T10:00",
            "location": "Online (Microsoft Teams)",
            "backdated": True,
        },
    )
    assert status == 201, f"the held assessment was not recorded: {answer}"
    return "Zara Ahmed"
