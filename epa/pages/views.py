"""Start pages by role, and the service's fixed pages."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from epa.auth.models import User
from epa.dashboard.views import assessor_dashboard, staff_dashboard
from epa.organisations.models import Employer, Provider
from epa.pages.kit import long_date, long_iso_date, tag_html
from epa.pages.tables import stacked_rows
from epa.pagination import list_total
from epa.standards.services import list_standards

bp = Blueprint("pages", __name__)
# The page kit's filters, for every blueprint's templates.
bp.add_app_template_filter(long_date, "long_date")
bp.add_app_template_filter(long_iso_date, "long_iso_date")
bp.add_app_template_global(tag_html, "tag_html")
bp.add_app_template_global(stacked_rows, "stacked_rows")


@bp.route("/")
def home():
    """The start page for the signed-in user's role: what needs doing, each count a link to the
    list behind it."""
    counts = {}
    dashboard = None
    if current_user.has_role("admin", "staff"):
        counts = {
            "employers": list_total(select(Employer.id)),
            "providers": list_total(select(Provider.id)),
        }
        dashboard = staff_dashboard()
    if current_user.has_role("admin"):
        counts["users"] = list_total(select(User.id))
    if current_user.has_role("assessor"):
        dashboard = assessor_dashboard(current_user)
    return render_template(
        f"home/{current_user.role}.html",
        counts=counts,
        dashboard=dashboard,
        standards=list_standards(),
    )


@bp.route("/accessibility")
def accessibility():
    """The accessibility statement."""
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
def privacy():
    """How the service handles personal data."""
    return render_template("pages/privacy.html")
