"""Your account: every signed-in user sees their details, changes their password and manages
their own API tokens here."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from epa import clock
from epa.auth import services
from epa.auth.blueprint import bp
from epa.auth.forms import ChangePasswordForm, NewTokenForm
from epa.auth.schemas import PasswordChange, TokenNew
from epa.auth.sessions import begin_session
from epa.auth.user_views import SHOWN_ONCE
from epa.errors import ServiceError
from epa.extensions import db
from epa.pages.forms import show_service_error


def _me():
    return current_user._get_current_object()


@bp.route("/account", methods=["GET", "POST"])
def account():
    """Your details and API tokens, and the form to change your password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(_me(), PasswordChange.read(form.data))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            db.session.commit()
            # Every other session has ended; this one carries on under the new session id.
            begin_session(_me())
            flash("Your password has been changed. You have been signed out everywhere else.")
            return redirect(url_for("auth.account"))
    status = 422 if form.errors or form.form_errors else 200
    page = render_template(
        "auth/account.html",
        form=form,
        tokens=services.live_tokens(_me()),
        today=clock.today(),
        revoke_url=lambda token: url_for("auth.revoke_token", token_id=token.id),
    )
    return page, status


@bp.route("/account/tokens/new", methods=["GET", "POST"])
def new_token():
    """Create an API token; it is shown once, on the page that follows."""
    form = NewTokenForm()
    if form.validate_on_submit():
        try:
            row, token = services.issue_token(_me(), TokenNew.read(form.data))
        except ServiceError as error:
            show_service_error(form, error)
        else:
            db.session.commit()
            page = render_template("auth/token_created.html", row=row, token=token)
            return page, 201, SHOWN_ONCE
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/token_new.html", form=form), status


@bp.post("/account/tokens/<id:token_id>/revoke")
def revoke_token(token_id: int):
    """Revoke one of your API tokens."""
    token = services.token_for(_me(), token_id, owner=_me())
    services.revoke_token(token)
    db.session.commit()
    flash(f"The API token “{token.name}” no longer works.")
    return redirect(url_for("auth.account"))
