"""Demonstration apprentices at every stage the service knows, dated relative to today."""

from datetime import timedelta

from epa import clock
from epa.apprentices.services import register_apprentice, withdraw_apprentice
from epa.gateway.services import record_gateway
from epa.rules.dates import add_months

READY = {
    "english": "level2",
    "maths": "level2",
    "employer_confirmed": True,
    "portfolio_submitted": True,
}

# (given names, family name, age in whole years at the start, months since the start,
#  EHC plan, story); dates follow today, so the stories stay true whenever the demo is made.
PEOPLE = [
    ("Amelia", "Hughes", 23, 6, False, "registered"),
    ("Oliver", "Bennett", 26, 10, False, "registered"),
    ("Isla", "Campbell", 18, 14, False, "failed_english"),  # under 19: English still counts
    ("Noah", "Patel", 29, 11, False, "failed_too_early"),
    ("Freya", "Robinson", 18, 15, True, "failed_then_passed"),
    ("Leo", "Murphy", 24, 16, False, "passed"),
    ("Zara", "Ahmed", 20, 18, False, "passed"),
    ("Harry", "Walsh", 27, 13, False, "withdrawn"),
    ("Maya", "Kowalski", 21, 8, False, "temporary_uln"),
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


def seed_apprentices(employer_ids: list[int], provider_ids: list[int]) -> int:
    """Register the demonstration apprentices and walk each through its story; returns a count."""
    today = clock.london_today()
    for n, (given, family, age, months, ehc, story) in enumerate(PEOPLE):
        start = add_months(today, -months)
        born = add_months(start, -(12 * age + 1 + n % 11))
        apprentice = register_apprentice(
            {
                "uln": "9999999999" if story == "temporary_uln" else uln_for(n),
                "given_names": given,
                "family_name": family,
                "date_of_birth": born,
                "email": f"{given.lower()}.{family.lower()}@example.com",
                "employer_id": employer_ids[n % len(employer_ids)],
                "provider_id": provider_ids[n % len(provider_ids)],
                "standard": "ST0825",
                "start_date": start,
                "ehc_plan": ehc,
            }
        )
        _walk(apprentice, story, start, today)
    return len(PEOPLE)


def _walk(apprentice, story: str, start, today) -> None:
    recent = today - timedelta(days=21)
    if story == "failed_english":
        record_gateway(apprentice, {**READY, "gateway_date": recent, "english": "level1"})
    elif story == "failed_too_early":
        record_gateway(apprentice, {**READY, "gateway_date": recent})
    elif story == "failed_then_passed":
        record_gateway(
            apprentice,
            {
                **READY,
                "gateway_date": recent - timedelta(days=14),
                "employer_confirmed": False,
                "maths": "entry3",
            },
        )
        record_gateway(apprentice, {**READY, "gateway_date": recent, "maths": "entry3"})
    elif story == "passed":
        record_gateway(apprentice, {**READY, "gateway_date": recent})
    elif story == "withdrawn":
        withdraw_apprentice(
            apprentice,
            {"reason": "Left the employer; the provider confirmed the apprentice will not return."},
        )
