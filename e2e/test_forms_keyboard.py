"""A form sent with mistakes says what to fix, with focus on the summary and each of its links
leading to its field; and a journey done with the keyboard alone."""

from steps import press

_FOCUSED = """() => {
  const el = document.activeElement;
  return {id: el.id, tag: el.tagName.toLowerCase(), text: (el.innerText || "").trim(),
          classes: el.className || ""};
}"""


def test_error_summary_takes_focus_and_links_to_the_fields(signed_in, check):
    page = signed_in("staff")
    page.goto("/apprentices/new")
    page.get_by_label("Given names").fill("Sam")
    press(page, "Register apprentice", refused=True)
    check(page, "Register an apprentice, with errors")

    summary = page.locator(".govuk-error-summary")
    assert page.evaluate(_FOCUSED)["classes"].startswith("govuk-error-summary")
    links = summary.get_by_role("link")
    assert links.count() >= 3, "every missing answer is listed"
    for n in range(links.count()):
        target = links.nth(n).get_attribute("href").removeprefix("#")
        links.nth(n).click()
        assert page.evaluate(_FOCUSED)["id"] == target, f"the link to #{target} moved focus"
        # Back to the summary for the next link, as a keyboard user would.
        summary.focus()


def test_sign_in_and_find_an_apprentice_with_the_keyboard_alone(new_page, service, check):
    email, password = service.sign_in_for("staff")
    page = new_page()
    page.goto("/sign-in")
    check(page, "Sign in")
    tab_to(page, lambda el: el["id"] == "email")
    page.keyboard.type(email)
    tab_to(page, lambda el: el["id"] == "password")
    page.keyboard.type(password)
    enter(page)
    assert "/sign-in" not in page.url, "signed in with the keyboard"

    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == "Apprentices")
    enter(page)
    tab_to(page, lambda el: el["tag"] == "input" and el["id"] == "q")
    page.keyboard.type("Clarke")
    enter(page)
    check(page, "Apprentices, searched by keyboard")
    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == "Clarke, Ethan")
    enter(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Ethan Clarke"


def enter(page) -> None:
    """Press Enter and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def tab_to(page, wanted, most: int = 60) -> None:
    """Press Tab until the focused element is the one wanted (no mouse, no clicks)."""
    seen = []
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if wanted(focused):
            return
        seen.append(focused["id"] or focused["text"][:30])
    raise AssertionError(f"Tab never reached it; focus went through: {seen}")
