"""The body rows of a stacked list table (templates/macros/tables.html), written here: a list of
fifty rows spent most of its page's time looking up each cell's keys in the macro."""

from markupsafe import Markup, escape

_ABSENT = object()


def _get(cell, key: str):
    """A cell's value as the template reads it (a missing one reads as absent)."""
    if isinstance(cell, dict):
        return cell.get(key, _ABSENT)
    return getattr(cell, key, _ABSENT)


def _text(value) -> str:
    """A value written into the page as `{{ value }}` writes it: escaped, absent as nothing."""
    return "" if value is _ABSENT else escape(value)


def _present(value) -> bool:
    return value is not _ABSENT and bool(value)


def stacked_rows(rows, labels: list, actions: list, header_first) -> Markup:
    """govukTable's body rows, each cell labelled (data-label) by its column's heading; a cell
    of an action column also gets epa-table__action. The macro's markup, byte for byte."""
    out = []
    for row in rows or ():
        if not row:
            continue
        out.append('<tr class="govuk-table__row">')
        for n, cell in enumerate(row):
            classes = _get(cell, "classes")
            classes = classes if _present(classes) else ""
            if n < len(actions) and actions[n]:
                classes = (classes + " epa-table__action").strip()
            if n == 0 and header_first:
                tag = "th"
                out.append('      <th scope="row" class="govuk-table__header')
            else:
                tag = "td"
                out.append('      <td class="govuk-table__cell')
                form = _get(cell, "format")
                if _present(form):
                    out.append(f" govuk-table__cell--{escape(form)}")
            if classes:
                out.append(f" {escape(classes)}")
            out.append('"')
            for span in ("colspan", "rowspan"):
                value = _get(cell, span)
                if _present(value):
                    out.append(f' {span}="{escape(value)}"')
            attributes = _get(cell, "attributes")
            for name, value in attributes.items() if _present(attributes) else ():
                if name != "data-label":
                    out.append(f' {escape(name)}="{escape(value)}"')
            label = labels[n] if n < len(labels) else _ABSENT
            html = _get(cell, "html")
            # html is the template's own markup (`| safe` in the macro), text is escaped
            content = Markup(html) if _present(html) else _text(_get(cell, "text"))  # noqa: S704
            out.append(f' data-label="{_text(label)}">{content}</{tag}>')
        out.append("    </tr>\n")
    return Markup("".join(out))  # noqa: S704  (every value above is escaped, or given as html)
