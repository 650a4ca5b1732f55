"""Imports show rows done, rows per second and time left on a terminal, and nothing but the label in a log."""
from __future__ import annotations

import io
import sys

from app.commands.progress import rate_text, row_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_shows_rows_done_and_the_rate(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    clock = Clock()
    with row_progress("import-orders orders.csv", 5000, clock=clock) as advance:
        clock.now += 2.0
        advance(1200)
        clock.now += 2.0
        advance(1200)
    drawn = terminal.getvalue()
    assert "import-orders orders.csv" in drawn
    assert "2400/5000" in drawn
    assert "600 rows/s" in drawn  # 2,400 rows in 4 s


def test_a_log_file_gets_the_label_once_and_no_redrawing(monkeypatch):
    log = io.StringIO()
    monkeypatch.setattr(sys, "stderr", log)
    with row_progress("import-events events.jsonl", 10) as advance:
        for _ in range(10):
            advance(1)
    assert log.getvalue().count("import-events events.jsonl") == 1
    assert "\r" not in log.getvalue()


def test_rate_needs_elapsed_time_and_rows():
    assert rate_text(0, 3.0) == ""
    assert rate_text(10, 0.0) == ""
    assert rate_text(12345, 1.0) == "12,345 rows/s"
