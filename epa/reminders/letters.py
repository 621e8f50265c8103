"""The reminders' words. Each says only what its reader needs: an assessor hears whom, what,
when and where, never the apprentice's ULN, date of birth or email; staff, who book, hear the
name and ULN they search by."""

from dataclasses import dataclass
from datetime import date

from flask import current_app

from epa.links import external_url
from epa.pages.kit import days_left, long_date
from epa.scheduling.models import Assessment
from epa.scheduling.views import assessment_when


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


@dataclass(frozen=True)
class AtRisk:
    """An apprentice with methods not booked as their EPA deadline nears."""

    apprentice_id: int
    name: str
    uln: str
    methods: tuple[str, ...]
    epa_deadline: date


def _signed(lines: list[str]) -> str:
    return "\n".join([*lines, "", current_app.config["EPAO_NAME"]])


def reminder_letter(assessment: Assessment) -> Letter:
    """The assessor's reminder of an assessment they are booked to hold."""
    apprentice, method = assessment.apprentice, assessment.method
    standard = apprentice.standard
    when = assessment_when(assessment)
    attempt = f", attempt {assessment.attempt}" if assessment.attempt > 1 else ""
    return Letter(
        subject=f"Reminder: EPA {method.name.lower()} with {apprentice.full_name}, {when}",
        body=_signed(
            [
                f"Hello {assessment.assessor.name},",
                "",
                "A reminder of the end-point assessment you are booked to hold:",
                "",
                f"Apprentice: {apprentice.full_name}",
                f"Standard: {standard.reference} {standard.title}, "
                f"version {apprentice.version.version}",
                f"Method: {method.name} ({method.duration_minutes} minutes){attempt}",
                f"When: {when} (UK time)",
                f"Where: {assessment.location or 'not given yet; ask the EPA office'}",
                "",
                "The assessment, where you record its result:",
                external_url("grading.result", assessment_id=assessment.id),
            ]
        ),
    )


def digest_letter(name: str, at_risk: list[AtRisk], today: date, *, more: int) -> Letter:
    """A member of staff's list of apprentices whose EPA deadline is near with a method not
    booked, the nearest deadline first; `more` says how many the list leaves off."""
    count = len(at_risk) + more
    lines = [
        f"Hello {name},",
        "",
        f"{count} apprentice{'s have' if count != 1 else ' has'} an EPA deadline in the next "
        "30 days with a method not yet booked, the nearest deadline first:",
    ]
    for one in at_risk:
        lines += [
            "",
            f"{one.name}, ULN {one.uln}",
            f"  Not booked: {', '.join(one.methods)}",
            f"  EPA deadline: {long_date(one.epa_deadline)} ({days_left(one.epa_deadline, today)})",
            f"  Book: {external_url('scheduling.book', apprentice_id=one.apprentice_id)}",
        ]
    if more:
        lines += ["", f"And {more} more."]
    lines += ["", "The full list:", external_url("dashboard.deadlines")]
    return Letter(
        subject=f"EPA deadlines at risk: {count} apprentice{'s' if count != 1 else ''}",
        body=_signed(lines),
    )
