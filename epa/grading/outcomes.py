"""The outcome that follows from the submitted results, and its quality-assurance sign-off."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from epa import clock
from epa.apprentices.models import Apprentice
from epa.audit.services import record
from epa.auth.models import User
from epa.errors import ServiceError
from epa.extensions import db
from epa.grading import schemas
from epa.grading.grades import PASSING, OutcomeStatus
from epa.grading.models import Outcome, Result
from epa.persistence import lock_diaries
from epa.rules.grading import CountedGrade, cap_reason, capped_overall, outcome_status
from epa.rules.local_time import london_date
from epa.scheduling.models import Assessment, in_current_epa

NO_GRADE = schemas.MethodOutcome(grade=None, attempt=None, retry=None)


@dataclass(frozen=True)
class Summary:
    """The outcome as the API gives it, and the last assessment with a submitted result (whose
    London date a sign-off takes as the EPA date); None while there is none. `counted` is the
    submitted result each method's grade comes from, by method code."""

    outcome: schemas.Outcome
    last_held: Assessment | None
    counted: dict[str, Result] = field(default_factory=dict)


def outcome_of(apprentice: Apprentice, epa_round: int | None = None) -> Outcome | None:
    """The sign-off record of one of the apprentice's EPAs (the current one by default)."""
    return db.session.scalar(
        select(Outcome).where(
            Outcome.apprentice_id == apprentice.id,
            Outcome.epa_round == (epa_round or apprentice.epa_round),
        )
    )


def unconfirm(apprentice: Apprentice, *, reason: str, epa_round: int | None = None) -> None:
    """Take back a sign-off that no longer stands (a reopened result, a new attempt); an
    earlier EPA's, for a result of that EPA."""
    outcome = outcome_of(apprentice, epa_round)
    if outcome is None or outcome.confirmed_at is None:
        return
    before = {"overall_grade": outcome.overall_grade, "confirmed": True}
    outcome.overall_grade = outcome.epa_date = outcome.achievement_date = None
    outcome.uncapped_grade = outcome.cap_reason = None
    outcome.confirmed_at = outcome.confirmed_by_id = None
    if apprentice.status == "completed" and outcome.epa_round == apprentice.epa_round:
        apprentice.status = "in_epa"
        record(
            "apprentice",
            apprentice.id,
            "reopen_epa",
            before={"status": "completed"},
            after={"status": "in_epa"},
            reason=reason,
        )
    db.session.flush()
    record(
        "outcome", outcome.id, "unconfirm", before=before, after={"confirmed": False}, reason=reason
    )


def _attempts(apprentice: Apprentice) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(
                Assessment.apprentice_id == apprentice.id,
                in_current_epa(apprentice),
                Assessment.status != "cancelled",
            )
            .options(selectinload(Assessment.method))
            .order_by(Assessment.starts_at, Assessment.id)
        )
    )


def _results(attempts: list[Assessment]) -> dict[int, Result]:
    if not attempts:
        return {}
    found = select(Result).where(Result.assessment_id.in_([a.id for a in attempts]))
    return {r.assessment_id: r for r in db.session.scalars(found)}


def summarise(apprentice: Apprentice) -> Summary:
    """Each method's latest submitted grade, the overall grade (capped after a resit or retake
    booked without exceptional circumstances) and the outcome's status."""
    attempts = _attempts(apprentice)
    return _summary(apprentice, attempts, _results(attempts), outcome_of(apprentice))


def summarise_many(apprentices: list[Apprentice]) -> dict[int, Summary]:
    """`summarise` for each apprentice of a list, by id, in three queries for the whole list."""
    ids = [a.id for a in apprentices]
    if not ids:
        return {}
    rounds = {a.id: a.epa_round for a in apprentices}
    attempts: dict[int, list[Assessment]] = {a.id: [] for a in apprentices}
    for attempt in db.session.scalars(
        select(Assessment)
        .where(Assessment.apprentice_id.in_(ids), Assessment.status != "cancelled")
        .options(selectinload(Assessment.method))
        .order_by(Assessment.starts_at, Assessment.id)
    ):
        if attempt.epa_round == rounds[attempt.apprentice_id]:
            attempts[attempt.apprentice_id].append(attempt)
    results = _results([a for held in attempts.values() for a in held])
    outcomes = {
        o.apprentice_id: o
        for o in db.session.scalars(select(Outcome).where(Outcome.apprentice_id.in_(ids)))
        if o.epa_round == rounds[o.apprentice_id]
    }
    return {a.id: _summary(a, attempts[a.id], results, outcomes.get(a.id)) for a in apprentices}


def _summary(apprentice, attempts, results, outcome) -> Summary:
    version = apprentice.version
    codes = [m.code for m in version.methods]
    counted: dict[str, Assessment] = {}
    # A method's retry without exceptional circumstances brings the cap even when a later
    # attempt of it was booked with them: "any counted resit or retake" in the plan's words.
    capping: dict[str, Assessment] = {}
    ungraded = False
    last_held = None
    for attempt in attempts:
        result = results.get(attempt.id)
        if result is not None and result.is_submitted:
            counted[attempt.method.code] = attempt  # later attempts win
            last_held = attempt
            if attempt.retry is not None and not attempt.exceptional_circumstances:
                capping.setdefault(attempt.method.code, attempt)
        else:
            ungraded = True
    grades = {
        code: results[counted[code].id].method_grade if code in counted else None for code in codes
    }
    overall = capped_overall(
        [{**row.method_grades, "overall": row.overall} for row in version.grading_rows],
        {
            code: CountedGrade(grades[code], a.retry, a.exceptional_circumstances)
            if (a := capping.get(code) or counted.get(code)) and code in counted
            else None
            for code in codes
        },
        cap=version.retry_grade_cap,
        order=version.overall_grades,
    )
    confirmed = outcome is not None and outcome.confirmed_at is not None
    status = OutcomeStatus(outcome_status(codes, grades, ungraded, confirmed))
    # A confirmed outcome keeps the grade, and the cap's effect, it was confirmed with.
    if status == OutcomeStatus.CONFIRMED:
        overall_grade, uncapped = outcome.overall_grade, outcome.uncapped_grade
        reason = outcome.cap_reason
    else:
        overall_grade, uncapped = overall.grade, overall.uncapped
        reason = _cap_reason(version, overall) if overall.capped else None
    signed = outcome if confirmed else None
    summary = schemas.Outcome(
        methods={
            code: (
                schemas.MethodOutcome(grade=grades[code], attempt=a.attempt, retry=a.retry)
                if (a := counted.get(code))
                else NO_GRADE
            )
            for code in codes
        },
        overall_grade=overall_grade,
        uncapped_grade=uncapped,
        capped=reason is not None,
        cap_reason=reason,
        status=status,
        achievement_date=signed and signed.achievement_date,
        epa_date=signed and signed.epa_date,
        confirmed_by=signed and signed.confirmed_by,
        epa_round=apprentice.epa_round,
    )
    return Summary(summary, last_held, {code: results[a.id] for code, a in counted.items()})


def _cap_reason(version, overall) -> str:
    names = {m.code: m.name.lower() for m in version.methods}  # as the other refusals say them
    retries = [(names[code], retry) for code, retry in overall.capped_by]
    return cap_reason(retries, version.retry_grade_cap, overall.uncapped)


def outcome_public(apprentice: Apprentice) -> dict:
    """The outcome as the API gives it, as JSON-ready data (the pages show the same)."""
    return schemas.Outcome.of(summarise(apprentice).outcome)


def confirm_outcome(apprentice: Apprentice, actor: User) -> schemas.Outcome:
    """Quality-assurance sign-off by someone other than the assessors."""
    if actor.role not in ("admin", "staff"):
        raise ServiceError("forbidden", "Assessors cannot sign outcomes off.", status=403)
    # Serialise with other sign-offs and with new bookings for this apprentice.
    lock_diaries(apprentice.id, [])
    db.session.refresh(apprentice)
    if apprentice.status == "withdrawn":
        raise ServiceError(
            "apprentice_withdrawn", "This apprentice has been withdrawn; there is no outcome."
        )
    summary = summarise(apprentice)
    if summary.outcome.status == OutcomeStatus.CONFIRMED:
        raise ServiceError("already_confirmed", "This outcome is already confirmed.", status=409)
    if summary.outcome.status != OutcomeStatus.PROVISIONAL:
        raise ServiceError(
            "outcome_incomplete",
            "Every method needs a submitted result, and no booked assessment may be ungraded, "
            "before the outcome can be confirmed.",
        )
    outcome = outcome_of(apprentice)
    if outcome is None:
        outcome = Outcome(apprentice_id=apprentice.id, epa_round=apprentice.epa_round)
        db.session.add(outcome)
    epa_date = london_date(summary.last_held.starts_at)
    grade = summary.outcome.overall_grade
    outcome.overall_grade = grade
    outcome.uncapped_grade = summary.outcome.uncapped_grade
    outcome.cap_reason = summary.outcome.cap_reason
    outcome.epa_date = epa_date
    outcome.achievement_date = epa_date if grade in PASSING else None
    outcome.confirmed_by_id = actor.id
    outcome.confirmed_at = clock.now()
    if grade in PASSING:
        record(
            "apprentice",
            apprentice.id,
            "complete",
            before={"status": apprentice.status},
            after={"status": "completed"},
        )
        apprentice.status = "completed"
    db.session.flush()
    record(
        "outcome",
        outcome.id,
        "confirm",
        after={
            "overall_grade": grade,
            "cap_reason": outcome.cap_reason,
            "epa_date": epa_date,
            "achievement_date": outcome.achievement_date,
        },
    )
    return summarise(apprentice).outcome
