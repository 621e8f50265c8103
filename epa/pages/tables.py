"""GOV.UK's table, and a list table that a phone shows as one card per row ("Phones" in
assets/epa.scss): govukTable's markup, with the class epa-table--stacked and each body cell
labelled (data-label) by its column's heading, so no template has to repeat its headings cell
by cell. A column whose heading only screen readers hear (an action's: its link says what it
does) keeps that label from sight on a phone too (epa-table__action).

Written in Python rather than as a Jinja macro: a diary or an assessor's list runs to hundreds
of rows of seven cells, and the macro's attribute lookups and escapes per cell were most of
those pages' time (make bench). templates/macros/tables.html keeps the macro's name for the
templates. Attributes are written as given (name="value"), which is all the tables here pass.
"""

from markupsafe import Markup, escape


def stacked_table(params: dict) -> Markup:
    """govukTable's params (caption, captionClasses, head, rows, classes, attributes,
    firstCellIsHeader) as the stacked table's markup."""
    return table(params, stacked=True)


def table(params: dict, *, stacked: bool = False) -> Markup:
    """govukTable's markup for its params; `stacked`, a phone's cards as well."""
    head = params.get("head") or []
    # A heading's html is the template's own markup (as govukTable's `html` is): only its text
    # is kept, escaped again for the attribute.
    labels = [_label(item) for item in head]
    actions = ["govuk-visually-hidden" in str(item.get("html") or "") for item in head]
    classes = f"govuk-table {params.get('classes') or ''}".strip()
    if stacked:
        classes += " epa-table--stacked"
    out = [f'<table class="{escape(classes)}"{_attributes(params)}>\n']
    if params.get("caption"):
        extra = params.get("captionClasses")
        caption_classes = f"govuk-table__caption {extra}" if extra else "govuk-table__caption"
        out.append(
            f'  <caption class="{escape(caption_classes)}">{escape(params["caption"])}</caption>\n'
        )
    if head:
        out.append('  <thead class="govuk-table__head">\n    <tr class="govuk-table__row">')
        for item in head:
            names = "govuk-table__header" + _modifiers(item, "govuk-table__header--")
            out.append(
                f'<th scope="col" class="{escape(names)}"{_spans(item)}{_attributes(item)}>'
                f"{_content(item)}</th>"
            )
        out.append("</tr>\n  </thead>\n")
    out.append('  <tbody class="govuk-table__body">\n')
    header_first = params.get("firstCellIsHeader")
    for row in params.get("rows") or []:
        if not row:
            continue
        out.append('    <tr class="govuk-table__row">')
        for n, cell in enumerate(row):
            extra = cell.get("classes") or ""
            if stacked and n < len(actions) and actions[n]:
                extra = f"{extra} epa-table__action".strip()
            if n == 0 and header_first:
                tag, scope = "th", ' scope="row"'
                names = "govuk-table__header"
            else:
                tag, scope = "td", ""
                names = "govuk-table__cell" + _modifiers(cell, "govuk-table__cell--")
            if extra:
                names = f"{names} {extra}"
            if stacked:
                label = labels[n] if n < len(labels) else ""
                attributes = f'{_attributes(cell, skip="data-label")} data-label="{label}"'
            else:
                attributes = _attributes(cell)
            out.append(
                f'<{tag}{scope} class="{escape(names)}"{_spans(cell)}{attributes}>'
                f"{_content(cell)}</{tag}>"
            )
        out.append("</tr>\n")
    out.append("  </tbody>\n</table>")
    # Every text and attribute above is escaped; `html` cells are the templates' markup.
    return Markup("".join(out))  # noqa: S704  # nosec B704


def _label(item: dict) -> str:
    if item.get("html"):
        return escape(Markup(item["html"]).striptags())  # noqa: S704  # nosec B704
    return escape(str(item.get("text", "")))


def _content(item: dict) -> str:
    html = item.get("html")
    if html:
        return str(html)
    text = item.get("text")
    return str(escape("" if text is None else text))


def _modifiers(item: dict, prefix: str) -> str:
    found = f" {prefix}{item['format']}" if item.get("format") else ""
    if item.get("classes") and prefix.startswith("govuk-table__header"):
        found += f" {item['classes']}"
    return found


def _spans(item: dict) -> str:
    spans = ""
    for name in ("colspan", "rowspan"):
        if item.get(name):
            spans += f' {name}="{escape(item[name])}"'
    return spans


def _attributes(item: dict, skip: str | None = None) -> str:
    return "".join(
        f' {name}="{escape(value)}"'
        for name, value in (item.get("attributes") or {}).items()
        if name != skip
    )
