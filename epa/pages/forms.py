"""Helpers shared by every page form."""

from epa.errors import ServiceError


def show_service_error(form, error: ServiceError) -> None:
    """Put a service's refusal beside the fields it names, or above the form."""
    placed = False
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
            placed = True
    if not placed:
        form.form_errors.append(error.message)


class ReasonData:
    """For forms whose only input is the reason an action needs (withdraw, cancel, reopen)."""

    def service_data(self) -> dict:
        return {"reason": self.reason.data}
