"""Widgets the GOV.UK WTForms set lacks."""

import re

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSelect
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from epa.pages.escaping import escaped


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


# The long widgets have the macro write its markup around one marked choice, then write every
# choice in its place: the markup stays GOV.UK's, without a macro call per choice.
CHOICES_MARK = "epa-choices-go-here"
_OPTION_MARKED = re.compile(rf'<option value="{CHOICES_MARK}">\s*{CHOICES_MARK}\s*</option>')


def marked_item(kind: str) -> re.Pattern:
    """The macro's item for the marked choice, in GOV.UK's "radios" or "checkboxes"."""
    return re.compile(
        rf'<div class="govuk-{kind}__item">\s*<input[^>]*value="{CHOICES_MARK}"[^>]*>'
        rf"\s*<label[^>]*>\s*{CHOICES_MARK}\s*</label>\s*</div>"
    )


def in_place_of_mark(html, marked: re.Pattern, written: str) -> Markup:
    """The macro's markup with the marked choice replaced by the choices `written`, whose every
    value the caller escaped."""
    return Markup(marked.sub(lambda _: written, str(html), count=1))  # noqa: S704  # nosec B704


def choice_id(prefix: str, index: int) -> str:
    """The id the macros give the choice at `index` (from 1): the prefix, then prefix-2..."""
    return prefix if index == 1 else f"{prefix}-{index}"


def _refuse_what_is_not_written(field, kwargs, unwritten: tuple[str, ...]) -> None:
    """The long widgets write each choice themselves, so what the macro would have merged into
    its items (grouped choices, template-supplied items) would be lost without a word."""
    given = sorted(set(kwargs.get("params") or {}) & set(unwritten))
    if given or isinstance(field.choices, dict):
        what = ", ".join(given) or "grouped choices"
        raise TypeError(f"{type(field.widget).__name__} does not write {what} ({field.name})")


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
        _refuse_what_is_not_written(field, kwargs, ("items",))
        kwargs.setdefault("id", field.id)
        kwargs["items"] = [{"text": CHOICES_MARK, "value": CHOICES_MARK}]
        html = super(GovSelect, self).__call__(field, **kwargs)
        # Escaped by hand, from the choices themselves: Markup.format's formatter and WTForms'
        # choice objects cost more than the rest of the page.
        chosen, coerce = field.data, field.coerce
        options = "\n".join(
            f'<option value="{escaped(value)}"'
            f"{' selected' if coerce(value) == chosen else ''}>"
            f"{escaped(label)}</option>"
            for value, label in map(_pair, field.choices or [])
        )
        return in_place_of_mark(html, _OPTION_MARKED, options)


_CHECKBOX_MARKED = marked_item("checkboxes")


class GovLongCheckboxes(GovCheckboxesInput):
    """GovCheckboxesInput for a list of hundreds (a cohort of apprentices, every assessor): the
    macro's markup, but each item written here, as GovLongSelect writes its options. Items have
    no hints or conditional reveals."""

    def __call__(self, field, **kwargs):
        _refuse_what_is_not_written(field, kwargs, ("items", "values", "name"))
        kwargs.setdefault("id", field.id)
        params = kwargs.get("params") or {}
        prefix = params.get("idPrefix") or field.name
        name = escaped(field.name)
        chosen, coerce = set(field.data or ()), field.coerce
        items = []
        for index, (value, label) in enumerate(map(_pair, field.choices or []), start=1):
            item_id = escaped(choice_id(prefix, index))
            items.append(
                '<div class="govuk-checkboxes__item">'
                f'<input class="govuk-checkboxes__input" id="{item_id}" name="{name}" '
                f'type="checkbox" value="{escaped(value)}"'
                f"{' checked' if coerce(value) in chosen else ''}>"
                f'<label class="govuk-label govuk-checkboxes__label" for="{item_id}">'
                f"{escaped(label)}</label></div>"
            )
        html = super(GovCheckboxesInput, self).__call__(_Marked(field), **kwargs)
        return in_place_of_mark(html, _CHECKBOX_MARKED, "\n".join(items))


class _Marked:
    """The field as the stock widget sees it, with one marked choice in place of all of them."""

    def __init__(self, field):
        self._field = field

    def __getattr__(self, name):
        return getattr(self._field, name)

    def __iter__(self):
        yield _MarkedChoice()


class _MarkedChoice:
    data = False
    label = type("Label", (), {"text": CHOICES_MARK})()

    def _value(self):
        return CHOICES_MARK
