"""Widgets the GOV.UK WTForms set lacks."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput


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
