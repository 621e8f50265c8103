"""The long-list widgets write what the GOV.UK macros write, option by option and item by item:
values and labels escaped, the chosen ones marked, ids as the macro numbers them, and the
field's hint and error where the macro puts them."""

import re

import pytest
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect
from wtforms import SelectField, SelectMultipleField

from epa.pages.widgets import GovLongCheckboxes, GovLongSelect

CHOICES = [("1", 'Ada & "Co" <Ltd>'), ("2", "Bo's"), ("30", "Cy")]
PARAMS = {"fieldset": {"legend": {"text": "Who", "classes": "govuk-fieldset__legend--m"}}}


def _same(html) -> str:
    """Markup with the whitespace between and inside tags' text taken out."""
    return re.sub(r"\s*([<>])\s*", r"\1", str(html)).strip()


def _forms():
    class Stock(FlaskForm):
        one = SelectField("One", widget=GovSelect(), validate_choice=False, description="Hint")
        many = SelectMultipleField("Many", widget=GovCheckboxesInput(), description="Pick")

    class Long(FlaskForm):
        one = SelectField("One", widget=GovLongSelect(), validate_choice=False, description="Hint")
        many = SelectMultipleField("Many", widget=GovLongCheckboxes(), description="Pick")

    return Stock(meta={"csrf": False}), Long(meta={"csrf": False})


@pytest.mark.parametrize("chosen", [[], ["1"], ["2", "30"], ["1", "2", "30"]])
@pytest.mark.parametrize("error", [None, "Choose at least one"])
def test_long_checkboxes_write_the_macros_markup(app, chosen, error):
    with app.test_request_context():
        forms = _forms()
        for form in forms:
            form.many.choices = CHOICES
            form.many.data = chosen
            form.many.errors = [error] if error else []
        stock, long = (
            form.many(params=dict(PARAMS, classes="govuk-checkboxes--small")) for form in forms
        )
    assert _same(long) == _same(stock)
    assert 'id="many-3"' in str(long) and "Ada &amp; &#34;Co&#34; &lt;Ltd&gt;" in str(long)
    assert str(long).count(" checked") == len(chosen)


@pytest.mark.parametrize("chosen", [None, "1", "30"])
def test_long_select_writes_the_macros_markup(app, chosen):
    with app.test_request_context():
        forms = _forms()
        for form in forms:
            form.one.choices = [("", "Any"), *CHOICES]
            form.one.data = chosen
        stock, long = (form.one() for form in forms)
    assert _same(long) == _same(stock)
    assert str(long).count(" selected") == (1 if chosen else 0)


@pytest.mark.parametrize(
    ("field", "params", "named"),
    [
        ("one", {"items": [{"text": "Extra"}]}, "items"),
        ("many", {"items": [{"text": "Extra"}]}, "items"),
        ("many", {"values": ["1"]}, "values"),
        ("many", {"name": "other"}, "name"),
    ],
)
def test_what_the_long_widgets_do_not_write_is_refused_not_lost(app, field, params, named):
    with app.test_request_context():
        form = _forms()[1]
        form[field].choices = CHOICES
        with pytest.raises(TypeError, match=named):
            form[field](params=params)


def test_grouped_choices_are_refused_by_the_long_select(app):
    with app.test_request_context():
        form = _forms()[1]
        form.one.choices = {"Group": CHOICES}
        with pytest.raises(TypeError, match="grouped choices"):
            form.one()
