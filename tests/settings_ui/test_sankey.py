"""The server-drawn Sankey: well-formed SVG, bands as thick as their counts, every label escaped."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from app.settings_ui.sankey import NARROW, WIDE, Band, Node, sankey

SVG = "{http://www.w3.org/2000/svg}"


def diagram(layout=WIDE, label="Cart builder"):
    left = [Node("cart_builder", label, 30, "/settings/segments/new?a=1&b=2", "30 cart builders"), Node(None, "Not seen yet", 10)]
    right = [Node("first_time_buyer", "First-time buyer", 25), Node("cart_builder", "Cart builder", 15), Node("loyal", "Loyal", 0)]
    bands = [Band("cart_builder", "first_time_buyer", 20, "/x?y=1&z=2", "to buyer"), Band("cart_builder", "cart_builder", 10),
             Band(None, "first_time_buyer", 5), Band(None, "cart_builder", 5)]
    return sankey("Moves", left, right, bands, layout, "Start", "Now")


def band_heights(svg) -> list[float]:
    heights = []
    for path in svg.iter(f"{SVG}path"):
        numbers = [float(n) for n in re.findall(r"-?\d+\.\d", path.get("d"))]
        # M x0,y0 ... L x1,y1+t: the thickness is the second y at the right minus the first.
        heights.append(round(numbers[9] - numbers[7], 1))
    return heights


def test_bands_are_as_thick_as_their_counts_and_the_svg_parses():
    svg = ET.fromstring(str(diagram()))
    assert svg.get("role") == "group" and svg.find(f"{SVG}title").text == "Moves"
    scale = WIDE.flow_height / 40
    assert sorted(band_heights(svg)) == sorted(round(count * scale, 1) for count in (20, 10, 5, 5))
    links = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert links == ["/x?y=1&z=2", "/settings/segments/new?a=1&b=2"], "parsed back from &amp;"
    assert "Loyal" not in str(diagram()), "a stage nobody is in takes no room"


def test_the_narrow_layout_fits_a_phone_and_labels_are_escaped():
    narrow = ET.fromstring(str(diagram(NARROW, label="<script>alert(1)</script>")))
    assert narrow.get("viewBox").split()[2] == "360"
    texts = [t.text for t in narrow.iter(f"{SVG}text")]
    assert "<script>alert(1)</script>" in texts, "kept as text"
    assert "<script>" not in str(diagram(NARROW, label="<script>alert(1)</script>"))


def test_nobody_draws_a_message_not_an_error():
    empty = sankey("Moves", [Node("loyal", "Loyal", 0)], [Node("loyal", "Loyal", 0)], [])
    assert "No shoppers in this period" in empty and ET.fromstring(str(empty)) is not None
