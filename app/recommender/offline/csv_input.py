"""Reading the CSVs of ``flask evaluate``: interactions (with optional kind and quantity), item and user features."""
from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from app.recommender.serving.tokens import Buckets, prefixed_tokens, title_tokens
from app.recommender.training.features import Interactions

INTERACTION_COLUMNS = ("user_id", "item_id", "timestamp")
TEXT_COLUMNS = {"title", "name", "description"}
# Column names that map onto the shared token prefixes of features.py.
PREFIX_ALIASES = {
    "category": "category",
    "categories": "category",
    "product_type": "category",
    "vendor": "vendor",
    "brand": "vendor",
    "tags": "tag",
    "tag": "tag",
}
PRICE_BUCKETS = 8


class InputError(ValueError):
    """A problem with an input file, worded for the person who passed it."""


def _open_text(path: Path):
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    raw = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


def _read_csv(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        missing = [name for name in required if name not in header]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)} (header: {','.join(header) or 'empty'})")
        return header, [row for row in reader if row]


def parse_timestamp(value: str) -> float:
    """UNIX seconds, or ISO-8601 (naive times are UTC)."""
    try:
        return float(value)
    except ValueError:
        pass
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def read_interactions(path: Path) -> Interactions:
    """``user_id,item_id,timestamp[,weight][,kind][,quantity]`` rows (see :func:`read_log`)."""
    return read_log(path)[0]


def read_log(path: Path) -> tuple[Interactions, Interactions]:
    """The interactions and, among them, the purchases (quantities as weights).

    ``kind`` (optional): the event kind; rows of kind ``purchase`` are the
    purchases. Without the column every row is a purchase (an order log, as
    the shared data sets are). ``quantity`` (optional, default 1): units bought.
    """
    header, rows = _read_csv(path, INTERACTION_COLUMNS)
    user, item, stamp = (header.index(name) for name in INTERACTION_COLUMNS)
    weight, kind, quantity = (header.index(name) if name in header else None for name in ("weight", "kind", "quantity"))
    users, items, weights, stamps, bought, quantities = [], [], [], [], [], []
    for line, row in enumerate(rows, start=2):
        try:
            stamps.append(parse_timestamp(row[stamp]))
            weights.append(float(row[weight]) if weight is not None and row[weight] != "" else 1.0)
            quantities.append(float(row[quantity]) if quantity is not None and row[quantity] != "" else 1.0)
            bought.append(kind is None or row[kind].strip() == "purchase")
        except (ValueError, IndexError):
            raise InputError(f"{path}: line {line}: bad timestamp, weight or quantity in {','.join(row)!r}") from None
        users.append(row[user])
        items.append(row[item])
    if not users:
        raise InputError(f"{path}: no interactions")
    as_object = lambda values: np.array(values, dtype=object)  # noqa: E731
    interactions = Interactions(as_object(users), as_object(items), np.array(weights), np.array(stamps))
    purchases = Interactions(interactions.user_ids, interactions.item_ids, np.array(quantities), interactions.timestamps)
    return interactions, purchases.subset(np.array(bought, dtype=bool))


def read_features(path: Path, id_column: str) -> dict[str, list[str]]:
    """``id,`` then feature columns -> ``{id: tokens}``.

    Columns named title/name/description give ``word:`` tokens; numeric
    columns give quantile-bucket tokens (``price:3``); any other column gives
    ``column:value`` per ``|``-separated value (category/product_type,
    vendor/brand and tags use the shared ``category:``, ``vendor:``, ``tag:``).
    """
    header, rows = _read_csv(path, (id_column,))
    key = header.index(id_column)
    columns = [(i, name) for i, name in enumerate(header) if i != key]
    tokenizers: list[tuple[int, Callable[[str], list[str]]]] = []
    for i, name in columns:
        values = [row[i] for row in rows if i < len(row) and row[i] != ""]
        if name.lower() in TEXT_COLUMNS:
            tokenizers.append((i, title_tokens))
        elif values and all(_is_number(value) for value in values):
            buckets = Buckets.fit((float(v) for v in values), PRICE_BUCKETS, prefix=name.lower())
            tokenizers.append((i, lambda value, b=buckets: b.token(float(value)) if _is_number(value) else []))
        else:
            prefix = PREFIX_ALIASES.get(name.lower(), name.lower())
            tokenizers.append((i, lambda value, p=prefix: prefixed_tokens(p, value.split("|"))))
    features: dict[str, list[str]] = {}
    for row in rows:
        tokens = features.setdefault(row[key], [])
        for i, tokenize in tokenizers:
            if i < len(row) and row[i] != "":
                tokens.extend(t for t in tokenize(row[i]) if t not in tokens)
    return features


def _is_number(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False
