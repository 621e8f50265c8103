"""Widgets the GOV.UK WTForms set lacks."""

import re

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice


class GovRadioWithHints(GovRadioInput):
    """Radios with a hint under each choice, keyed by the choice's value.

    The stock widget appends template-supplied items to its own, so hints cannot be passed
    from the template without duplicating every radio.
    """

    def __init__(self, hints: dict[str, str]):
        self.hints = hints

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        for item in params["items"]:
            if item["value"] in self.hints:
                item["hint"] = {"text": self.hints[item["value"]]}
        return params


_OPTIONS_MARK = "epa-options-go-here"
_OPTION_MARKED = re.compile(rf'<option value="{_OPTIONS_MARK}">\s*{_OPTIONS_MARK}\s*</option>')


#: markupsafe.escape's replacements, applied without making a Markup of each of hundreds of
#: values and labels
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def _pair(choice) -> tuple:
    """A choice as (value, label): WTForms takes pairs, bare values and its choice objects."""
    if isinstance(choice, SelectChoice):
        return choice.value, choice.label
    if isinstance(choice, tuple | list):
        return choice[0], choice[1]
    return choice, choice


class GovLongSelect(GovSelect):
    """GovSelect for a list of every employer, provider or assessor: the same markup, but each
    option written here instead of by a macro call (hundreds of them took most of a list
    page's time). The macro writes one marked option, which the options replace."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs["items"] = [{"text": _OPTIONS_MARK, "value": _OPTIONS_MARK}]
        html = super(GovSelect, self).__call__(field, **kwargs)
        # Escaped by hand, from the choices themselves: Markup.format's formatter and WTForms'
        # choice objects cost more than the rest of the page.
        chosen, coerce = field.data, field.coerce
        options = "\n".join(
            f'<option value="{str(value).translate(_ESCAPES)}"'
            f"{' selected' if coerce(value) == chosen else ''}>"
            f"{str(label).translate(_ESCAPES)}</option>"
            for value, label in map(_pair, field.choices or [])
        )
        # the macro's own markup, and options escaped above
        return Markup(_OPTION_MARKED.sub(lambda _: options, str(html), count=1))  # noqa: S704  # nosec B704
