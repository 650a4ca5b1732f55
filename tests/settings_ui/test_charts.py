"""Server-side SVG charts: well-formed, accessible, escaped, and sane with no data or one point."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from markupsafe import Markup

from app.settings_ui.charts import Series, bar_chart, line_chart, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))


def texts(root: ET.Element) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


def test_nice_ticks_are_round_and_cover_the_data():
    assert nice_ticks(0, 37) == [0, 10, 20, 30, 40]
    assert nice_ticks(0, 0.034) == [0, 0.01, 0.02, 0.03, 0.04]
    assert nice_ticks(-3, 7)[0] <= -3 and nice_ticks(-3, 7)[-1] >= 7 and 0 in nice_ticks(-3, 7)
    assert nice_ticks(0, 0) == [0, 0.25, 0.5, 0.75, 1]


def test_a_line_chart_has_a_title_axes_ticks_and_one_line_per_series():
    days = [f"2026-01-{d:02d}" for d in range(1, 11)]
    root = parse(line_chart("Impressions and clicks", days, [Series("Impressions", list(range(0, 100, 10))), Series("Clicks", [1] * 10)]))
    assert root.get("role") == "img" and root.get("aria-label") == "Impressions and clicks"
    assert root.find(f"{SVG}title").text == "Impressions and clicks"
    assert "Impressions: lowest 0, highest 90, latest 90" in root.find(f"{SVG}desc").text
    assert len(root.findall(f"{SVG}polyline")) == 2
    labels = texts(root)
    assert {"0", "50", "100"} <= set(labels), labels
    assert "2026-01-01" in labels and "2026-01-10" in labels and "Clicks" in labels
    assert sum(label.startswith("2026-") for label in labels) <= 6, "a few x ticks, not one per day"


def test_gaps_split_a_line_and_a_single_point_is_a_dot():
    root = parse(line_chart("Rate", ["a", "b", "c", "d", "e"], [Series("rate", [1, 2, None, 3, 4])]))
    assert len(root.findall(f"{SVG}polyline")) == 2
    one = parse(line_chart("Rate", ["2026-01-01"], [Series("rate", [0.5])]))
    assert len(one.findall(f"{SVG}circle")) == 1 and not one.findall(f"{SVG}polyline")


def test_empty_data_says_so():
    for chart in (line_chart("Nothing", [], []), line_chart("Nothing", ["a"], [Series("x", [None])]), bar_chart("Nothing", ["a"], [None])):
        root = parse(chart)
        assert "No data for this period" in texts(root) and root.find(f"{SVG}title").text == "Nothing"


def test_a_bar_chart_draws_one_bar_per_value_with_its_label():
    root = parse(bar_chart("Revenue", ["mon", "tue", "wed"], [10.5, 0, 30], y_format=lambda v: f"€{v:.0f}"))
    bars = root.findall(f"{SVG}rect")
    assert len(bars) == 3
    assert [bar.find(f"{SVG}title").text for bar in bars] == ["mon: €10", "tue: €0", "wed: €30"]
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[1] == 0 and heights[2] > heights[0] > 0


def test_text_from_merchants_is_escaped():
    evil = '<script>alert(1)</script>"'
    svg = str(line_chart(evil, [evil, "b"], [Series(evil, [1, 2]), Series("b", [2, 1])]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)
    assert "<script>" not in str(bar_chart(evil, [evil], [1], name=evil))


def test_counts_get_whole_number_ticks():
    assert nice_ticks(0, 2, integers=True) == [0, 1, 2]
    root = parse(bar_chart("Conversions", ["a", "b"], [1, 2], integers=True))
    assert not [label for label in texts(root) if "." in label]
