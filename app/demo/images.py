"""Placeholder product images for the demo store: the data set has none.

Each product gets a small SVG whose colours and shape come from a hash of its
id (so the same product always looks the same, and neighbours look different)
with the first words of its title written on it. Titles are catalog data:
they are XML-escaped, never spliced in raw.
"""
from __future__ import annotations

import hashlib
import re
from xml.sax.saxutils import escape

SIZE = 400
WORDS = 3
MAX_LINE_CHARS = 16
# Characters XML 1.0 does not allow at all (escaping cannot save them).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def placeholder_svg(external_id: str, title: str) -> str:
    digest = hashlib.sha256(external_id.encode("utf-8")).digest()
    hue = digest[0] * 360 // 256
    accent_hue = (hue + 90 + digest[1] % 180) % 360
    background = f"hsl({hue},55%,88%)"
    accent = f"hsl({accent_hue},50%,62%)"
    ink = f"hsl({hue},45%,22%)"
    shape = _shape(digest, accent)
    lines = _caption_lines(title)
    first_y = 300 - (len(lines) - 1) * 17
    text = "".join(
        f'<text x="200" y="{first_y + index * 34}" text-anchor="middle" font-family="Georgia, \'Times New Roman\', serif" '
        f'font-size="28" fill="{ink}">{escape(line)}</text>'
        for index, line in enumerate(lines)
    )
    label = escape(_clean(title).strip() or external_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}" role="img">'
        f"<title>{label}</title>"
        f'<rect width="{SIZE}" height="{SIZE}" fill="{background}"/>'
        f"{shape}{text}</svg>"
    )


def _shape(digest: bytes, colour: str) -> str:
    kind = digest[2] % 4
    cx = 150 + digest[3] % 100
    cy = 120 + digest[4] % 50
    r = 60 + digest[5] % 40
    if kind == 0:
        return f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{colour}"/>'
    if kind == 1:
        return f'<rect x="{cx - r}" y="{cy - r}" width="{2 * r}" height="{2 * r}" rx="{digest[6] % 30}" fill="{colour}"/>'
    if kind == 2:
        return f'<polygon points="{cx},{cy - r} {cx + r},{cy + r} {cx - r},{cy + r}" fill="{colour}"/>'
    return f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{colour}" stroke-width="{18 + digest[6] % 14}"/>'


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def _caption_lines(title: str) -> list[str]:
    """The first few words of the title, on one or two short lines."""
    words = _clean(title).split()[:WORDS]
    lines: list[str] = []
    for word in words:
        word = word if len(word) <= MAX_LINE_CHARS else word[: MAX_LINE_CHARS - 1] + "\u2026"
        if lines and len(lines[-1]) + 1 + len(word) <= MAX_LINE_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines[:2]
