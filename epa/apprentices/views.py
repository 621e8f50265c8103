"""Pages where operations staff find, register, change and withdraw apprentices."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from epa import clock
from epa.apprentices import services, version_change
from epa.apprentices.forms import (
    ApprenticeForm,
    ChangeVersionForm,
    EditApprenticeForm,
    SearchForm,
    WithdrawForm,
)
from epa.apprentices.models import STATUS_LABELS, Apprentice, ApprenticeStatus
from epa.apprentices.schemas import Apprentice as ApprenticeView
from epa.apprentices.schemas import ApprenticeSearch
from epa.auth.decorators import roles_required
from epa.errors import ServiceError
from epa.extensions import db
from epa.gateway.forms import LEVEL_LABELS
from epa.gateway.services import attempts_for
from epa.pages.forms import show_service_error
from epa.pages.kit import action_page, days_left, long_date, submit
from epa.pagination import fetch_list_page, list_filters, page_count, page_from_args
from epa.rules.dates import add_months
from epa.rules.gateway import reason_text, warning_text
from epa.shape_columns import as_columns
from epa.standards.models import StandardVersion
from epa.standards.services import list_standards

bp = Blueprint("apprentices", __name__, url_prefix="/apprentices")
PER_PAGE = 50
OFFICE = ("admin", "staff")
STATUS_TAG_CLASSES = {
    ApprenticeStatus.REGISTERED: "govuk-tag--blue",
    ApprenticeStatus.GATEWAY_PASSED: "govuk-tag--turquoise",
    ApprenticeStatus.IN_EPA: "govuk-tag--purple",
    ApprenticeStatus.COMPLETED: "govuk-tag--green",
    ApprenticeStatus.WITHDRAWN: "govuk-tag--grey",
}


@bp.app_template_global()
def status_tag(status: str) -> dict:
    """The GOV.UK tag for an apprentice's status, one colour per status."""
    return {"text": STATUS_LABELS[status], "classes": STATUS_TAG_CLASSES[status]}


@bp.app_template_global()
def version_window(version: StandardVersion) -> str:
    """A version with the start dates it takes: "1.1: starts from 26 September 2024"."""
    earliest = long_date(version.earliest_start_date)
    if version.latest_start_date is None:
        return f"{version.version}: starts from {earliest}"
    return f"{version.version}: starts {earliest} to {long_date(version.latest_start_date)}"


def _listed(form, answer):
    """`answer` to the filters asked for; the page again, each problem beside its filter, when a
    box reads no date or a filter names no record."""
    if form.validate():
        try:
            return answer(services.search(current_user, ApprenticeSearch.read(form.service_data())))
        except ServiceError as error:
            show_service_error(form, error)
    return _page(form, [], 0, 1), 422


def _page(form, apprentices, total, page):
    return render_template(
        "apprentices/index.html",
        form=form,
        filters=list_filters(form, request.args),
        apprentices=apprentices,
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
    )


@bp.get("/")
@roles_required(*OFFICE)
def index():
    """Apprentices found by ULN or name, filtered and sorted as asked, a page at a time."""
    form = SearchForm(request.args)
    page = page_from_args(request.args)

    def show(query):
        # Each row as the API lists it, read as plain columns (epa.shape_columns): fifty
        # ORM objects were a tenth of the page's time.
        listed = as_columns(query, ApprenticeView)
        apprentices, total = fetch_list_page(listed.query, page, PER_PAGE, counted=query)
        return _page(form, apprentices, total, page)

    return _listed(form, show)


@bp.get("/download.csv")
@roles_required(*OFFICE)
def download():
    """Every apprentice the list's filters select, all pages, as a CSV file."""
    return _listed(SearchForm(request.args), services.download_query)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICE)
def new():
    """Register an apprentice on the version their start date chooses."""
    form = ApprenticeForm()
    status = 200
    if form.is_submitted():
        apprentice, status = submit(
            form, lambda data: services.register_apprentice(services.read_registration(data))
        )
        if apprentice is not None:
            message = (
                f"{apprentice.full_name} is registered on {apprentice.standard.reference} "
                f"version {apprentice.version.version}."
            )
            db.session.commit()
            flash(message)
            return redirect(url_for("apprentices.detail", apprentice_id=apprentice.id))
    return render_template("apprentices/new.html", form=form, standards=list_standards()), status


@bp.get("/<id:apprentice_id>")
@roles_required("admin", "staff", "assessor")
def detail(apprentice_id: int):
    """One apprentice: the record, its version, every gateway attempt and the EPA period."""
    apprentice = services.get_apprentice(apprentice_id, current_user)
    today = clock.today()
    deadline = apprentice.epa_deadline
    return render_template(
        "apprentices/detail.html",
        apprentice=apprentice,
        attempts=attempts_for(apprentice),
        reason_text=reason_text,
        warning_text=lambda code: warning_text(code, apprentice.version.max_months_before_gateway),
        level_labels=LEVEL_LABELS,
        days_left=days_left(deadline, today) if deadline else None,
        earliest_gateway=add_months(
            apprentice.start_date, apprentice.version.min_months_before_gateway
        ),
        withdrawn_on=_london_date(apprentice.withdrawn_at),
        office=current_user.has_role(*OFFICE),
        may_change_version=current_user.role == "admin" and _may_change_version(apprentice),
        assessments=_assessments(apprentice),
        outcome=_outcome(apprentice),
    )


def _may_change_version(apprentice: Apprentice) -> bool:
    """Whether a later version exists and nothing stops the move to it."""
    return bool(version_change.later_versions_of(apprentice)) and (
        version_change.version_change_refusal(apprentice) is None
    )


def _outcome(apprentice: Apprentice) -> dict:
    """Each method's grade, the overall grade and its sign-off, as the grading services say."""
    from epa.grading.services import outcome_public  # grading builds on apprentices

    return outcome_public(apprentice)


def _assessments(apprentice: Apprentice) -> list:
    """The apprentice's bookings the user may see (assessors: their own), soonest first."""
    from epa.scheduling.models import Assessment  # scheduling builds on apprentices
    from epa.scheduling.schemas import AssessmentFilter
    from epa.scheduling.services import search_assessments

    query = search_assessments(current_user, AssessmentFilter(apprentice_id=apprentice.id))
    query = query.options(selectinload(Assessment.method), selectinload(Assessment.assessor))
    return db.session.scalars(query).all()


def _london_date(instant):
    return instant.astimezone(clock.LONDON).date() if instant else None


@bp.route("/<id:apprentice_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICE)
def edit(apprentice_id: int):
    """Change an apprentice's details; a new start date re-chooses the version."""
    apprentice = services.get_apprentice(apprentice_id, current_user)
    form = EditApprenticeForm(obj=apprentice)
    status = 200
    if form.is_submitted():
        changed, status = submit(
            form,
            lambda data: services.update_apprentice(
                apprentice, services.read_changes(apprentice, data)
            ),
        )
        if changed is not None:
            message = f"{changed.full_name}’s details are saved."
            db.session.commit()
            flash(message)
            return redirect(url_for("apprentices.detail", apprentice_id=apprentice_id))
    return render_template("apprentices/edit.html", form=form, apprentice=apprentice), status


@bp.route("/<id:apprentice_id>/withdraw", methods=["GET", "POST"])
@roles_required(*OFFICE)
def withdraw(apprentice_id: int):
    """Withdraw an apprentice from end-point assessment, with a reason."""
    apprentice = services.get_apprentice(apprentice_id, current_user)
    if request.method == "GET" and apprentice.status in (
        ApprenticeStatus.WITHDRAWN,
        ApprenticeStatus.COMPLETED,
    ):
        flash(f"{apprentice.full_name} is {apprentice.status}, so cannot be withdrawn.", "info")
        return redirect(url_for("apprentices.detail", apprentice_id=apprentice_id))
    return action_page(
        WithdrawForm(),
        lambda data: services.withdraw_apprentice(
            apprentice, services.read_withdrawal(apprentice, data)
        ),
        done=lambda done: f"{done.full_name} is withdrawn from end-point assessment.",
        back=url_for("apprentices.detail", apprentice_id=apprentice_id),
        template="apprentices/withdraw.html",
        apprentice=apprentice,
    )


@bp.route("/<id:apprentice_id>/version", methods=["GET", "POST"])
@roles_required("admin")
def change_version(apprentice_id: int):
    """Move an apprentice to a later version of their standard, with a reason."""
    apprentice = services.get_apprentice(apprentice_id, current_user)
    later = version_change.later_versions_of(apprentice)
    if request.method == "GET" and not _may_change_version(apprentice):
        refusal = version_change.version_change_refusal(apprentice)
        flash(
            refusal.message
            if refusal
            else f"{apprentice.full_name} follows the latest version of "
            f"{apprentice.standard.reference}, so there is no later version to move to.",
            "info",
        )
        return redirect(url_for("apprentices.detail", apprentice_id=apprentice_id))
    return action_page(
        ChangeVersionForm(choices=[(v.version, version_window(v), v.change) for v in later]),
        lambda data: version_change.change_version(
            apprentice, version_change.read_version_change(apprentice, data)
        ),
        done=lambda changed: (
            f"{changed.full_name} now follows {changed.standard.reference} "
            f"version {changed.version.version}."
        ),
        back=url_for("apprentices.detail", apprentice_id=apprentice_id),
        template="apprentices/version.html",
        apprentice=apprentice,
    )


@bp.get("/<id:apprentice_id>/subject-access.xlsx")
@roles_required("admin")
def subject_access_download(apprentice_id: int):
    """Everything held about the apprentice (the API's subject-access answer) as a workbook,
    a sheet per part; the download is audited."""
    from epa.apprentices.subject_access import subject_access, workbook
    from epa.exports.services import send_xlsx  # exports build on apprentices

    apprentice = services.get_apprentice(apprentice_id, current_user)
    held = subject_access(apprentice, "xlsx")
    db.session.commit()
    return send_xlsx(f"subject-access-apprentice-{apprentice.id}.xlsx", workbook(held))
