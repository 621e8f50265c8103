"""The rough edges found on the first look at the service, each proven gone: what a page offers
matches what the service allows, and each page says what it means once."""

import re
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path

import pytest

from epa.extensions import db
from epa.grading import services
from epa.grading.schemas import ResultDraft
from epa.rules.gateway import reason_text
from epa.scheduling.models import Assessment
from tests.api.test_grading import PLAN, all_met, only_pass
from tests.audit.test_audit_page import history  # noqa: F401  (a fixture)
from tests.pages.test_gateway_pages import YOUNG, record
from tests.pages.test_gateway_pages import office as office  # noqa: PLC0414  (a fixture)
from tests.pages.test_grading_pages import (
    AFTER_DISCUSSION,
    AFTER_PROJECT,
    DISCUSSION,
    GRACE,
    grade_directly,
    page_of,
    post_result,
    sign_in_as,
    stored,
    text_of,
    world,  # noqa: F401  (a fixture)
)

#: The discussion in `world` is booked with Grace for Thursday 10 December 2026 at 10:00.
WHEN_THE_DISCUSSION_STARTS = datetime(2026, 12, 10, 10, 0, tzinfo=UTC)
FROM_THE_START = "You can record the result from 10:00 on Thursday 10 December 2026"


STAGES = {"Booked", "Awaiting result", "Graded", "Cancelled"}


def stage_tags(html: str) -> list[str]:
    """The assessments' status tags on a page, in order (other tags left out)."""
    tags = re.findall(r'<strong class="govuk-tag[^"]*">([^<]+)<', html)
    return [t for t in (" ".join(tag.split()) for tag in tags) if t in STAGES]


# Record result: offered once the assessment has started, and not before


def test_record_result_is_not_offered_before_the_assessment_starts(client, auth, world):
    sign_in_as(client, auth, GRACE)  # now: Thursday 26 November 2026
    html = client.get("/my-assessments").get_data(as_text=True)
    assert "Record result" not in html
    assert FROM_THE_START in text_of(html)


def test_the_grading_page_says_when_the_result_can_be_recorded(app, client, auth, world):
    sign_in_as(client, auth, GRACE)
    html = client.get(page_of(world["discussion"])).get_data(as_text=True)
    assert FROM_THE_START in text_of(html)
    assert 'type="radio"' not in html and 'name="save"' not in html
    assert "Grade so far" not in html  # nothing can be judged yet
    # A form sent anyway is refused, saying when, and nothing is kept.
    response = post_result(client, world["discussion"], {"P1": True})
    assert response.status_code == 422
    assert "the result can be recorded from 10:00 on Thursday 10 December 2026" in response.text
    assert stored(app, world["discussion"]) is None


def test_record_result_is_offered_from_the_minute_it_starts(client, auth, world):
    world["at"](WHEN_THE_DISCUSSION_STARTS)
    sign_in_as(client, auth, GRACE)
    html = client.get("/my-assessments").get_data(as_text=True)
    assert f'href="{page_of(world["discussion"])}">Record result' in html
    assert FROM_THE_START not in text_of(html)
    grading = client.get(page_of(world["discussion"])).text
    assert 'type="radio"' in grading and "Grade so far" in grading


# The status tag: booked, awaiting result, graded; no moving or cancelling a graded one


def test_the_status_tag_follows_the_assessment_through_grading(app, client, auth, world):
    sign_in_as(client, auth, GRACE)
    mine, result = "/my-assessments", page_of(world["discussion"])
    assert "Booked" in stage_tags(client.get(mine).text)
    world["at"](AFTER_DISCUSSION)
    sign_in_as(client, auth, GRACE)  # a fortnight on: a new session
    # An assessor sees only their own assessments on the apprentice's page.
    detail = f"/apprentices/{world['apprentice']}"
    assert stage_tags(client.get(mine).text) == ["Awaiting result"]
    assert stage_tags(client.get(result).text) == ["Awaiting result"]
    assert stage_tags(client.get(detail).text) == ["Awaiting result"]
    grade_directly(app, world["discussion"], all_met("discussion"))
    assert stage_tags(client.get(mine).text) == ["Graded"]
    assert stage_tags(client.get(result).text) == ["Graded"]
    assert stage_tags(client.get(detail).text) == ["Graded"]


def test_a_graded_assessment_offers_no_reschedule_or_cancel(app, client, signed_in, world):
    signed_in("staff")
    detail = f"/apprentices/{world['apprentice']}"
    reschedule = f'href="/assessments/{world["discussion"]}/reschedule"'
    cancel = f'href="/assessments/{world["discussion"]}/cancel"'
    html = client.get(detail).text
    assert reschedule in html and cancel in html
    world["at"](AFTER_DISCUSSION)
    signed_in("staff")  # a fortnight on: a new session
    assert stage_tags(client.get(detail).text) == ["Awaiting result", "Booked"]
    grade_directly(app, world["discussion"], all_met("discussion"))
    html = client.get(detail).text
    assert reschedule not in html and cancel not in html
    assert stage_tags(html) == ["Graded", "Booked"]
    # The other method, not graded, still can be moved.
    assert f'href="/assessments/{world["project"]}/reschedule"' in html


# The result's words: each said once


def test_the_grade_so_far_is_said_once(client, auth, world):
    world["at"](AFTER_DISCUSSION)
    sign_in_as(client, auth, GRACE)
    words = text_of(client.get(page_of(world["discussion"])).text)
    assert "Grade so far Not every criterion is judged yet: 22 to go" in words
    post_result(client, world["discussion"], all_met("discussion"))
    words = text_of(client.get(page_of(world["discussion"])).text)
    assert "Grade so far Distinction" in words
    assert "The grade that follows" not in words.split("Grade so far")[1]


def test_the_confirmation_says_when_nothing_is_judged_yet(client, auth, world):
    world["at"](AFTER_DISCUSSION)
    sign_in_as(client, auth, GRACE)
    words = text_of(client.get(page_of(world["discussion"], "/submit")).text)
    assert "Criteria met No criteria judged yet" in words and "0 of the 0" not in words
    post_result(client, world["discussion"], {"P1": True, "P2": False})
    words = text_of(client.get(page_of(world["discussion"], "/submit")).text)
    assert "Criteria met 1 of the 2 judged" in words


# A failed gateway: a neutral banner, the reasons first


def banners(html: str) -> list[str]:
    return re.findall(r'<div class="govuk-notification-banner[^"]*".*?</div>\s*</div>', html, re.S)


def test_a_failed_gateway_is_not_announced_as_a_success(client, office, make_apprentice):
    apprentice_id = make_apprentice(**YOUNG)
    response = record(client, apprentice_id, maths="level1", employer_confirmed=None)
    html = client.get(response.headers["Location"]).text
    [banner] = banners(html)
    assert "govuk-notification-banner--success" not in banner
    assert 'role="region"' in banner  # the neutral banner, not an alert of success
    words = text_of(banner)
    assert words.startswith("Gateway not passed "), words
    reasons = [reason_text("maths_not_met"), reason_text("employer_not_confirmed")]
    listed = [text_of(item) for item in re.findall(r"<li>(.*?)</li>", banner, re.S)]
    assert listed == reasons
    # The reasons come before anything else the banner says.
    assert words.index(reasons[0]) < words.index("15 January 2026")


def test_a_passed_gateway_is_still_a_success(client, office, make_apprentice):
    apprentice_id = make_apprentice(start_date="2024-09-30")
    response = record(client, apprentice_id)
    [banner] = banners(client.get(response.headers["Location"]).text)
    assert "govuk-notification-banner--success" in banner and "Gateway passed" in banner


# Sign-off: each method's judgements, and its result a link away


def test_sign_off_shows_each_method_s_judgements_and_links_its_result(
    app, client, signed_in, world
):
    world["at"](AFTER_DISCUSSION)
    discussion = all_met("discussion", D2=False)
    with app.app_context():
        assessment = db.session.get(Assessment, world["discussion"])
        comments = "Clear on data ethics.\nD2 needs more evidence."
        draft = ResultDraft(criteria=discussion, comments=comments)
        services.save_draft(assessment, draft, assessment.assessor)
        services.submit_result(assessment, assessment.assessor)
        db.session.commit()
    world["at"](AFTER_PROJECT)
    grade_directly(app, world["project"], only_pass("project"))
    signed_in("staff")
    html = client.get("/sign-off").text
    assert f'href="{page_of(world["discussion"])}"' in html
    assert f'href="{page_of(world["project"])}"' in html
    words = unescape(text_of(html))
    for method in ("discussion", "project"):
        for criterion in PLAN[method]["criteria"]:
            assert f"{criterion['id']}: {text_of(criterion['text'])}" in words, criterion["id"]
    assert f"{DISCUSSION} Pass. View result of the professional discussion" in words
    assert "21 of 22 criteria met in the professional discussion" in words
    judged = words[words.index("21 of 22 criteria") : words.index("Assessor’s comments")]
    assert "Not met D2: " in judged and "Met D1: " in judged and "Not met D1: " not in judged
    assert "Assessor’s comments Clear on data ethics. D2 needs more evidence." in words
    project = PLAN["project"]["criteria"]
    passes = sum(1 for c in project if c["grade"] == "pass")
    assert f"{passes} of {len(project)} criteria met in the project" in words
    assert "Overall grade Pass" in words and "Confirm outcome for Sam Taylor" in words


# The audit filter: dates in day, month and year boxes, as on every other form


def test_the_audit_filter_asks_for_dates_in_day_month_and_year_boxes(client, signed_in, history):
    signed_in("admin")
    html = client.get("/audit").text
    assert "YYYY-MM-DD" not in html
    for name in ("from", "to"):
        for part in ("day", "month", "year"):
            assert f'id="{name}-{part}" name="{name}"' in html, (name, part)
    boxes = "?from=1&from=1&from=2020&to=31&to=12&to=2020&entity=employer"
    response = client.get(f"/audit{boxes}")
    # The boxes' dates become the page's address in the API's words, which the pages keep.
    assert response.status_code == 302
    assert response.headers["Location"] == "/audit?entity=employer&from=2020-01-01&to=2020-12-31"
    html = client.get(response.headers["Location"]).text
    assert "No changes match" in html
    assert re.search(r'id="from-year" name="from" type="text" value="2020"', html)
    assert re.search(r'id="to-day" name="to" type="text" value="31"', html)


def test_an_old_link_with_iso_dates_still_filters(client, signed_in, history):
    signed_in("admin")
    response = client.get("/audit?from=2020-01-01&to=2020-12-31")
    assert response.status_code == 200 and "No changes match" in response.text
    assert re.search(r'id="from-month" name="from" type="text" value="01"', response.text)


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("from=31&from=2&from=2026", "from", "Enter the from date as a real date"),
        ("from=1&from=&from=2026", "from", "The from date must include a month"),
        ("to=1&to=1&to=2020&from=2&from=1&from=2020", "to", "The to date must be the same as"),
        ("from=2026-02-30", "from", "Enter the from date as a real date"),
    ],
)
def test_a_wrong_audit_date_is_shown_beside_its_boxes(
    client, signed_in, history, query, field, message
):
    signed_in("admin")
    response = client.get(f"/audit?{query}")
    assert response.status_code == 422
    html = response.text
    assert "There is a problem" in html and f'href="#{field}-day"' in html
    assert (
        message in html
        and "govuk-date-input__input govuk-input--width-2 govuk-input--error" in html
    )
    assert "<title>Error: " in html


# The demonstration leaves the assessor something to grade


@pytest.mark.parametrize(
    "day, held",
    [
        (date(2026, 12, 1), "Monday 30 November 2026, 10:00 to 11:00"),  # yesterday
        (date(2026, 11, 30), "Friday 27 November 2026, 10:00 to 11:00"),  # a Monday: Friday
        (date(2026, 12, 29), "Thursday 24 December 2026, 10:00 to 11:00"),  # after two holidays
    ],
)
def test_the_demonstration_s_assessor_has_a_result_to_record(
    app, runner, auth, client, today, day, held
):
    today(day)
    printed = runner.invoke(args=["epa", "demo-data"])
    assert printed.exit_code == 0, printed.output
    email, password = next(
        line.split()[1:] for line in printed.output.splitlines() if line.split()[:1] == ["assessor"]
    )
    assert auth.sign_in(email, password).status_code == 302
    words = text_of(client.get("/").text)
    assert "Results still to submit 1 assessment has been held without a submitted result" in words
    assert f"{held} " in words.split("Results still to submit")[1]
    record = re.search(r'href="(/assessments/[0-9]+/result)">Record result', client.get("/").text)
    assert record and 'type="radio"' in client.get(record.group(1)).text


# The booking form: the reason an assessor is greyed out can be read (WCAG AA, 4.5:1)


STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "build" / "epa.css"
DISABLED_HINT = ".govuk-radios__input:disabled~.govuk-hint"


def declared(css: str, selector: str, prop: str) -> list[str]:
    """Every value the stylesheet gives `prop` in rules naming `selector`, in order."""
    values = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if selector in (s.strip() for s in selectors.split(",")):
            values += re.findall(rf"(?:^|;){prop}:([^;]+)", body)
    return values


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_a_greyed_out_assessor_s_reason_meets_colour_contrast():
    css = STYLESHEET.read_text(encoding="utf-8")
    colour = declared(css, ".govuk-hint", "color")[-1]
    hex_colour = re.search(r"#([0-9a-f]{6})", colour).group(1)  # var(--name, #484949)
    opacity = float((declared(css, DISABLED_HINT, "opacity") or ["1"])[-1])
    text = [int(hex_colour[i : i + 2], 16) for i in (0, 2, 4)]
    shown = tuple(opacity * c + (1 - opacity) * 255 for c in text)  # faded over white
    ratio = (1.05) / (luminance(shown) + 0.05)
    assert ratio >= 4.5, f"{ratio:.2f}:1 at opacity {opacity}"


# The header: Sign out never wraps onto a row of its own


@pytest.mark.parametrize("role", ["admin", "staff", "assessor"])
def test_sign_out_is_beside_the_service_name_not_among_the_sections(client, signed_in, role):
    signed_in(role)
    html = client.get("/").text
    header = html[html.index('<section aria-label="Service information"') :]
    header = header[: header.index("</section>")]
    sections = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', header, re.S)[0]
    assert "Sign out" not in sections and "sign-out" not in sections
    # After the sections in reading order, in the block the stylesheet lifts onto the service
    # name's row on a wide screen.
    account = header[header.index("</nav>") :]
    assert re.search(
        r'<div class="epa-account">.*<form method="post" action="/sign-out"', account, re.S
    )
    assert re.search(
        r'<button type="submit" class="epa-account__button">Sign out</button>', account
    )
    css = STYLESHEET.read_text(encoding="utf-8")
    desktop = r"@media\s*\(min-width:\s*48\.0625em\)\{[^@]*\.epa-account\{position:absolute"
    assert re.search(desktop, css)


# The Standards page: our own links are links; the standard's texts stay text


def test_the_standards_page_links_versions_and_shows_the_standard_s_words_as_text(
    app, client, signed_in
):
    from epa.standards.services import load_standard
    from tests.conftest import fixture_data

    data = fixture_data()
    data["title"] = "DevOps <i>engineer</i>"
    data["versions"][0]["change"] = 'Approved <a href="https://evil.example">for</a> delivery'
    with app.app_context():
        load_standard(data)
        db.session.commit()
    signed_in("staff")
    for page in ("/standards/", "/"):
        html = client.get(page).text
        assert '<a class="govuk-link" href="/standards/ST0825/versions/1.0">' in html, page
        assert "<i>" not in html and 'evil.example">' not in html, page
        assert "DevOps &lt;i&gt;engineer&lt;/i&gt;" in html, page
    assert "Approved &lt;a href=&#34;https://evil.example&#34;&gt;for&lt;/a&gt; delivery" in (
        client.get("/standards/").text
    )
