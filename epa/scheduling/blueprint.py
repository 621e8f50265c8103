"""The blueprint of the scheduling pages (`views`, `assessor_views`, `diary_views`), and what
those pages share: who may see them and how a refusal lands beside a form's boxes."""

from flask import Blueprint

from epa.errors import ServiceError
from epa.extensions import db
from epa.pages.forms import show_service_error

bp = Blueprint("scheduling", __name__)
OFFICE = ("admin", "staff")
EVERYONE = ("admin", "staff", "assessor")
#: the service's field names that the forms show under another name
FORM_FIELDS = {"starts_at": "starts_on", "ends_at": "ends_on"}


def show_refusal(form, error: ServiceError, *, already_said=()) -> None:
    """Put the service's refusal beside the form's own fields (an instant beside its date),
    leaving out the fields whose boxes already say what is wrong."""
    fields = {
        FORM_FIELDS.get(name, name): message
        for name, message in error.fields.items()
        if name not in already_said
    }
    if error.fields and not fields:
        return  # the boxes themselves already say what is wrong
    show_service_error(
        form, ServiceError(error.code, error.message, status=error.status, fields=fields)
    )


def submit_timed(form, action):
    """As `pages.kit.submit`, for forms whose instants are typed into boxes: a refusal about an
    instant goes beside its date, unless its boxes already say what is wrong."""
    form.validate()
    # A form without boxes for an instant has nothing to mark.
    said = getattr(form, "mark_missing", set)()
    try:
        result = action(form.service_data())
    except ServiceError as error:
        db.session.rollback()
        show_refusal(form, error, already_said=said)
        return None, 409 if error.status == 409 else 422
    if form.errors:
        db.session.rollback()
        return None, 422
    return result, 200
