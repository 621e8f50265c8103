"""Operations staff: from registering an apprentice to both methods booked, and the tools that
book many at once (the slot finder, the week's availability and the cohort planner)."""

import csv
import re
from datetime import date

from icalendar import Calendar
from openpyxl import Workbook
from steps import banner_text, choose_option, fill_date, press, register_apprentice, today

from epa.demo_apprentices import uln_for
from epa.imports.reading import HEADERS


def test_register_gateway_and_book_both_methods(signed_in, check):
    page = signed_in("staff")
    check(page, "Staff home")
    register_apprentice(page, check, 1, "Sam", "Taylor")
    check(page, "Apprentice, registered")

    # A first gateway attempt before the employer has confirmed: not passed, reason given.
    page.get_by_role("button", name="Record gateway").click()
    check(page, "Record gateway")
    record_gateway(page, employer_confirmed=False)
    assert "Gateway not passed" in banner_text(page)
    check(page, "Apprentice, gateway not passed")

    page.get_by_role("button", name="Record gateway").click()
    record_gateway(page, employer_confirmed=True)
    check(page, "Apprentice, gateway passed")
    assert page.get_by_role("button", name="Book an assessment").is_visible()

    # The discussion: a date and time typed in (the earliest slot the finder offers), then
    # the assessor chosen among those free then.
    page.get_by_role("button", name="Book an assessment").click()
    check(page, "Book an assessment")
    first = earliest_slot(page, "Professional discussion")
    check(page, "Book an assessment, slots found")
    when, assessor = slot_parts(first)
    fill_date(page, "Date", when.date())
    page.get_by_label("Start time").fill(f"{when:%H:%M}")
    press(page, "Show who is free then")
    check(page, "Book an assessment, assessors free")
    page.get_by_role("group", name="Assessor").get_by_label(assessor).check()
    page.get_by_label("Location").fill("Online (Microsoft Teams)")
    press(page, "Book assessment")
    assert "booked with" in banner_text(page)

    # The project: the finder's earliest slot, booked as offered.
    page.get_by_role("button", name="Book an assessment").click()
    earliest_slot(page, "Project")
    page.get_by_label("Location").fill("Employer site")
    press(page, "Book this slot")
    assert "booked with" in banner_text(page)
    check(page, "Apprentice, both methods booked")

    # The discussion's invitation opens in a calendar as the booking.
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download invite")).first.click()
    calendar = Calendar.from_ical(download.value.path().read_bytes())
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    assert "Sam Taylor" in str(events[0]["SUMMARY"]) + str(events[0].get("DESCRIPTION", ""))
    assert events[0].decoded("DTSTART").date() == when.date()


def test_slot_finder_availability_and_cohort_plan(signed_in, check, service):
    page = signed_in("staff")
    # Ethan passed gateway (late) in the demonstration and has nothing booked.
    page.goto("/apprentices/?q=Clarke")
    check(page, "Apprentices, searched")
    page.get_by_role("link", name="Clarke, Ethan").click()
    page.get_by_role("button", name="Book an assessment").click()
    found = earliest_slot(page, "Professional discussion")
    page.get_by_label("Location").fill("Online (Microsoft Teams)")
    press(page, "Book this slot")
    assert "booked with" in banner_text(page)
    assert slot_parts(found)[1] in banner_text(page)

    page.goto("/diary")
    check(page, "Diary")
    page.goto("/diary/availability")
    check(page, "Availability")
    assert page.get_by_role("heading", level=1).is_visible()
    page.goto("/standards/")
    check(page, "Standards")

    # A cohort of three who passed gateway; one row is dropped before the plan is booked.
    page.goto("/plans/new")
    check(page, "Plan bookings for a group")
    cohort = page.get_by_role("group", name="Apprentices to plan for").get_by_role("checkbox")
    assert cohort.count() >= 3, "the demonstration should leave three apprentices to plan for"
    for n in range(3):
        cohort.nth(n).check()
    press(page, "Propose a plan")
    check(page, "Plan, proposed")
    drops = page.get_by_role("button", name=re.compile(r"^Drop"))
    rows = drops.count()
    assert rows >= 2
    drops.first.click()
    page.wait_for_load_state()
    check(page, "Plan, one row dropped")
    assert page.get_by_role("button", name=re.compile(r"^Drop")).count() == rows - 1
    page.get_by_label("Location for every booking").fill("Employer site")
    press(page, f"Book {rows - 1} assessments" if rows > 2 else "Book 1 assessment")
    check(page, "Plan, booked")
    assert page.get_by_role("heading", level=1).inner_text().strip().endswith("Booked")


def record_gateway(page, *, employer_confirmed: bool) -> None:
    fill_date(page, "Gateway date", today())
    for subject in ("English", "Maths"):
        page.get_by_role("group", name=re.compile(f"^{subject}")).get_by_label("Level 2").check()
    evidence = page.get_by_role("group", name="Evidence")
    evidence.get_by_label("The employer has confirmed").set_checked(employer_confirmed)
    evidence.get_by_label("The training provider confirms").check()
    evidence.get_by_label("The project summary").check()
    press(page, "Record gateway attempt")


def earliest_slot(page, method: str) -> str:
    """Ask the slot finder for the method's earliest slots; the first one's words."""
    page.get_by_role("group", name="Assessment method").get_by_label(method).check()
    press(page, "Find the next available slots")
    slots = page.get_by_role("group", name="Available slots").get_by_role("radio")
    assert slots.count() >= 1, f"no slot was found for the {method}"
    slots.first.check()
    label = page.locator(f"label[for='{slots.first.get_attribute('id')}']").inner_text()
    return label


def slot_parts(words: str):
    """ "Thursday 10 December 2026, 08:00 to 09:00 — Grace Okafor" -> (start, assessor)."""
    from datetime import datetime

    match = re.match(r"\w+ (\d+ \w+ \d{4}), (\d\d:\d\d) to \d\d:\d\d — (.+)", words.strip())
    assert match, words
    return datetime.strptime(f"{match[1]} {match[2]}", "%d %B %Y %H:%M"), match[3]


def test_lists_downloads_and_organisations(signed_in, check, tmp_path):
    page = signed_in("staff")

    # The apprentice list, filtered and sorted, and downloaded as it is shown.
    page.goto("/apprentices/")
    page.get_by_label("Sort by").select_option(label="EPA deadline (soonest first)")
    page.get_by_text("More filters").click()
    choose_option(page.get_by_label("Employer"), "Northwind Digital Ltd")
    press(page, "Search")
    check(page, "Apprentices, filtered and sorted")
    assert "employer_id=" in page.url and "sort=" in page.url
    shown = page.locator("table tbody tr").count()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these apprentices (CSV)").click()
    saved = tmp_path / "apprentices.csv"
    download.value.save_as(saved)
    rows = list(csv.reader(saved.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) - 1 >= shown > 0
    assert all("Northwind Digital Ltd" in row for row in rows[1:]), rows[:3]

    page.goto("/assessments/")
    check(page, "Assessments")

    # Employers and providers: find one, see its apprentices; a wrong UKPRN is refused.
    page.goto("/employers/")
    check(page, "Employers")
    page.get_by_label("Search by name").fill("northwind")
    press(page, "Search")
    page.get_by_role("link", name="Northwind Digital Ltd").click()
    page.wait_for_load_state()
    check(page, "An employer")
    page.goto("/providers/")
    check(page, "Training providers")
    page.get_by_role("button", name="Add a training provider").click()
    page.wait_for_load_state()
    check(page, "Add a training provider")
    page.get_by_label("Name").fill("Harbour Skills College")
    page.get_by_label("UKPRN (UK provider reference number)").fill("2001234")
    press(page, "Add training provider", refused=True)
    check(page, "Add a training provider, refused")
    page.get_by_label("UKPRN (UK provider reference number)").fill("10098765")
    press(page, "Add training provider")
    check(page, "A training provider, added")
    assert "Harbour Skills College" in page.locator("h1").inner_text()


def test_import_a_spreadsheet_and_follow_its_progress(signed_in, check, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS))
    for n in range(300):
        sheet.append(
            [
                uln_for(7000 + n),
                f"Ira{n}",
                "Imported",
                date(2001, 4, 12),
                None,
                "Northwind Digital Ltd",
                "10012345",
                "ST0825",
                date(2025, 6, 2),
                "No",
            ]
        )
    path = tmp_path / "apprentices.xlsx"
    workbook.save(path)

    page = signed_in("staff")
    page.goto("/imports")
    check(page, "Import apprentices")
    page.get_by_label("Upload the filled-in template").set_input_files(str(path))
    page.get_by_role("button", name="Import apprentices").click()
    page.wait_for_load_state()
    # The job page: a progress bar while a worker thread registers the rows, then the result.
    page.get_by_text("300 apprentices were registered").wait_for(timeout=60_000)
    check(page, "Import complete")
    page.goto("/imports")
    check(page, "Import apprentices, recent work")
    assert page.get_by_role("link", name=re.compile("Apprentices import, started")).count() == 1
