"""The outcomes chart: pure functions, read back as XML."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from epa.dashboard.chart import (
    GRADES,
    bar_chart_svg,
    bar_rows_svg,
    last_twelve_months,
    month_label,
    monthly_outcomes,
)

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 11, 26)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  (our own output, not untrusted input)


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def sample():
    rows = [
        (date(2026, 1, 3), "pass", 3),
        (date(2026, 1, 19), "merit", 2),
        (date(2026, 5, 1), "fail", 1),
        (date(2026, 11, 2), "distinction", 6),
        (date(2026, 11, 20), "pass", 4),
    ]
    return monthly_outcomes(rows, TODAY)


def test_twelve_months_end_with_this_one():
    months, series = monthly_outcomes([], TODAY)
    assert len(months) == 12
    assert months[0] == "Dec 2025" and months[-1] == "Nov 2026"
    assert set(series) == set(GRADES) and all(v == [0] * 12 for v in series.values())
    january = last_twelve_months(date(2027, 1, 31))
    assert january[0] == date(2026, 2, 1) and january[-1] == date(2027, 1, 1)
    assert month_label(date(2026, 2, 1)) == "February 2026"


def test_outcomes_are_bucketed_by_month_and_grade_and_old_ones_left_out():
    rows = [
        (date(2025, 11, 30), "pass", 9),  # thirteen months back: not shown
        (date(2025, 12, 1), "distinction", 1),
        (date(2026, 10, 5), "pass", 1),
        (date(2026, 10, 20), "pass", 1),
        (date(2026, 10, 21), "fail", 2),
        (date(2026, 11, 26), "merit", 1),
        (date(2026, 12, 1), "pass", 5),  # the future: not shown
    ]
    months, series = monthly_outcomes(rows, TODAY)
    october = months.index("Oct 2026")
    assert series["pass"][october] == 2 and series["fail"][october] == 2
    assert series["distinction"][0] == 1 and series["merit"][-1] == 1
    assert sum(sum(v) for v in series.values()) == 6


def test_the_svg_is_an_image_with_a_title_and_a_description_of_the_numbers():
    months, series = sample()
    root = parse(bar_chart_svg(months, series, title="Confirmed outcomes by month"))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Confirmed outcomes by month"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "16 in all" in desc.text
    assert "Fail 1, Pass 7, Merit 2, Distinction 6" in desc.text
    assert "Most in Nov 2026: 10" in desc.text
    assert root.get("viewBox") and not list(root.iter(f"{SVG}script"))
    for element in root.iter():
        assert not any(name.startswith("on") for name in element.attrib), element.tag


def test_one_bar_per_count_above_zero_with_heights_in_proportion():
    months, series = sample()
    root = parse(bar_chart_svg(months, series, title="Outcomes"))
    found = bars(root)
    assert len(found) == sum(1 for values in series.values() for v in values if v > 0) == 5
    per_unit = {float(b.get("height")) / int(b.get("data-value")) for b in found}
    assert max(per_unit) - min(per_unit) < 0.01, per_unit
    by_key = {(b.get("data-month"), b.get("data-grade")): b for b in found}
    assert by_key[("Nov 2026", "distinction")].get("data-value") == "6"
    assert float(by_key[("Nov 2026", "distinction")].get("height")) == pytest.approx(
        1.5 * float(by_key[("Nov 2026", "pass")].get("height")), abs=0.02
    )
    # stacked: the second segment of a month sits on top of the first
    jan_pass, jan_merit = by_key[("Jan 2026", "pass")], by_key[("Jan 2026", "merit")]
    assert float(jan_merit.get("y")) + float(jan_merit.get("height")) == pytest.approx(
        float(jan_pass.get("y")), abs=0.02
    )


def test_axes_legend_and_every_month_are_labelled():
    months, series = sample()
    words = texts(parse(bar_chart_svg(months, series, title="Outcomes", x_label="Month")))
    for word in ["Fail", "Pass", "Merit", "Distinction", "Month", "Number of outcomes"]:
        assert word in words, word
    assert words.count("2026") == 11 and words.count("Dec") == 1 and "Nov" in words
    assert "0" in words and "10" in words  # the scale, with the November total on its bar


def test_colour_is_not_the_only_cue():
    months, series = sample()
    root = parse(bar_chart_svg(months, series, title="Outcomes"))
    patterns = list(root.iter(f"{SVG}pattern"))
    assert len(patterns) == 4
    assert len({p[0].get("fill") for p in patterns}) == 4, "each grade has its own colour"
    marks = {b"".join(ET.tostring(child) for child in p[1:]) for p in patterns}
    assert len(marks) == 4, "and its own marks (one of them none), so colour is not needed"
    for bar in bars(root):
        assert bar.get("stroke") == "#0b0c0c"  # an outline that contrasts with white


def test_text_is_escaped():
    months = ["<b>Jan</b> & co", "Feb 'x'"]
    series = {"pass": [1, 0], 'odd "grade" <i>': [0, 2]}
    svg = bar_chart_svg(months, series, title='<script>alert("x")</script> & more')
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == '<script>alert("x")</script> & more'
    assert "<b>Jan</b>" in texts(root)
    assert {b.get("data-month") for b in bars(root)} == {"<b>Jan</b> & co", "Feb 'x'"}
    assert any('"grade"' in t for t in texts(root))


def test_no_outcomes_draws_empty_axes():
    months, series = monthly_outcomes([], TODAY)
    root = parse(bar_chart_svg(months, series, title="Outcomes", id_prefix="a b<"))
    assert bars(root) == []
    assert "no confirmed outcomes" in root.find(f"{SVG}desc").text
    assert root.find(f"{SVG}title").get("id") == "ab-title"


# The phone layout: the same bars laid across, a row per month.


def test_rows_are_an_image_described_like_the_columns():
    months, series = sample()
    columns = parse(bar_chart_svg(months, series, title="Outcomes"))
    root = parse(bar_rows_svg(months, series, title="Outcomes", id_prefix="phone <1>"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "phone1-title phone1-desc"
    assert root.find(f"{SVG}desc").text == columns.find(f"{SVG}desc").text


def test_a_bar_per_count_across_with_widths_in_proportion_and_segments_end_to_end():
    months, series = sample()
    found = bars(parse(bar_rows_svg(months, series, title="Outcomes")))
    assert len(found) == 5
    per_unit = {float(b.get("width")) / int(b.get("data-value")) for b in found}
    assert max(per_unit) - min(per_unit) < 0.01, per_unit
    by_key = {(b.get("data-month"), b.get("data-grade")): b for b in found}
    nov_pass, nov_distinction = by_key[("Nov 2026", "pass")], by_key[("Nov 2026", "distinction")]
    assert nov_pass.get("y") == nov_distinction.get("y")
    assert float(nov_pass.get("x")) + float(nov_pass.get("width")) == pytest.approx(
        float(nov_distinction.get("x")), abs=0.02
    )
    rows = [float(by_key[(month, "pass")].get("y")) for month in ("Jan 2026", "Nov 2026")]
    assert rows[0] < rows[1], "the months run down the page in order"


def test_every_month_whole_and_the_key_fit_a_phones_width():
    months, series = sample()
    root = parse(bar_rows_svg(months, series, title="Outcomes", x_label="Outcomes"))
    words = texts(root)
    assert all(month in words for month in months) and "Outcomes" in words
    assert "10" in words  # November's total, beside its bar
    width = float(root.get("viewBox").split()[2])
    assert width <= 320
    # about 8px a letter at 14px: each key's words end inside the picture
    for text in root.iter(f"{SVG}text"):
        if text.get("text-anchor") == "start":
            assert float(text.get("x")) + 8 * len(text.text) <= width, text.text


def test_rows_with_no_outcomes_draw_an_empty_scale():
    months, series = monthly_outcomes([], TODAY)
    root = parse(bar_rows_svg(months, series, title="Outcomes"))
    assert bars(root) == []
    assert "no confirmed outcomes" in root.find(f"{SVG}desc").text
