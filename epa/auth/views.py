"""Sign-in and sign-out pages."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from epa.auth.forms import SignInForm
from epa.auth.services import (
    authenticate,
    end_sessions,
    forget_failures,
    note_failure,
    too_many_failures,
)
from epa.auth.sessions import safe_next
from epa.extensions import db

bp = Blueprint("auth", __name__)

BAD_SIGN_IN = "Enter a correct email address and password"
TOO_MANY = (
    "Too many attempts to sign in with this email address. Wait 15 minutes and try again, "
    "or ask your administrator to check your account"
)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Ask for an email and password; a wrong pair never says which part was wrong."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data
        if too_many_failures(email):
            form.email.errors.append(TOO_MANY)
            return render_template("auth/sign_in.html", form=form), 429
        user = authenticate(email, form.password.data)
        if user is None:
            note_failure(email)
            db.session.commit()
            form.email.errors.append(BAD_SIGN_IN)
            return render_template("auth/sign_in.html", form=form), 401
        forget_failures(email)
        db.session.commit()
        session.clear()  # a fresh session on sign-in, against session fixation
        session.permanent = True  # so PERMANENT_SESSION_LIFETIME ends idle sessions
        login_user(user)
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
