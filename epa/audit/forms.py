"""The audit page's date filters: day, month and year boxes, as on every other form, read from
the query string. The page's own address gives each date as the API does (YYYY-MM-DD), which
the boxes read too, so links and the pages' own links keep working."""

from epa.pages.forms import DateRangeForm


class AuditDatesForm(DateRangeForm):
    """From and to dates, both optional, in boxes named `from` and `to` as the API names them."""

    def iso(self) -> dict[str, str]:
        """Each date as YYYY-MM-DD, or "" when left blank."""
        return {name: day.isoformat() if day else "" for name, day in self.service_data().items()}
