"""Small SVG charts drawn on the server: no chart library, no script, nothing the CSP must allow.

Every piece of text is escaped here (labels may come from rule names); the
result is returned as Markup so the template inserts it as is.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, BOTTOM = 56, 14, 30
COLORS = ("#2f5bea", "#e07a1f", "#1f8a4c", "#8a3ab9")
MAX_X_LABELS = 6
FONT = 13


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def plain_number(value: float) -> str:
    if abs(value) >= 10_000:
        return f"{value / 1000:,.0f}k"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def nice_ticks(low: float, high: float, count: int = 4, integers: bool = False) -> list[float]:
    """Round tick values covering [low, high] (0 always included), about ``count`` steps.

    ``integers`` for counts: no tick at 0.5 visits.
    """
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low <= 0:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    if integers:
        step = max(math.ceil(step), 1)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(n * step, 10) for n in range(first, last + 1)]


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series], y_format: Callable[[float], str] = plain_number,
               width: int = WIDTH, height: int = HEIGHT, integers: bool = False) -> Markup:
    """Lines over the labels (days); a None value leaves a gap; a lone point is drawn as a dot."""
    known = [v for s in series for v in s.values if v is not None]
    if not labels or not known:
        return _empty(title, width, height)
    frame = _Frame(labels, min(known), max(known), width, height, legend=len(series) > 1, integers=integers)
    parts = frame.axes(y_format)
    for index, one in enumerate(series):
        color = COLORS[index % len(COLORS)]
        points = [(frame.x(i), frame.y(v)) if v is not None else None for i, v in enumerate(one.values)]
        for run in _runs(points):
            if len(run) == 1:
                parts.append(f'<circle cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}" r="3.5" fill="{color}"/>')
            else:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2" stroke-linejoin="round"/>')
    if len(series) > 1:
        parts.extend(frame.legend([s.name for s in series]))
    return _svg(title, _describe(series, labels, y_format), width, height, parts)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float | None], name: str = "",
              y_format: Callable[[float], str] = plain_number, width: int = WIDTH, height: int = HEIGHT,
              integers: bool = False) -> Markup:
    """One bar per label (day); missing values draw no bar."""
    known = [v for v in values if v is not None]
    if not labels or not known:
        return _empty(title, width, height)
    frame = _Frame(labels, min(known), max(known), width, height, legend=False, bars=True, integers=integers)
    parts = frame.axes(y_format)
    band = frame.plot_width / len(labels)
    bar = max(band * 0.7, 1.0)
    zero = frame.y(0)
    for i, value in enumerate(values):
        if value is None:
            continue
        top = frame.y(value)
        parts.append(
            f'<rect x="{frame.x(i) - bar / 2:.1f}" y="{min(top, zero):.1f}" width="{bar:.1f}" height="{abs(zero - top):.1f}" '
            f'fill="{COLORS[0]}"><title>{escape(labels[i])}: {escape(y_format(value))}</title></rect>'
        )
    return _svg(title, _describe([Series(name or title, values)], labels, y_format), width, height, parts)


def interval_chart(title: str, labels: Sequence[str], points: Sequence[tuple[float, float, float, int] | None],
                   y_format: Callable[[float], str] = plain_number, width: int = WIDTH, height: int = HEIGHT,
                   bounds: tuple[float, float] | None = None) -> Markup:
    """A dot per label (week, month) at ``value`` with its 95% interval as a bar from ``low`` to ``high``.

    ``points`` are (value, low, high, answers) or None where nothing was measured; ``bounds`` widens
    the axis to a scale's natural range (-100 to 100 for an NPS) so the intervals are seen against it.
    """
    known = [point for point in points if point is not None]
    if not labels or not known:
        return _empty(title, width, height)
    low = min(min(point[1] for point in known), bounds[0] if bounds else math.inf)
    high = max(max(point[2] for point in known), bounds[1] if bounds else -math.inf)
    frame = _Frame(labels, low, high, width, height, legend=False, bars=True)
    parts = frame.axes(y_format)
    color = COLORS[0]
    centres = [(frame.x(i), frame.y(point[0])) if point is not None else None for i, point in enumerate(points)]
    for run in _runs(centres):
        if len(run) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="1.5" stroke-opacity=".5"/>')
    for i, point in enumerate(points):
        if point is None:
            continue
        value, bottom, top, answers = point
        x, faint = frame.x(i), f'stroke="{color}" stroke-opacity=".45"'
        tip = f"{labels[i]}: {y_format(value)} (95% CI {y_format(bottom)} to {y_format(top)}), {answers:,} answers"
        parts.append(
            f'<g><title>{escape(tip)}</title>'
            f'<line x1="{x:.1f}" y1="{frame.y(top):.1f}" x2="{x:.1f}" y2="{frame.y(bottom):.1f}" {faint} stroke-width="2"/>'
            f'<line x1="{x - 5:.1f}" y1="{frame.y(top):.1f}" x2="{x + 5:.1f}" y2="{frame.y(top):.1f}" {faint}/>'
            f'<line x1="{x - 5:.1f}" y1="{frame.y(bottom):.1f}" x2="{x + 5:.1f}" y2="{frame.y(bottom):.1f}" {faint}/>'
            f'<circle cx="{x:.1f}" cy="{frame.y(value):.1f}" r="4" fill="{color}"/></g>'
        )
    values = [point[0] if point is not None else None for point in points]
    return _svg(title, _describe([Series(title, values)], labels, y_format) + " Bars: 95% intervals.", width, height, parts)


class _Frame:
    """Maps data to pixels and draws the axes with a few ticks."""

    def __init__(self, labels, low, high, width, height, legend, bars=False, integers=False):
        self.labels, self.width, self.height, self.bars = list(labels), width, height, bars
        self.top = 26 if legend else 10
        self.plot_width = width - LEFT - RIGHT
        self.plot_height = height - self.top - BOTTOM
        self.ticks = nice_ticks(low, high, integers=integers)
        self.low, self.high = self.ticks[0], self.ticks[-1]

    def x(self, index: int) -> float:
        count = len(self.labels)
        if self.bars:
            return LEFT + (index + 0.5) * self.plot_width / count
        if count == 1:
            return LEFT + self.plot_width / 2
        return LEFT + index * self.plot_width / (count - 1)

    def y(self, value: float) -> float:
        return self.top + (self.high - value) / (self.high - self.low) * self.plot_height

    def axes(self, y_format) -> list[str]:
        bottom = self.top + self.plot_height
        parts = []
        for tick in self.ticks:
            y = self.y(tick)
            parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{self.width - RIGHT}" y2="{y:.1f}" stroke="#dde2ea" stroke-width="1"/>')
            parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="{FONT}" fill="#5f6b7a">{escape(y_format(tick))}</text>')
        parts.append(f'<line x1="{LEFT}" y1="{bottom:.1f}" x2="{self.width - RIGHT}" y2="{bottom:.1f}" stroke="#5f6b7a" stroke-width="1"/>')
        indices = _label_indices(len(self.labels))
        for index in indices:
            # The outermost labels align inwards so they are not cut at the edges.
            anchor = "middle" if self.bars or len(indices) == 1 else "start" if index == 0 else "end" if index == indices[-1] else "middle"
            parts.append(
                f'<text x="{self.x(index):.1f}" y="{bottom + 18:.1f}" text-anchor="{anchor}" font-size="{FONT}" fill="#5f6b7a">'
                f'{escape(self.labels[index])}</text>'
            )
        return parts

    def legend(self, names: list[str]) -> list[str]:
        parts, x = [], LEFT
        for index, name in enumerate(names):
            color = COLORS[index % len(COLORS)]
            parts.append(f'<rect x="{x}" y="8" width="12" height="4" fill="{color}"/>')
            parts.append(f'<text x="{x + 16}" y="15" font-size="{FONT}" fill="#1d2330">{escape(name)}</text>')
            x += 28 + 8 * len(name)
        return parts


def _label_indices(count: int) -> list[int]:
    shown = min(count, MAX_X_LABELS)
    if shown <= 1:
        return [0] if count else []
    return sorted({round(n * (count - 1) / (shown - 1)) for n in range(shown)})


def _runs(points):
    run = []
    for point in points:
        if point is None:
            if run:
                yield run
            run = []
        else:
            run.append(point)
    if run:
        yield run


def _describe(series: Sequence[Series], labels: Sequence[str], y_format) -> str:
    span = f"{labels[0]} to {labels[-1]}" if len(labels) > 1 else labels[0]
    facts = []
    for one in series:
        known = [v for v in one.values if v is not None]
        if known:
            facts.append(f"{one.name}: lowest {y_format(min(known))}, highest {y_format(max(known))}, latest {y_format(known[-1])}")
    return f"{span}. " + "; ".join(facts) + "."


def _svg(title: str, description: str, width: int, height: int, parts: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>" + "".join(parts) + "</svg>"
    )


def _empty(title: str, width: int, height: int) -> Markup:
    return _svg(title, "No data for this period.", width, height, [
        f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" font-size="13" fill="#5f6b7a">No data for this period</text>'
    ])
