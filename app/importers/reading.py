"""Reading CSV and JSON Lines files into dicts that remember their line numbers."""
from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("csv", "jsonl")


class ImportFileError(Exception):
    """The file as a whole cannot be read (missing, unknown format, wrong columns)."""


@dataclass
class Row:
    line: int
    data: dict | None
    error: str | None = None


def detect_format(path: Path, explicit: str | None = None) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise ImportFileError(f"unknown format {explicit!r}; use one of {', '.join(FORMATS)}")
        return explicit
    suffixes = [suffix.lower() for suffix in path.suffixes if suffix.lower() != ".gz"]
    last = suffixes[-1] if suffixes else ""
    if last == ".csv":
        return "csv"
    if last in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise ImportFileError(f"{path}: cannot tell the format from the name; pass --format csv or --format jsonl")


def read_rows(path: Path, file_format: str, required_columns: tuple[str, ...] = ()) -> Iterator[Row]:
    if not path.exists():
        raise ImportFileError(f"{path}: no such file")
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        if file_format == "csv":
            yield from _csv_rows(handle, path, required_columns)
        else:
            yield from _jsonl_rows(handle)


def _csv_rows(handle: io.TextIOBase, path: Path, required_columns: tuple[str, ...]) -> Iterator[Row]:
    reader = csv.DictReader(handle)
    columns = reader.fieldnames or []
    missing = [column for column in required_columns if column not in columns]
    if missing:
        raise ImportFileError(f"{path}: missing column(s) {', '.join(missing)} in the header line")
    line = 1
    for record in reader:
        line_start = line + 1
        line = reader.line_num
        if None in record:
            yield Row(line_start, None, "more fields than the header has")
            continue
        # Empty cells mean "not given", as in JSON a missing key would.
        yield Row(line_start, {key: value for key, value in record.items() if value not in ("", None)})


def _jsonl_rows(handle: io.TextIOBase) -> Iterator[Row]:
    for number, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except ValueError as exc:
            yield Row(number, None, f"not valid JSON: {exc}")
            continue
        if not isinstance(data, dict):
            yield Row(number, None, "each line must be a JSON object")
            continue
        yield Row(number, data)
