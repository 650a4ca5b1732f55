"""A terminal progress bar for long imports: rows done of all, rows per second, time left.

Click's bar draws only on a terminal (pipes and logs get the label once), so scripts and CI logs stay clean.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click


def rate_text(rows: int, seconds: float) -> str:
    """``12,345 rows/s`` once there is something to divide by."""
    if seconds <= 0 or rows <= 0:
        return ""
    return f"{rows / seconds:,.0f} rows/s"


@contextmanager
def row_progress(label: str, total: int, clock: Callable[[], float] = time.monotonic) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)`` for the importers' ``on_progress``; draws ``label [###---] 1200/5000 3,100 rows/s 00:01:12``."""
    started = clock()
    done = 0
    with click.progressbar(
        length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True,
        item_show_func=lambda rate: rate,
    ) as bar:
        def advance(rows: int) -> None:
            nonlocal done
            done += rows
            bar.update(rows, rate_text(done, clock() - started))

        yield advance
