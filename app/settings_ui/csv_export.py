"""CSV downloads a spreadsheet opens safely: UTF-8 with a byte-order mark, and no cell it would run as a formula."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text, never evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The header and the rows as CSV lines, every cell made safe; streamed, one line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells) -> str:
        writer.writerow([csv_safe(cell) for cell in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    # The byte-order mark makes Excel read the file as UTF-8 (accents in names, comments).
    yield "\ufeff" + line(header)
    for row in rows:
        yield line(row)
