"""An assessor grades an assessment that has been held; an administrator signs off an outcome,
downloads the outcomes return and reads the audit trail."""

import re

from openpyxl import load_workbook
from steps import banner_text, press, sign_in


def test_assessor_drafts_submits_and_the_result_locks(signed_in, check, held_assessment):
    n, apprentice = held_assessment
    page = signed_in("assessor", n)
    check(page, "Assessor home")
    page.goto("/my-assessments")
    check(page, "My assessments")
    page.get_by_role("link", name=re.compile(f"Record result for {apprentice}")).click()
    page.wait_for_load_state()
    check(page, "Record the result")

    # A draft with one criterion judged, kept as it was left.
    radios = page.get_by_role("radio", name="Met", exact=True)
    radios.first.check()
    page.get_by_label("Comments").fill("Clear answers on security; examples from work.")
    press(page, "Save draft")
    check(page, "Record the result, draft saved")
    assert page.get_by_role("radio", name="Met", exact=True).first.is_checked()

    # Every criterion judged met, then submitted after the confirmation page.
    radios = page.get_by_role("radio", name="Met", exact=True)
    for n in range(radios.count()):
        radios.nth(n).check()
    press(page, "Submit result")
    check(page, "Submit the result")
    press(page, "Submit result")
    check(page, "Result, submitted")

    # Locked: the judgements are shown, nothing can be changed.
    assert page.get_by_role("heading", level=1).inner_text().startswith("Result of")
    assert page.get_by_role("radio").count() == 0
    assert page.get_by_role("button", name="Save draft").count() == 0

    page.goto("/calendar")
    check(page, "Calendar feed")
    page.goto("/my-unavailability")
    check(page, "My unavailability")


def test_admin_signs_off_exports_and_reads_the_audit_trail(signed_in, check, tmp_path):
    page = signed_in("admin")
    check(page, "Admin home")
    page.goto("/sign-off")
    check(page, "Sign-off")
    # Omar Haddad's outcome waits for sign-off in the demonstration.
    page.get_by_role("button", name="Confirm outcome for Omar Haddad").click()
    page.wait_for_load_state()
    assert "Omar Haddad" in banner_text(page)
    check(page, "Sign-off, outcome confirmed")

    page.goto("/exports")
    check(page, "Exports")
    page.get_by_role("button", name="Make the outcomes return").click()
    # A worker thread of the web server makes the file; the page shows progress, then the link.
    link = page.get_by_role("link", name=re.compile(r"^Download outcomes-"))
    link.wait_for(timeout=30_000)
    check(page, "Outcomes return ready")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "outcomes.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved, read_only=True).active
    rows = [[str(cell) if cell is not None else "" for cell in row] for row in sheet.values]
    omar = [row for row in rows if "Haddad" in " ".join(row)]
    assert omar, f"Omar Haddad is not in the outcomes return: {rows[:3]}"
    assert any(grade in omar[0] for grade in ("Pass", "Merit", "Distinction"))

    page.goto("/audit")
    check(page, "Audit trail")
    # The newest change is the confirmation just made, by the demonstration's administrator.
    newest = page.locator(".govuk-summary-card").first.inner_text()
    assert "Priya Shah" in newest, newest

    page.goto("/users/")
    check(page, "Users")
    page.goto("/accessibility")
    check(page, "Accessibility statement")


def test_admin_adds_a_user_then_disables_them_and_their_session_ends(signed_in, new_page, check):
    admin = signed_in("admin")
    admin.goto("/users/")
    admin.get_by_role("button", name="Add a user").click()
    admin.wait_for_load_state()
    check(admin, "Add a user")
    admin.get_by_label("Full name").fill("Sam Rivers")
    admin.get_by_label("Email address").fill("sam.rivers@example.com")
    admin.get_by_label("Operations staff").check()
    admin.get_by_label("Password", exact=True).fill("a long first password 7")
    press(admin, "Add user")
    check(admin, "Users, one added")

    # The new member of staff signs in, in a browser of their own.
    staff = new_page()
    sign_in(staff, "sam.rivers@example.com", "a long first password 7")
    assert "/sign-in" not in staff.url
    staff.goto("/account")
    check(staff, "Your account")

    admin.get_by_role("link", name="Sam Rivers").click()
    admin.wait_for_load_state()
    check(admin, "A user")
    press(admin, "Create a password reset link")
    check(admin, "A user, reset link shown once")
    reset_url = admin.get_by_label("Password reset link").input_value()
    assert "/reset-password/" in reset_url

    # The link, opened in another browser, sets a new password and ends the old session.
    stranger = new_page()
    stranger.goto(reset_url)
    check(stranger, "Choose a new password")
    stranger.get_by_label("New password", exact=True).fill("a second long password 8")
    stranger.get_by_label("Confirm new password").fill("a second long password 8")
    press(stranger, "Set new password")
    check(stranger, "Password set")
    staff.goto("/account")
    assert "/sign-in" in staff.url, staff.url
    sign_in(staff, "sam.rivers@example.com", "a second long password 8")
    assert "/sign-in" not in staff.url

    admin.goto(admin.url.rsplit("/", 1)[0])
    admin.get_by_role("button", name="Disable account").click()
    admin.wait_for_load_state()
    check(admin, "Disable an account")
    press(admin, "Disable account")
    check(admin, "A user, disabled")
    assert "Disabled" in admin.locator("main").inner_text()

    # Their next request finds them signed out, and they cannot sign in again.
    staff.goto("/apprentices/")
    assert "/sign-in" in staff.url, staff.url
    sign_in(staff, "sam.rivers@example.com", "a second long password 8")
    assert "/sign-in" in staff.url
    check(staff, "Sign in, refused")
