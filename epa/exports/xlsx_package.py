"""The parts of an xlsx file around its one sheet: pure text, the same for every export.

An xlsx file is a zip of XML parts (ECMA-376, SpreadsheetML). The spreadsheets module writes
the sheet's rows itself, a row of text at a time, because building a cell object per value
(as openpyxl does) costs several times more than the text it produces; everything else is
fixed and written here once.
"""

from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

#: the cell styles (cellXfs) the sheet refers to by position
PLAIN, BOLD, DATE, DATETIME = 0, 1, 2, 3

CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELATIONSHIPS = (
    _XML + f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELATIONSHIPS = (
    _XML + f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
_XF = 'fillId="0" borderId="0" xfId="0"'


def styles(date_format: str, datetime_format: str) -> str:
    """Plain, bold (the header), a date and a date with a time, in that order."""
    return (
        _XML + f'<styleSheet xmlns="{MAIN}">'
        f'<numFmts count="2"><numFmt numFmtId="164" formatCode={quoteattr(date_format)}/>'
        f'<numFmt numFmtId="165" formatCode={quoteattr(datetime_format)}/></numFmts>'
        f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        f'<cellXfs count="4"><xf numFmtId="0" fontId="0" {_XF}/>'
        f'<xf numFmtId="0" fontId="1" {_XF} applyFont="1"/>'
        f'<xf numFmtId="164" fontId="0" {_XF} applyNumberFormat="1"/>'
        f'<xf numFmtId="165" fontId="0" {_XF} applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def workbook(sheet: str, last_column: str, last_row: int) -> str:
    """The workbook of one sheet, whose auto filter runs from A1 to that column and row."""
    quoted = "'" + sheet.replace("'", "''") + "'"
    return (
        _XML + f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        "<bookViews><workbookView/></bookViews>"
        f'<sheets><sheet name={quoteattr(sheet)} sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{escape(quoted)}!$A$1:${last_column}${last_row}</definedName></definedNames>"
        "</workbook>"
    )


def sheet_start(widths: list[int]) -> str:
    """The sheet up to its rows: the header row frozen, and the columns' widths."""
    columns = "".join(
        f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
        for index, width in enumerate(widths, 1)
    )
    return (
        _XML + f'<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{columns}</cols>" if columns else "")
        + "<sheetData>"
    )


def sheet_end(last_column: str, last_row: int) -> str:
    """The sheet after its rows: the auto filter from A1 to that column and row."""
    return f'</sheetData><autoFilter ref="A1:{last_column}{last_row}"/></worksheet>'
