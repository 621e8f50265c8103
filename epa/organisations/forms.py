"""The forms to find, add and correct employers and training providers; field names are the
API's, and every rule is the service's."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField

from epa.organisations.schemas import EmployerNew, OrganisationSearch, ProviderNew
from epa.pages.forms import CommandData


class SearchForm(CommandData, FlaskForm):
    """The list's search box, read from the query string."""

    command = OrganisationSearch

    class Meta:
        csrf = False

    q = StringField("Search", widget=GovTextInput())


class EmployerForm(CommandData, FlaskForm):
    command = EmployerNew

    name = StringField("Name", widget=GovTextInput())


class ProviderForm(CommandData, FlaskForm):
    command = ProviderNew

    name = StringField("Name", widget=GovTextInput())
    ukprn = StringField(
        "UKPRN (UK provider reference number)",
        widget=GovTextInput(),
        description="8 digits starting with 1, like 10012345",
    )
