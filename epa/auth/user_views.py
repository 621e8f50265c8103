"""Pages where administrators see, add and change users, and take their access away.

Every POST here carries the CSRF token: CSRFProtect refuses one without it before any view runs.
"""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from epa import clock
from epa.auth import accounts, resets, services
from epa.auth.decorators import roles_required
from epa.auth.models import Role, User
from epa.auth.schemas import UserChange, UserNew
from epa.auth.user_forms import EditUserForm, NewUserForm
from epa.errors import ServiceError
from epa.extensions import db
from epa.pages.forms import show_service_error
from epa.pagination import fetch_list_page, page_count, page_from_args

bp = Blueprint("users", __name__, url_prefix="/users")
PER_PAGE = 50
#: pages that show a secret once: no cache, and no address (with the secret) sent onwards
SHOWN_ONCE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.get("/")
@roles_required(Role.ADMIN)
def index():
    """Every user, by name, a page at a time."""
    page = page_from_args(request.args)
    query = select(User).order_by(User.name, User.id)
    users, total = fetch_list_page(query, page, PER_PAGE)
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


@bp.get("/<id:user_id>")
@roles_required(Role.ADMIN)
def show(user_id: int):
    """A user's details and status, their API tokens, and what an administrator can change."""
    return _show(accounts.get_user(user_id))


def _show(user: User, reset: resets.IssuedReset | None = None):
    page = render_template(
        "users/show.html",
        user=user,
        tokens=services.live_tokens(user),
        today=clock.today(),
        revoke_url=lambda token: url_for("users.revoke_token", user_id=user.id, token_id=token.id),
        reset=reset,
    )
    return (page, 201, SHOWN_ONCE) if reset else page


@bp.route("/<id:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(user_id: int):
    """Change a user's name or role."""
    user = accounts.get_user(user_id)
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        try:
            accounts.change_user(user, UserChange.read(form.data), current_user)
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
        else:
            db.session.commit()
            flash(f"{user.name}’s details were saved.")
            if not current_user.has_role(Role.ADMIN):  # they stepped down themselves
                return redirect(url_for("pages.home"))
            return redirect(url_for("users.show", user_id=user.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("users/edit.html", form=form, user=user), status


@bp.route("/<id:user_id>/disable", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def disable(user_id: int):
    """Ask before disabling: the user is signed out and their tokens stop working at once."""
    user = accounts.get_user(user_id)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            accounts.change_user(user, UserChange.read({"enabled": False}), current_user)
        except ServiceError as error:
            db.session.rollback()
            show_service_error(form, error)
        else:
            db.session.commit()
            flash(
                f"{user.name}’s account is disabled: they are signed out, and their API tokens "
                "and calendar address no longer work."
            )
            return redirect(url_for("users.show", user_id=user.id))
    status = 409 if form.form_errors else 200
    return render_template("users/disable.html", form=form, user=user), status


@bp.post("/<id:user_id>/enable")
@roles_required(Role.ADMIN)
def enable(user_id: int):
    """Let a disabled user sign in again (tokens revoked when they were disabled stay revoked)."""
    user = accounts.get_user(user_id)
    accounts.change_user(user, UserChange.read({"enabled": True}), current_user)
    db.session.commit()
    flash(f"{user.name} can sign in again.")
    return redirect(url_for("users.show", user_id=user.id))


@bp.post("/<id:user_id>/password-reset")
@roles_required(Role.ADMIN)
def password_reset(user_id: int):
    """Issue a reset link: emailed to the user, and shown here once for handing over."""
    user = accounts.get_user(user_id)
    try:
        issued = resets.issue_reset(user, current_app.config["EPAO_NAME"])
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "info")
        return redirect(url_for("users.show", user_id=user.id))
    db.session.commit()
    return _show(user, issued)


@bp.post("/<id:user_id>/tokens/<id:token_id>/revoke")
@roles_required(Role.ADMIN)
def revoke_token(user_id: int, token_id: int):
    """Revoke one of the user's API tokens."""
    user = accounts.get_user(user_id)
    token = services.token_for(current_user, token_id, owner=user)
    services.revoke_token(token)
    db.session.commit()
    flash(f"The API token “{token.name}” no longer works.")
    return redirect(url_for("users.show", user_id=user.id))
