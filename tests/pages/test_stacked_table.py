"""The stacked list table's markup (epa/pages/tables.py): what a phone's cards and a screen
reader rely on, cell by cell."""

from markupsafe import Markup

from epa.pages.tables import stacked_table


def _table(**params):
    return str(stacked_table({"head": [{"text": "Name"}, {"text": "ULN"}], **params}))


def test_each_body_cell_is_labelled_by_its_heading():
    html = _table(rows=[[{"text": "Ada"}, {"text": "1234567890"}]])
    assert '<td class="govuk-table__cell" data-label="Name">Ada</td>' in html
    assert '<td class="govuk-table__cell" data-label="ULN">1234567890</td>' in html
    assert 'class="govuk-table epa-table--stacked"' in html


def test_text_is_escaped_and_html_is_kept():
    html = _table(rows=[[{"text": "<b>Ada</b> & co"}, {"html": Markup("<a href='/x'>x</a>")}]])
    assert "&lt;b&gt;Ada&lt;/b&gt; &amp; co" in html
    assert "<a href='/x'>x</a>" in html


def test_a_heading_only_screen_readers_hear_marks_its_column_as_an_action():
    html = str(
        stacked_table(
            {
                "head": [
                    {"text": "Name"},
                    {"html": '<span class="govuk-visually-hidden">Result & link</span>'},
                ],
                "rows": [[{"text": "Ada"}, {"html": "<a>View</a>", "classes": "wide"}]],
            }
        )
    )
    assert (
        '<td class="govuk-table__cell wide epa-table__action" data-label="Result &amp; link">'
        "<a>View</a></td>"
    ) in html
    assert '<th scope="col" class="govuk-table__header">' in html


def test_caption_classes_formats_spans_attributes_and_a_header_first_cell():
    html = _table(
        caption="Bookings <today>",
        captionClasses="govuk-table__caption--m",
        classes="extra",
        attributes={"id": "list"},
        firstCellIsHeader=True,
        rows=[
            [
                {"text": "Ada", "attributes": {"data-label": "ignored", "lang": "en"}},
                {"text": 7, "format": "numeric", "colspan": 2},
            ],
            [],
        ],
    )
    assert '<table class="govuk-table extra epa-table--stacked" id="list">' in html
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--m">Bookings &lt;today&gt;'
        "</caption>"
    ) in html
    assert (
        '<th scope="row" class="govuk-table__header" lang="en" data-label="Name">Ada</th>' in html
    )
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric" colspan="2" data-label="ULN">'
        "7</td>"
    ) in html
    assert html.count('<tr class="govuk-table__row">') == 2  # the heading's and one row's


def test_a_cell_beyond_the_headings_has_an_empty_label():
    html = _table(rows=[[{"text": "a"}, {"text": "b"}, {"text": "c"}]])
    assert '<td class="govuk-table__cell" data-label="">c</td>' in html
