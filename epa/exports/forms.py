"""The exports page's date range, read from the query string (downloads are plain GETs)."""

from flask_wtf import FlaskForm

from epa.pages.forms import DayMonthYearField


class ExportForm(FlaskForm):
    """From and to dates, both optional; the boxes are named `from` and `to` as in the API."""

    class Meta:
        csrf = False  # a download changes nothing

    date_from = DayMonthYearField(
        "From",
        name="from",
        what="from date",
        example="1 8 2026",
        description="For example, 1 8 2026",
    )
    date_to = DayMonthYearField(
        "To",
        name="to",
        what="to date",
        example="31 7 2027",
        description="For example, 31 7 2027",
    )

    #: the service's field names and the fields that show their problems
    FIELDS = {"from": "date_from", "to": "date_to"}

    def service_data(self) -> dict:
        """The range as the API takes it: `from` and `to`, None when left blank."""
        return {name: self[attribute].data for name, attribute in self.FIELDS.items()}
