"""A two-column Sankey diagram drawn on the server: where shoppers were (left) and where they are (right).

Like app/settings_ui/charts.py: SVG only, every label escaped, returned as
Markup. Each node and band may be a link (to the segment of its shoppers),
so the diagram is a group of links rather than one image. Two layouts: a
wide one, and a narrow one with short labels that stays readable on a
390-pixel phone screen (the page shows one or the other by CSS).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

COLORS = {
    None: "#8a94a6", "new_visitor": "#2f5bea", "returning_browser": "#6f8cf0", "cart_builder": "#e07a1f",
    "first_time_buyer": "#1f8a4c", "loyal": "#0f5e33", "lapsed": "#c23b22", "won_back": "#7a3fb0",
}
STAYED = "#b8c0cc"


@dataclass(frozen=True)
class Node:
    key: str | None
    label: str
    count: int
    href: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Band:
    source: str | None
    target: str
    count: int
    href: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Layout:
    width: int
    label_width: int  # room for the labels on each side
    flow_height: int  # pixels all the shoppers share
    font: int = 13
    node_width: int = 14
    min_slot: int = 36  # a node's label (name and count, two lines) needs this much height
    gap: int = 8
    top: int = 24


WIDE = Layout(width=760, label_width=190, flow_height=320)
NARROW = Layout(width=360, label_width=92, flow_height=240, font=12, node_width=10, min_slot=32, gap=6)


def sankey(title: str, left: Sequence[Node], right: Sequence[Node], bands: Sequence[Band], layout: Layout = WIDE,
           left_heading: str = "", right_heading: str = "", css_class: str = "") -> Markup:
    left = [node for node in left if node.count > 0]
    right = [node for node in right if node.count > 0]
    total = sum(node.count for node in left)
    classes = f"chart sankey {css_class}".strip()
    if not total:
        return Markup(
            f'<svg class="{escape(classes)}" viewBox="0 0 {layout.width} 80" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
            f'<text x="{layout.width / 2:.0f}" y="44" text-anchor="middle" font-size="13" fill="#5f6b7a">No shoppers in this period</text></svg>'
        )
    scale = layout.flow_height / total
    left_x, right_x = layout.label_width, layout.width - layout.label_width - layout.node_width
    left_y, left_bottom = _stack(left, scale, layout)
    right_y, right_bottom = _stack(right, scale, layout)
    height = max(left_bottom, right_bottom) + 8
    heading = f'font-size="{layout.font}" font-weight="600" fill="#1d2330"'
    parts = [
        f'<text x="{left_x + layout.node_width:.0f}" y="14" text-anchor="end" {heading}>{escape(left_heading)}</text>',
        f'<text x="{right_x:.0f}" y="14" text-anchor="start" {heading}>{escape(right_heading)}</text>',
    ]
    order = {node.key: index for index, node in enumerate(right)}
    sources = {node.key: index for index, node in enumerate(left)}
    shown = [band for band in bands if band.count > 0 and band.source in left_y and band.target in right_y]
    # Bands leave each source in the order of their targets and reach each target in the order of their
    # sources, so no two cross where they meet a node.
    starts, offset = {}, {node.key: 0.0 for node in left}
    for band in sorted(shown, key=lambda b: (sources[b.source], order[b.target])):
        starts[(band.source, band.target)] = left_y[band.source] + offset[band.source]
        offset[band.source] += band.count * scale
    offset = {node.key: 0.0 for node in right}
    for band in sorted(shown, key=lambda b: (order[b.target], sources[b.source])):
        thickness = band.count * scale
        parts.append(_band(band, left_x + layout.node_width, starts[(band.source, band.target)], right_x,
                           right_y[band.target] + offset[band.target], thickness))
        offset[band.target] += thickness
    parts += [_node(node, left_x, left_y[node.key], node.count * scale, layout, "left") for node in left]
    parts += [_node(node, right_x, right_y[node.key], node.count * scale, layout, "right") for node in right]
    return Markup(
        f'<svg class="{escape(classes)}" viewBox="0 0 {layout.width} {height:.0f}" role="group" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>' + "".join(parts) + "</svg>"
    )


def _stack(nodes: Sequence[Node], scale: float, layout: Layout) -> tuple[dict, float]:
    """Top of each node; each gets at least a label's height, so small stages stay readable."""
    tops, y = {}, float(layout.top)
    for node in nodes:
        tops[node.key] = y
        y += max(node.count * scale, layout.min_slot) + layout.gap
    return tops, y


def _band(band: Band, x0: float, y0: float, x1: float, y1: float, thickness: float) -> str:
    middle = (x0 + x1) / 2
    path = (f"M{x0:.1f},{y0:.1f} C{middle:.1f},{y0:.1f} {middle:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
            f"L{x1:.1f},{y1 + thickness:.1f} C{middle:.1f},{y1 + thickness:.1f} {middle:.1f},{y0 + thickness:.1f} {x0:.1f},{y0 + thickness:.1f} Z")
    color = STAYED if band.source == band.target else COLORS.get(band.target, "#8a94a6")
    shape = f'<path class="band" d="{path}" fill="{color}"><title>{escape(band.description)}</title></path>'
    return _linked(shape, band.href, band.description, "band-link")


def _node(node: Node, x: float, y: float, height: float, layout: Layout, side: str) -> str:
    bar = (f'<rect class="node" x="{x:.1f}" y="{y:.1f}" width="{layout.node_width}" height="{max(height, 2):.1f}" '
           f'fill="{COLORS.get(node.key, "#8a94a6")}"><title>{escape(node.description)}</title></rect>')
    text_x = x - 6 if side == "left" else x + layout.node_width + 6
    anchor = "end" if side == "left" else "start"
    text = f'x="{text_x:.1f}" text-anchor="{anchor}" font-size="{layout.font}"'
    label = (
        f'<text {text} y="{y + layout.font:.1f}" fill="#1d2330">{escape(node.label)}</text>'
        f'<text class="count" {text} y="{y + 2 * layout.font + 3:.1f}" font-weight="600" fill="#2f5bea">{node.count:,}</text>'
    )
    return _linked(bar + label, node.href, node.description, "node-link")


def _linked(inner: str, href: str | None, description: str, css_class: str) -> str:
    if not href:
        return inner
    return f'<a class="{css_class}" href="{escape(href)}" aria-label="{escape(description)}">{inner}</a>'
