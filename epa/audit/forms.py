"""The audit page's date filters: day, month and year boxes, as on every other form, read from
the query string. The page's own address gives each date as the API does (YYYY-MM-DD)."""

import re

from flask_wtf import FlaskForm

from epa.pages.forms import DayMonthYearField

ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


class FilterDateField(DayMonthYearField):
    """Day, month and year boxes that also read one YYYY-MM-DD value: the address the page
    gives its filters (and the API's), so that links and pages keep working."""

    def process_formdata(self, valuelist):
        if len(valuelist) == 1 and (iso := ISO_DAY.fullmatch(str(valuelist[0]).strip())):
            year, month, day = iso.groups()
            valuelist = [day, month, year]
        super().process_formdata(valuelist)


class AuditDatesForm(FlaskForm):
    """From and to dates, both optional, in boxes named `from` and `to` as the API names them."""

    class Meta:
        csrf = False  # a filter changes nothing

    date_from = FilterDateField(
        "From",
        name="from",
        what="from date",
        example="1 11 2026",
        description="For example, 1 11 2026",
    )
    date_to = FilterDateField(
        "To", name="to", what="to date", example="30 11 2026", description="For example, 30 11 2026"
    )

    #: the API's names for the fields
    FIELDS = {"from": "date_from", "to": "date_to"}

    def iso(self) -> dict[str, str]:
        """Each date as YYYY-MM-DD, or "" when left blank."""
        return {
            name: self[field].data.isoformat() if self[field].data else ""
            for name, field in self.FIELDS.items()
        }
