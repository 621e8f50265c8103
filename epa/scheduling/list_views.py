"""The staff's list of assessments: filtered by assessor, method, where each stands and dates,
sorted, a page at a time, and downloaded whole as CSV."""

from flask import render_template, request
from flask_login import current_user

from epa.auth.decorators import roles_required
from epa.errors import ServiceError
from epa.pages.forms import show_service_error
from epa.pagination import fetch_list_page, list_filters, page_count, page_from_args
from epa.scheduling import lists
from epa.scheduling.blueprint import OFFICE, bp
from epa.scheduling.list_forms import AssessmentListForm
from epa.scheduling.schemas import AssessmentList

PER_PAGE = 50


def read_filters(form: AssessmentListForm, extra: dict | None = None) -> AssessmentList | None:
    """The filters asked for, or None with each problem beside its box."""
    if not form.validate():
        return None
    try:
        return AssessmentList.read({**form.service_data(), **(extra or {})})
    except ServiceError as error:
        show_service_error(form, error)
        return None


def _listed(form, answer):
    asked = read_filters(form)
    if asked is not None:
        try:
            return answer(lists.list_assessments(current_user, asked))
        except ServiceError as error:
            show_service_error(form, error)
    return _page(form, [], 0, 1), 422


def _page(form, assessments, total, page):
    return render_template(
        "scheduling/assessments.html",
        form=form,
        filters=list_filters(form, request.args),
        assessments=assessments,
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
    )


@bp.get("/assessments/")
@roles_required(*OFFICE)
def assessments():
    """Every assessment, filtered and sorted as asked, a page at a time."""
    form = AssessmentListForm(request.args)
    page = page_from_args(request.args)

    def show(query):
        found, total = fetch_list_page(query, page, PER_PAGE)
        return _page(form, found, total, page)

    return _listed(form, show)


@bp.get("/assessments/download.csv")
@roles_required(*OFFICE)
def download_assessments():
    """Every assessment the list's filters select, all pages, as a CSV file."""
    return _listed(
        AssessmentListForm(request.args), lambda query: lists.download(query, "assessments")
    )
