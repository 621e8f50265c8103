"""Pages where staff and administrators find, add and correct employers and training providers,
and see each one's apprentices and the assessors who declared a conflict with it.

The two kinds have the same four pages, so one function declares them for each kind."""

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from epa.auth.decorators import roles_required
from epa.errors import ServiceError
from epa.extensions import db
from epa.organisations import services
from epa.organisations.forms import EmployerForm, ProviderForm, SearchForm
from epa.organisations.schemas import OrganisationSearch
from epa.pages.forms import show_service_error
from epa.pagination import fetch_list_page, page_count, page_from_args
from epa.rules.local_time import london_date

bp = Blueprint("organisations", __name__)
OFFICE = ("admin", "staff")
PER_PAGE = 50


@dataclass(frozen=True)
class Pages:
    """One kind's pages: its service kind, form, and the words the pages use."""

    kind: services.Kind
    form: type
    plural: str
    one: str
    search_label: str
    search_hint: str

    @property
    def entity(self) -> str:
        return self.kind.entity


EMPLOYER_PAGES = Pages(
    services.EMPLOYERS,
    EmployerForm,
    "Employers",
    "employer",
    "Search by name",
    "Any part of the name, in any case",
)
PROVIDER_PAGES = Pages(
    services.PROVIDERS,
    ProviderForm,
    "Training providers",
    "training provider",
    "Search by name or UKPRN",
    "Any part of the name, or the first digits of the UKPRN",
)
KINDS = (EMPLOYER_PAGES, PROVIDER_PAGES)


@bp.app_template_global()
def organisation_pages() -> tuple:
    """The kinds of organisation, for the links between their lists."""
    return KINDS


@bp.app_template_global()
def organisation_link(entity: str, row, text: str | None = None) -> Markup:
    """The organisation's name (or `text`), linked to its page for those who may see it
    (assessors may not)."""
    text = row.name if text is None else text
    if current_user.role not in OFFICE:
        return escape(text)
    href = url_for(f"organisations.{entity}", organisation_id=row.id)
    return Markup('<a class="govuk-link" href="{}">{}</a>').format(href, text)


def _listing(pages: Pages):
    """The kind's list, found by the search box, a page at a time, with apprentice counts."""
    form = SearchForm(request.args)
    page = page_from_args(request.args)
    shown = {"pages": pages, "form": form, "rows": [], "counts": {}, "total": 0}
    try:
        query = services.search(pages.kind, OrganisationSearch.read(form.service_data()).q)
    except ServiceError as error:
        show_service_error(form, error)
        return render_template("organisations/index.html", page=1, page_total=1, **shown), 422
    rows, total = fetch_list_page(query, page, PER_PAGE)
    shown.update(
        rows=rows,
        total=total,
        counts=services.apprentice_counts(pages.kind, [row.id for row in rows]),
    )
    page_total = page_count(total, PER_PAGE)
    return render_template("organisations/index.html", page=page, page_total=page_total, **shown)


def _detail(pages: Pages, organisation_id: int):
    """One organisation: its details, its apprentices (a page at a time) and the conflicts."""
    row = getattr(services, f"get_{pages.entity}")(organisation_id)
    page = page_from_args(request.args)
    apprentices, total = fetch_list_page(
        services.apprentices_of(pages.kind, organisation_id), page, PER_PAGE
    )
    conflicts = [
        {"assessor": assessor, "declared_on": london_date(conflict.created_at)}
        for conflict, assessor in services.conflicts_with(pages.kind, organisation_id)
    ]
    return render_template(
        "organisations/detail.html",
        pages=pages,
        row=row,
        apprentices=apprentices,
        total=total,
        page=page,
        page_total=page_count(total, PER_PAGE),
        conflicts=conflicts,
    )


def _form_page(pages: Pages, form, save, row=None):
    """The add or edit page: on a good submission save, commit and go to the record; otherwise
    the form with what to fix (409 for a name or UKPRN already registered, linked)."""
    existing = None
    status = 200
    if form.is_submitted():
        try:
            saved = save(form.service_data())
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
            existing = error.extra.get("existing")
            status = 409 if error.status == 409 else 422
        else:
            db.session.commit()
            flash(f"{saved.name} is saved.")
            return redirect(url_for(f"organisations.{pages.entity}", organisation_id=saved.id))
    return render_template(
        "organisations/form.html", pages=pages, form=form, row=row, existing=existing
    ), status


def _new(pages: Pages):
    create = getattr(services, f"create_{pages.entity}")
    return _form_page(pages, pages.form(), lambda data: create(pages.kind.new.read(data)))


def _edit(pages: Pages, organisation_id: int):
    row = getattr(services, f"get_{pages.entity}")(organisation_id)
    update = getattr(services, f"update_{pages.entity}")
    form = pages.form(obj=row)
    return _form_page(pages, form, lambda data: update(row, pages.kind.change.read(data)), row=row)


def _serve(pages: Pages) -> None:
    """The list, add, detail and edit pages of one kind, at /{kinds}/..."""
    base = f"/{pages.kind.model.__tablename__}"
    entity = pages.entity
    guarded = roles_required(*OFFICE)
    bp.add_url_rule(f"{base}/", f"{entity}s", guarded(lambda: _listing(pages)))
    bp.add_url_rule(
        f"{base}/new", f"new_{entity}", guarded(lambda: _new(pages)), methods=["GET", "POST"]
    )
    bp.add_url_rule(
        f"{base}/<id:organisation_id>",
        entity,
        guarded(lambda organisation_id: _detail(pages, organisation_id)),
    )
    bp.add_url_rule(
        f"{base}/<id:organisation_id>/edit",
        f"edit_{entity}",
        guarded(lambda organisation_id: _edit(pages, organisation_id)),
        methods=["GET", "POST"],
    )


for _pages in KINDS:
    _serve(_pages)
