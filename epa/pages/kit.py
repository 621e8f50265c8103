"""What every page shares: dates as people write them, how long is left, and handing a form's
data to a service (commit on success, the form again with its errors on refusal)."""

from collections.abc import Callable
from datetime import date

from flask import flash, redirect, render_template
from markupsafe import Markup, escape

from epa.errors import ServiceError
from epa.extensions import db
from epa.pages.forms import show_service_error


def long_date(day: date | None) -> str:
    """A date as people write it: 3 March 2025."""
    return f"{day.day} {day:%B %Y}" if day else ""


def long_iso_date(text: str | None) -> str:
    """A date the services give as ISO text, as people write it: 1 February 2027."""
    return long_date(date.fromisoformat(text)) if text else ""


def tag_html(tag: dict) -> Markup:
    """govukTag's markup for a tag of text and classes, written without the macro: a list
    shows one a row, and the macro's call cost most of the list's time."""
    classes = f"govuk-tag {tag['classes']}" if tag.get("classes") else "govuk-tag"
    return Markup('<strong class="{}">{}</strong>').format(classes, escape(tag["text"]))


def days_left(deadline: date, today: date) -> str:
    """How long is left until a last day that itself counts."""
    days = (deadline - today).days
    if days == 0:
        return "today is the last day"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"ended {-days} day{'s' if days != -1 else ''} ago"


def submit(form, action):
    """Give the service the form's data; a refusal goes beside the fields it names.

    Returns (result, status): the result is None when the form must be shown again, with
    409 for a conflict with existing records and 422 for anything else.
    """
    form.validate()
    try:
        result = action(form.service_data())
    except ServiceError as error:
        db.session.rollback()
        show_service_error(form, error)
        return None, 409 if error.status == 409 else 422
    if form.errors:  # boxes that made no date; the service was given none, so refused too
        db.session.rollback()
        return None, 422
    return result, 200


def action_page(
    form,
    action,
    *,
    done: Callable[[object], str],
    back: str,
    template: str,
    commit: Callable[[object], None] | None = None,
    **page,
):
    """A page whose form does one thing (withdraw, cancel, reopen, restart, change version):
    once submitted and done, commit, say what happened and go `back`; otherwise (first shown,
    or refused) the page with the form and its errors, answering with the refusal's status.

    `done(result)` words the message before the commit, while the records are still loaded;
    `commit(result)` replaces the plain commit where more must follow it (invitations).
    """
    status = 200
    if form.is_submitted():
        result, status = submit(form, action)
        if result is not None:
            message = done(result)
            if commit is None:
                db.session.commit()
            else:
                commit(result)
            flash(message)
            return redirect(back)
    return render_template(template, form=form, **page), status
