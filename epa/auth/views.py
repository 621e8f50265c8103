"""Sign-in and sign-out pages."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from epa.auth.forms import SignInForm
from epa.auth.services import authenticate
from epa.auth.sessions import safe_next

bp = Blueprint("auth", __name__)

BAD_SIGN_IN = "Enter a correct email address and password"


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Ask for an email and password; a wrong pair never says which part was wrong."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session on sign-in, against session fixation
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
        form.email.errors.append(BAD_SIGN_IN)
        return render_template("auth/sign_in.html", form=form), 401
    status = 400 if form.errors else 200
    return render_template("auth/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    """End the session and go back to the sign-in page."""
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))
