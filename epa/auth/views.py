"""Sign-in, sign-out and password reset pages."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from epa.auth import resets
from epa.auth.blueprint import bp
from epa.auth.forms import ResetPasswordForm, SignInForm
from epa.auth.schemas import NewPassword
from epa.auth.services import authenticate, end_sessions, forget_failures, take_a_try
from epa.auth.sessions import begin_session, safe_next
from epa.errors import ServiceError
from epa.extensions import db
from epa.pages.forms import show_service_error
from epa.rules.sign_in_throttle import minutes

BAD_SIGN_IN = "Enter a correct email address and password"


def _too_many(waiting) -> str:
    # The same words whether or not the email belongs to anyone.
    n = minutes(waiting)
    return (
        f"Too many attempts to sign in. Try again in {n} minute{'s' if n != 1 else ''}, "
        "or ask your administrator to check your account"
    )


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Ask for an email and password; a wrong pair never says which part was wrong."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    if form.validate_on_submit():
        email, address = form.email.data, request.remote_addr or "unknown"
        waiting = take_a_try(email, address)
        if waiting:
            form.email.errors.append(_too_many(waiting))
            page = render_template("auth/sign_in.html", form=form)
            return page, 429, {"Retry-After": str(int(waiting.total_seconds()) + 1)}
        user = authenticate(email, form.password.data)
        if user is None:
            form.email.errors.append(BAD_SIGN_IN)
            return render_template("auth/sign_in.html", form=form), 401
        forget_failures(email, address)
        db.session.commit()
        session.clear()  # a fresh session on sign-in, against session fixation
        session.permanent = True  # so PERMANENT_SESSION_LIFETIME ends idle sessions
        begin_session(user)
        return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
    status = 400 if form.errors else 200
    return render_template("auth/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    """End the session (every copy of it) and go back to the sign-in page."""
    if current_user.is_authenticated:
        end_sessions(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from a one-time link; a link that cannot be used says why."""
    headers = {"Referrer-Policy": "no-referrer"}  # the address is the secret
    try:
        reset = resets.reset_for(token)
    except resets.UnusableLink as error:
        page = render_template("auth/reset_link_unusable.html", message=error.message)
        return page, error.status, headers
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = resets.use_reset(reset, NewPassword.read(form.data).new_password)
        except ServiceError as error:
            show_service_error(form, error)
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(
                f"Your password has been changed. Sign in with {user.email} and your new password."
            )
            return redirect(url_for("auth.sign_in"))
    status = 422 if form.errors or form.form_errors else 200
    page = render_template("auth/reset_password.html", form=form, user=reset.user)
    return page, status, headers


from epa.auth import account_views  # noqa: E402, F401  (its pages are on this blueprint too)
