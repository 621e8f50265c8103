"""Steps the journeys share, written as a person does them: by the labels and buttons on the
page, not by ids."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from epa.demo_apprentices import uln_for
from epa.rules.dates import add_months
from epa.rules.scheduling import is_working_day

LONDON = ZoneInfo("Europe/London")


def today() -> date:
    """Today in the UK, as the service (on the real clock) sees it."""
    return datetime.now(LONDON).date()


def last_working_day() -> date:
    day = today() - timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def sign_in(page, email: str, password: str) -> None:
    """Sign in on the sign-in page, as typed; the page is wherever that leads."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def fill_date(page, legend: str, day: date) -> None:
    """A GOV.UK date input: the day, month and year boxes of the fieldset with this legend."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def press(page, name: str, *, refused: bool = False) -> None:
    """Select the button with this name and wait for the page it leads to, which shows an
    error summary only when `refused`."""
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    if not refused and summary.count():
        raise AssertionError(f"{name!r} was refused: {summary.inner_text()}")


def choose_option(select, starting: str) -> None:
    """Choose the option of a select whose words start so (a provider's carry its UKPRN)."""
    labels = [text.strip() for text in select.locator("option").all_inner_texts()]
    select.select_option(label=next(text for text in labels if text.startswith(starting)))


def banner_text(page) -> str:
    return page.locator(".govuk-notification-banner").first.inner_text()


def register_apprentice(page, check, n: int, given: str, family: str) -> str:
    """Register an apprentice 16 months into a programme from the apprentices list; their
    ULN. Leaves the page on the apprentice's record."""
    page.goto("/apprentices/")
    check(page, "Apprentices")
    page.get_by_role("button", name="Register an apprentice").click()
    check(page, "Register an apprentice")
    uln = uln_for(5000 + n)
    page.get_by_label("ULN").fill(uln)
    page.get_by_label("Given names").fill(given)
    page.get_by_label("Family name").fill(family)
    fill_date(page, "Date of birth", date(2001, 4, 12))
    page.get_by_label("Email address").fill(f"{given}.{family}@example.com".lower())
    choose_option(page.get_by_label("Employer"), "Northwind Digital Ltd")
    choose_option(page.get_by_label("Training provider"), "Midlands Tech Academy")
    choose_option(page.get_by_label("Standard", exact=True), "ST0825")
    fill_date(page, "Start date", add_months(today(), -16))
    press(page, "Register apprentice")
    assert page.get_by_role("heading", level=1, name=f"{given} {family}").is_visible()
    return uln


def apprentice_id(page) -> int:
    """The id in the address of the apprentice's record the page is on."""
    return int(re.search(r"/apprentices/([0-9]+)", page.url)[1])
