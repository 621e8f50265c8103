"""Confirmed outcomes by month as a stacked bar chart in SVG: pure (no Flask, no database), so
the page draws it on the server and it needs no JavaScript.

Accessibility: the SVG is an image (role="img") named by its <title> and described by a
<desc> that summarises the numbers; the page puts a table of the same numbers beside it. Each
grade has its own fill pattern as well as its own colour, every bar has a dark outline
(3:1 against white and against its neighbours), and every text is escaped.
"""

from datetime import date
from html import escape

GRADES = ("fail", "pass", "merit", "distinction")
GRADE_LABELS = {"fail": "Fail", "pass": "Pass", "merit": "Merit", "distinction": "Distinction"}
MONTHS_SHOWN = 12

TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT = "Arial, Helvetica, sans-serif"
#: grade: (colour, pattern); the pattern is drawn in white over the colour
STYLES = {
    "fail": ("#d4351c", "stripes"),
    "pass": ("#1d70b8", "solid"),
    "merit": ("#4c2c92", "dots"),
    "distinction": ("#00703c", "grid"),
}
SPARE_STYLES = (("#505a5f", "stripes"), ("#0b0c0c", "dots"), ("#28a197", "grid"))

#: drawn at about the size half a page's width shows it, so its text reads at about 12 to 14px
WIDTH, HEIGHT = 480, 340
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 52, 76


def last_twelve_months(today: date) -> list[date]:
    """The first day of each of the last twelve months, this one last."""
    months = []
    year, month = today.year, today.month
    for _ in range(MONTHS_SHOWN):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def month_label(first: date, *, short: bool = False) -> str:
    """ "Jan 2026" on the chart's axis; "January 2026" in tables."""
    return f"{first:%b %Y}" if short else f"{first:%B %Y}"


def monthly_outcomes(rows, today: date) -> tuple[list[str], dict[str, list[int]]]:
    """Bucket (day, grade, count) rows into the last twelve months (this one included) by
    grade; days outside those months and unknown grades are left out."""
    months = last_twelve_months(today)
    index = {(m.year, m.month): i for i, m in enumerate(months)}
    series = {grade: [0] * len(months) for grade in GRADES}
    for day, grade, count in rows:
        slot = index.get((day.year, day.month))
        if slot is not None and grade in series:
            series[grade][slot] += count
    return [month_label(m, short=True) for m in months], series


def _label(grade: str) -> str:
    return GRADE_LABELS.get(grade, grade.replace("_", " ").capitalize())


def _styles(prefix: str, grades) -> dict[str, tuple[str, str, str]]:
    """Each grade's (pattern id, colour, pattern); ids by position, whatever the grade's name."""
    spare = iter(SPARE_STYLES * (1 + len(grades)))
    return {
        grade: (f"{prefix}-fill-{n}", *(STYLES[grade] if grade in STYLES else next(spare)))
        for n, grade in enumerate(grades)
    }


def _pattern(pattern_id: str, colour: str, kind: str) -> str:
    marks = {
        "solid": "",
        "stripes": '<path d="M-2 2l4-4M0 8l8-8M6 10l4-4" stroke="#ffffff" stroke-width="2"/>',
        "dots": '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
        "grid": '<path d="M0 4h8M4 0v8" stroke="#ffffff" stroke-width="1.5"/>',
    }[kind]
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="8" height="8">'
        f'<rect width="8" height="8" fill="{colour}"/>{marks}</pattern>'
    )


def _step(highest: int) -> int:
    """A round gap between gridlines that gives at most five of them above zero."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if highest <= step * factor * 5:
                return step * factor
        step *= 10


def _text(x, y, content: str, *, size=14, anchor="middle", extra="") -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-family="{FONT}" font-size="{size}" fill="{TEXT}" '
        f'text-anchor="{anchor}"{extra}>{escape(content)}</text>'
    )


def _summary(title: str, months: list[str], series: dict[str, list[int]]) -> str:
    totals = {grade: sum(values) for grade, values in series.items()}
    overall = sum(totals.values())
    span = f"{months[0]} to {months[-1]}" if months else "no months"
    if not overall:
        return f"{title}, {span}: no confirmed outcomes."
    by_grade = ", ".join(f"{_label(g)} {n}" for g, n in totals.items())
    month_totals = [sum(values[i] for values in series.values()) for i in range(len(months))]
    busiest = max(range(len(months)), key=lambda i: month_totals[i])
    return (
        f"{title}, {span}: {overall} in all ({by_grade}). "
        f"Most in {months[busiest]}: {month_totals[busiest]}."
    )


def _legend(styles, *, left: int = LEFT, right: int = WIDTH - RIGHT) -> tuple[list[str], int]:
    """A key of each grade's swatch and name, in rows 24 high from the top, a new row when the
    next name would run past `right`; and the y its last row ends at."""
    parts, x, y = [], left, 14
    for grade, (pattern_id, _, _) in styles.items():
        label = _label(grade)
        width = 24 + 8 * len(label)
        if x > left and x + width > right:
            x, y = left, y + 24
        parts.append(
            f'<rect x="{x}" y="{y}" width="18" height="18" fill="url(#{pattern_id})" '
            f'stroke="{TEXT}" stroke-width="1"/>'
        )
        parts.append(_text(x + 24, y + 14, label, anchor="start"))
        x += width + 16
    return parts, y + 18


def _axes(top_value: int, step: int, plot_height: float, x_label: str, y_label: str) -> list[str]:
    parts = []
    for value in range(0, top_value + 1, step):
        y = TOP + plot_height - value / top_value * plot_height
        colour = TEXT if value == 0 else GRID
        parts.append(
            f'<line x1="{LEFT}" y1="{y:g}" x2="{WIDTH - RIGHT}" y2="{y:g}" stroke="{colour}" '
            'stroke-width="1"/>'
        )
        parts.append(_text(LEFT - 8, y + 5, str(value), anchor="end"))
    middle = TOP + plot_height / 2
    parts.append(_text(18, middle, y_label, extra=f' transform="rotate(-90 18 {middle:g})"'))
    parts.append(_text(LEFT + (WIDTH - LEFT - RIGHT) / 2, HEIGHT - 8, x_label))
    return parts


def _bar(box, pattern_id: str, grade: str, month: str, value: int) -> str:
    """One grade's segment of a month's bar, named (in its <title>) for a pointer's hover."""
    x, y, width, height = box
    return (
        f'<rect class="bar" x="{x:.2f}" y="{y:.2f}" width="{width:.2f}" '
        f'height="{height:.2f}" fill="url(#{pattern_id})" stroke="{TEXT}" '
        f'stroke-width="1" data-grade="{escape(grade)}" data-month="{escape(month)}" '
        f'data-value="{value}"><title>{escape(f"{month}, {_label(grade)}: {value}")}'
        "</title></rect>"
    )


def _bars(styles, months, series, top_value, plot_height) -> list[str]:
    parts = []
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(months))
    bar_width = slot * 0.6
    baseline = TOP + plot_height
    for i, month in enumerate(months):
        x = LEFT + i * slot + (slot - bar_width) / 2
        y = baseline
        for grade, values in series.items():
            value = values[i]
            if value <= 0:
                continue
            height = round(value / top_value * plot_height, 2)
            y -= height
            parts.append(_bar((x, y, bar_width, height), styles[grade][0], grade, month, value))
        total = sum(values[i] for values in series.values())
        centre = x + bar_width / 2
        if total:
            parts.append(_text(centre, y - 6, str(total), size=13))
        first, _, rest = month.partition(" ")
        parts.append(_text(centre, baseline + 20, first, size=12))
        if rest:
            parts.append(_text(centre, baseline + 36, rest, size=12))
    return parts


def _scale(months, series) -> tuple[int, int]:
    """The gap between gridlines and the top of the scale, for the highest month's total."""
    highest = max(
        (sum(values[i] for values in series.values()) for i in range(len(months))), default=0
    )
    step = _step(highest)
    return step, step * max(1, -(-highest // step))


def _svg(prefix, styles, size, title, months, series, drawing) -> str:
    width, height = size
    patterns = "".join(_pattern(*style) for style in styles.values())
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" focusable="false">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(_summary(title, months, series))}</desc>',
        f"<defs>{patterns}</defs>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        *drawing,
        "</svg>",
    ]
    return "\n".join(parts)


def _start(months, series, id_prefix: str):
    """A chart's id prefix (only characters safe in an id), its grades' styles and its scale."""
    prefix = "".join(c for c in id_prefix if c.isascii() and (c.isalnum() or c in "-_")) or "chart"
    return prefix, _styles(prefix, list(series)), _scale(months, series)


def bar_chart_svg(
    months: list[str],
    series: dict[str, list[int]],
    *,
    title: str,
    x_label: str = "Month",
    y_label: str = "Number of outcomes",
    id_prefix: str = "chart",
) -> str:
    """A stacked bar per month, one segment per grade with a count above zero, as SVG text.

    `series` maps each grade to one count per month; `id_prefix` keeps the ids of two charts
    on one page apart.
    """
    prefix, styles, (step, top_value) = _start(months, series, id_prefix)
    plot_height = HEIGHT - TOP - BOTTOM
    drawing = [
        *_legend(styles)[0],
        *_axes(top_value, step, plot_height, x_label, y_label),
        *_bars(styles, months, series, top_value, plot_height),
    ]
    return _svg(prefix, styles, (WIDTH, HEIGHT), title, months, series, drawing)


#: The phone layout: a row per month, drawn about as wide as a 320px screen shows it, so its
#: text reads at about 13 to 14px.
ROWS_WIDTH, ROWS_LEFT, ROWS_RIGHT, ROW_HEIGHT = 300, 72, 36, 26


def _rows(styles, months, series, top_value, top) -> list[str]:
    parts = []
    plot_width = ROWS_WIDTH - ROWS_LEFT - ROWS_RIGHT
    for i, month in enumerate(months):
        y = top + i * ROW_HEIGHT
        x = ROWS_LEFT
        for grade, values in series.items():
            value = values[i]
            if value <= 0:
                continue
            width = round(value / top_value * plot_width, 2)
            box = (x, y + 4, width, ROW_HEIGHT - 8)
            parts.append(_bar(box, styles[grade][0], grade, month, value))
            x += width
        total = sum(values[i] for values in series.values())
        parts.append(_text(ROWS_LEFT - 8, y + 18, month, anchor="end"))
        if total:
            parts.append(_text(x + 6, y + 18, str(total), size=13, anchor="start"))
    return parts


def _rows_axis(top_value, step, top, bottom, x_label) -> list[str]:
    parts = []
    plot_width = ROWS_WIDTH - ROWS_LEFT - ROWS_RIGHT
    for value in range(0, top_value + 1, step):
        x = ROWS_LEFT + value / top_value * plot_width
        colour = TEXT if value == 0 else GRID
        parts.append(
            f'<line x1="{x:g}" y1="{top}" x2="{x:g}" y2="{bottom}" stroke="{colour}" '
            'stroke-width="1"/>'
        )
        parts.append(_text(x, bottom + 18, str(value)))
    parts.append(_text(ROWS_LEFT + plot_width / 2, bottom + 40, x_label))
    return parts


def bar_rows_svg(
    months: list[str],
    series: dict[str, list[int]],
    *,
    title: str,
    x_label: str = "Number of outcomes",
    id_prefix: str = "rows",
) -> str:
    """The same stacked bars laid across, a row per month, for a screen too narrow for the
    columns of `bar_chart_svg` to keep their words readable."""
    prefix, styles, (step, top_value) = _start(months, series, id_prefix)
    legend, legend_bottom = _legend(styles, left=8, right=ROWS_WIDTH - 8)
    top = legend_bottom + 16
    bottom = top + len(months) * ROW_HEIGHT
    drawing = [
        *legend,
        *_rows_axis(top_value, step, top, bottom, x_label),
        *_rows(styles, months, series, top_value, top),
    ]
    return _svg(prefix, styles, (ROWS_WIDTH, bottom + 52), title, months, series, drawing)
