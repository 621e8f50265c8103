"""How long an apprentice's personal data is kept: until `years` after their EPA was completed
or they were withdrawn, then anonymised (epa.apprentices.purge)."""

from datetime import date

#: what an anonymised record's personal fields become
ANONYMISED_GIVEN_NAMES = "Anonymised"
ANONYMISED_ULN = "9999999999"  # the temporary ULN: no person's
ANONYMISED_BIRTH_DATE = date(1900, 1, 1)
ANONYMISED_TEXT = "Anonymised"


def anonymised_family_name(apprentice_id: int) -> str:
    # The record's own id keeps anonymised rows apart in lists without naming anyone.
    return f"Apprentice {apprentice_id}"


def latest_cutoff(today: date, years: int) -> date:
    """The latest `--before` date that keeps every record within the retention period: the
    same day `years` earlier (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def cutoff_refusal(before: date, today: date, years: int) -> str | None:
    """Why a purge before `before` is refused, or None."""
    latest = latest_cutoff(today, years)
    if before > latest:
        return (
            f"{before.isoformat()} is within the {years}-year retention period: records "
            f"completed or withdrawn since {latest.isoformat()} must be kept. Give --before "
            f"{latest.isoformat()} or earlier."
        )
    return None
