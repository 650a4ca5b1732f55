"""Turn the shared public data sets into the three CSVs of ``flask evaluate``.

    python -m app.recommender.offline.datasets OUT_DIR [--source ../shared/datasets] [--only online-retail|movielens]

writes ``OUT_DIR/online-retail/{interactions,items,users}.csv`` and
``OUT_DIR/movielens-100k/...``. The data sets stay outside the repository
(MovieLens may not be redistributed); only the converters live here.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import math
import re
import statistics
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

# The project sits next to ../shared (this file is app/recommender/offline/datasets.py in it).
DEFAULT_SOURCE = Path(__file__).resolve().parents[4] / "shared" / "datasets"
ONLINE_RETAIL = Path("uci-online-retail/online_retail_by_day_concat.csv.gz")
MOVIELENS = Path("movielens-100k")
# Real products have a five-digit stock code, optionally with a variant letter
# (85123A); POST, D, M, DOT, BANK CHARGES, AMAZONFEE, gift_0001_10 ... are not.
PRODUCT_CODE = re.compile(r"^\d{5}[A-Za-z]{0,2}$")
MOVIELENS_MIN_RATING = 4  # LightFM paper: ratings of 4 and 5 are positives


def convert_online_retail(source: Path, out_dir: Path, weight: str = "one") -> dict:
    """Customer x stock code from valid invoice lines.

    Dropped: cancellations (invoice ``C...``), quantity or price <= 0, guest
    lines (no CustomerID), non-product stock codes. One interaction per
    invoice line, timestamp = invoice time; ``weight`` "one" (each line
    counts 1, so repeat purchases add up) or "quantity" (log1p of quantity);
    ``quantity``: units bought (the repeat-purchase model normalises
    intervals by it). Every row is a purchase (no ``kind`` column).
    Items: the most frequent description (title words) and the median unit
    price; users: country.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    descriptions: dict[str, Counter] = defaultdict(Counter)
    prices: dict[str, list[float]] = defaultdict(list)
    countries: dict[str, Counter] = defaultdict(Counter)
    kept = 0
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle, open(
        out_dir / "interactions.csv", "w", newline="", encoding="utf-8"
    ) as out:
        writer = csv.writer(out)
        writer.writerow(["user_id", "item_id", "timestamp", "weight", "quantity"])
        for row in csv.DictReader(handle):
            invoice, code, customer = row["InvoiceNo"], row["StockCode"].strip(), row["CustomerID"].strip()
            try:
                quantity, price = float(row["Quantity"]), float(row["UnitPrice"])
            except ValueError:
                continue
            if invoice.startswith("C") or quantity <= 0 or price <= 0 or not customer or not PRODUCT_CODE.match(code):
                continue
            code = code.upper()
            customer = customer.removesuffix(".0")
            moment = datetime.fromisoformat(row["InvoiceDate"]).replace(tzinfo=UTC)
            value = 1.0 if weight == "one" else round(math.log1p(quantity), 4)
            writer.writerow([customer, code, int(moment.timestamp()), value, int(quantity)])
            if row["Description"].strip():
                descriptions[code][row["Description"].strip()] += 1
            prices[code].append(price)
            countries[customer][row["Country"]] += 1
            kept += 1
    with open(out_dir / "items.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["item_id", "title", "price"])
        for code in sorted(prices):
            title = descriptions[code].most_common(1)[0][0] if descriptions[code] else ""
            writer.writerow([code, title, round(statistics.median(prices[code]), 2)])
    with open(out_dir / "users.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["user_id", "country"])
        for customer in sorted(countries):
            writer.writerow([customer, countries[customer].most_common(1)[0][0]])
    return {"interactions": kept, "items": len(prices), "users": len(countries)}


def _age_bucket(age: int) -> str:
    for upper, label in ((18, "under-18"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (50, "45-49"), (56, "50-55")):
        if age < upper:
            return label
    return "56+"


def convert_movielens(source: Path, out_dir: Path, min_rating: int = MOVIELENS_MIN_RATING) -> dict:
    """Ratings >= ``min_rating`` of ``u.data`` as positives (the LightFM paper's setup), with their timestamps.

    Items: genres (from the ``u.item`` flags, names from ``u.genre``) and
    title words (the year in parentheses dropped); users: age bucket
    (MovieLens 1M's bands), gender, occupation. ``u.item`` is Latin-1.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    genres = [line.split("|")[0] for line in (source / "u.genre").read_text(encoding="latin-1").splitlines() if line.strip()]
    kept = 0
    with open(source / "u.data", encoding="latin-1") as handle, open(out_dir / "interactions.csv", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["user_id", "item_id", "timestamp"])
        for line in handle:
            user, item, rating, stamp = line.split("\t")
            if int(rating) >= min_rating:
                writer.writerow([user, item, stamp.strip()])
                kept += 1
    with open(source / "u.item", encoding="latin-1") as handle, open(out_dir / "items.csv", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["item_id", "title", "genres"])
        for line in handle:
            fields = line.rstrip("\n").split("|")
            flags = fields[5:]
            title = re.sub(r"\(\d{4}\)\s*$", "", fields[1]).strip()
            writer.writerow([fields[0], title, "|".join(g for g, flag in zip(genres, flags) if flag == "1")])
    with open(source / "u.user", encoding="latin-1") as handle, open(out_dir / "users.csv", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["user_id", "age", "gender", "occupation"])
        for line in handle:
            user, age, gender, occupation, _zip = line.rstrip("\n").split("|")
            writer.writerow([user, _age_bucket(int(age)), gender, occupation])
    return {"interactions": kept}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--only", choices=["online-retail", "movielens"])
    parser.add_argument("--retail-weight", choices=["one", "quantity"], default="one")
    args = parser.parse_args(argv)
    if args.only in (None, "online-retail"):
        counts = convert_online_retail(args.source / ONLINE_RETAIL, args.out_dir / "online-retail", args.retail_weight)
        print(f"online-retail: {counts}", file=sys.stderr)
    if args.only in (None, "movielens"):
        counts = convert_movielens(args.source / MOVIELENS, args.out_dir / "movielens-100k")
        print(f"movielens-100k: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
