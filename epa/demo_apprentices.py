"""Demonstration apprentices at every stage the service knows, dated relative to today."""

from datetime import timedelta

from epa import clock
from epa.apprentices.schemas import ApprenticeNew, ApprenticeWithdrawal
from epa.apprentices.services import register_apprentice, withdraw_apprentice
from epa.demo_outcomes import STORIES, assess, record_attempt
from epa.rules.dates import add_months
from epa.rules.scheduling import is_working_day

# (given names, family name, age in whole years at the start, months since the start,
#  EHC plan, story); dates follow today, so the stories stay true whenever the demo is made.
PEOPLE = [
    ("Amelia", "Hughes", 23, 6, False, "registered"),
    ("Oliver", "Bennett", 26, 10, False, "registered"),
    ("Isla", "Campbell", 18, 14, False, "failed_english"),  # under 19: English still counts
    ("Noah", "Patel", 29, 11, False, "failed_too_early"),
    ("Freya", "Robinson", 18, 15, True, "failed_then_passed"),
    ("Leo", "Murphy", 24, 16, False, "passed"),
    ("Zara", "Ahmed", 20, 18, False, "passed"),  # her discussion held, its result to record
    ("Harry", "Walsh", 27, 13, False, "withdrawn"),
    ("Maya", "Kowalski", 21, 8, False, "temporary_uln"),
    ("Ruby", "Chen", 22, 20, False, "completed"),
    ("Omar", "Haddad", 25, 20, False, "awaiting_sign_off"),
    ("Ethan", "Clarke", 31, 26, False, "passed_late"),  # past the published 24 months
    ("Kai", "Thompson", 24, 19, False, "resit_capped"),  # a Pass, capped after a resit
    ("Sofia", "Rossi", 23, 22, False, "restarted"),  # the whole EPA taken again
]


def uln_for(n: int) -> str:
    """The n-th valid ULN above 1000000000 (demonstration numbers only)."""
    candidate = 100000000 + n * 7919
    while True:
        digits = str(candidate)
        remainder = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if remainder != 0:  # r = 0 has no check digit
            return digits + str(10 - remainder)
        candidate += 1


def seed_apprentices(employer_ids: list[int], provider_ids: list[int], users: list) -> int:
    """Register the demonstration apprentices and walk each through its story; returns a count."""
    today = clock.today()
    admin = next(u for u in users if u.role == "admin")
    assessors = [u for u in users if u.role == "assessor"]
    for n, (given, family, age, months, ehc, story) in enumerate(PEOPLE):
        start = add_months(today, -months)
        born = add_months(start, -(12 * age + 1 + n % 11))
        apprentice = register_apprentice(
            ApprenticeNew(
                uln="9999999999" if story == "temporary_uln" else uln_for(n),
                given_names=given,
                family_name=family,
                date_of_birth=born,
                email=f"{given.lower()}.{family.lower()}@example.com",
                employer_id=employer_ids[n % len(employer_ids)],
                provider_id=provider_ids[n % len(provider_ids)],
                standard="ST0825",
                start_date=start,
                ehc_plan=ehc,
            )
        )
        _walk(apprentice, story, start, today)
        if story in ("completed", "awaiting_sign_off"):
            assess(
                apprentice,
                today,
                assessors,
                admin,
                distinction={"discussion"},
                confirm=story == "completed",
                hour=10 if story == "completed" else 14,
            )
        if story in ("resit_capped", "restarted"):
            STORIES[story](apprentice, today, assessors, admin)
        if given in BOOKINGS:
            for method, days_ahead, assessor_index in BOOKINGS[given]:
                _book(apprentice, method, today, days_ahead, assessors[assessor_index], admin)
        if given == HELD_WITHOUT_RESULT:
            # The first assessor, whose sign-in is printed first, has a result to record.
            _held_yesterday(apprentice, "discussion", today, assessors[0], admin)
    return len(PEOPLE)


#: whose discussion was held on the last working day before today, its result not yet recorded
HELD_WITHOUT_RESULT = "Zara"


#: given name -> (method, at least this many days from today, which assessor)
BOOKINGS = {
    "Leo": [("discussion", 16, 0)],
    "Freya": [("discussion", 23, 0), ("project", 72, 1)],
}


def _book(apprentice, method: str, today, days_ahead: int, assessor, admin) -> None:
    """Book on the first working day from `days_ahead` that the plan's window allows."""
    day = today + timedelta(days=days_ahead)
    while not is_working_day(day):
        day += timedelta(days=1)
    _book_on(apprentice, method, day, assessor, admin)


def _held_yesterday(apprentice, method: str, today, assessor, admin) -> None:
    """Record a sitting held at 10:00 on the last working day before today (an administrator
    records one already held), with no result yet."""
    day = today - timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    _book_on(apprentice, method, day, assessor, admin, backdated=True)


def _book_on(apprentice, method: str, day, assessor, admin, *, backdated=False) -> None:
    from epa.scheduling.schemas import Booking
    from epa.scheduling.services import book_assessment

    booking = {
        "apprentice_id": apprentice.id,
        "method": method,
        "assessor_id": assessor.id,
        "starts_at": f"{day.isoformat()}T10:00",
        "location": "Online (Microsoft Teams)" if method == "discussion" else "Employer site",
        "backdated": backdated,
    }
    book_assessment(Booking.read(booking), admin)


def _walk(apprentice, story: str, start, today) -> None:
    recent = today - timedelta(days=21)
    if story == "failed_english":
        record_attempt(apprentice, gateway_date=recent, english="level1")
    elif story == "failed_too_early":
        # Too soon, and the provider would not yet confirm the training was done.
        record_attempt(apprentice, gateway_date=recent, provider_confirmed=False)
    elif story == "failed_then_passed":
        # The first try came before the employer signed and the project summary was written.
        record_attempt(
            apprentice,
            gateway_date=recent - timedelta(days=14),
            employer_confirmed=False,
            project_summary_submitted=False,
            maths="entry3",
        )
        record_attempt(apprentice, gateway_date=recent, maths="entry3")
    elif story in ("passed", "passed_late"):
        record_attempt(apprentice, gateway_date=recent)
    elif story == "withdrawn":
        withdraw_apprentice(
            apprentice,
            ApprenticeWithdrawal(
                reason="Left the employer; the provider confirmed the apprentice will not return."
            ),
        )
