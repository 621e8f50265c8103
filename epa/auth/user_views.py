"""Pages where administrators see and add users."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from epa.auth import services
from epa.auth.decorators import roles_required
from epa.auth.models import Role, User
from epa.auth.schemas import UserNew
from epa.auth.user_forms import NewUserForm
from epa.errors import ServiceError
from epa.extensions import db
from epa.pages.forms import show_service_error
from epa.pagination import fetch_page, page_count, page_from_args

bp = Blueprint("users", __name__, url_prefix="/users")
PER_PAGE = 50


@bp.get("/")
@roles_required(Role.ADMIN)
def index():
    """Every user, by name, a page at a time."""
    page = page_from_args(request.args)
    query = select(User).order_by(User.name, User.id)
    users, total = fetch_page(query, page, PER_PAGE)
    pages = page_count(total, PER_PAGE)
    if page > pages:
        return redirect(url_for("users.index", page=pages))
    return render_template("users/index.html", users=users, page=page, pages=pages, total=total)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new():
    """Add a user with a role and a first password."""
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            # The form's other fields (the submit button, the CSRF token) are not the command's.
            user = services.create_user(UserNew.read(form.data))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            db.session.commit()
            flash(f"{user.name} can now sign in as {user.role} with {user.email}.")
            return redirect(url_for("users.index"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("users/new.html", form=form), status
