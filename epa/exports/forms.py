"""The exports page's date range, read from the query string (downloads are plain GETs)."""

from epa.pages.forms import DateRangeForm


class ExportForm(DateRangeForm):
    """From and to dates, both optional; a download changes nothing."""


class PrepareForm(ExportForm):
    """The same range, sent to have a file made: a change (a job starts), so CSRF-checked."""

    class Meta:
        csrf = True
