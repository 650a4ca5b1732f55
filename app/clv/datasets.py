"""Turn the shared public purchase data sets into ``import-orders`` CSV files for ``flask evaluate-clv``.

    python -m app.clv.datasets OUT_DIR [--source ../shared/datasets] [--only cdnow|cdnow-master|online-retail]

writes ``OUT_DIR/cdnow-sample-orders.csv`` (and the others). The data sets
stay outside the repository; only the converters live here. Columns:
``order_id,customer_id,placed_at,currency,product_id,quantity,price,total``,
one row per order line.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import re
import sys
from collections import defaultdict
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

CDNOW_SAMPLE = Path("cdnow/CDNOW_sample.txt")
CDNOW_MASTER = Path("cdnow/CDNOW_master.txt.gz")
ONLINE_RETAIL = Path("uci-online-retail/online_retail_by_day_concat.csv.gz")
COLUMNS = ["order_id", "customer_id", "placed_at", "currency", "product_id", "quantity", "price", "total"]
# Real products: a five-digit stock code, optionally with a variant letter (85123A);
# POST, D, M, DOT, BANK CHARGES, AMAZONFEE ... are fees and adjustments, not merchandise.
PRODUCT_CODE = re.compile(r"^\d{5}[A-Za-z]{0,2}$")
CENT = Decimal("0.01")


def convert_cdnow(source: Path, out_path: Path) -> dict:
    """One order per purchase line: the CDs bought as one line, the dollar value as the order total.

    Sample lines: ``customer sample_id YYYYMMDD cds dollars``; master lines
    (after a header): ``customer YYYYMMDD cds dollars``. Dates are days; the
    order time is midnight UTC, so the UTC calendar day is the purchase day.
    """
    out_path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if source.suffix == ".gz" else open
    orders, customers = 0, set()
    with opener(source, "rt", encoding="utf-8") as handle, open(out_path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for number, line in enumerate(handle, start=1):
            fields = line.split()
            if not fields or not fields[0].isdigit():
                continue  # the master file's header
            customer, day, cds, dollars = (fields[0], *fields[-3:])
            quantity = max(int(cds), 1)
            total = Decimal(dollars).quantize(CENT)
            price = (total / quantity).quantize(CENT, rounding=ROUND_HALF_UP)
            placed_at = datetime.strptime(day, "%Y%m%d").replace(tzinfo=UTC).isoformat()
            writer.writerow([f"{customer}-{number}", customer, placed_at, "USD", "CD", quantity, price, total])
            orders += 1
            customers.add(customer)
    return {"orders": orders, "customers": len(customers)}


def convert_online_retail(source: Path, out_path: Path) -> dict:
    """Invoices of known customers as orders, merchandise lines only.

    Dropped: cancellations (invoice ``C...``), lines with quantity or price
    <= 0, guest lines (no CustomerID), fee and adjustment codes (postage,
    manual, discount, bank charges), and exact duplicate rows (5,268 in the
    source, double-counted revenue otherwise). Times are read as UTC (the
    shop is in the UK; British Summer Time moves only purchases after 23:00).
    """
    out_path.parent.mkdir(parents=True, exist_ok=True)
    seen_rows: set[tuple] = set()
    invoices: dict[str, list] = defaultdict(list)
    header: dict[str, tuple[str, str]] = {}
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = tuple(row.values())
            if key in seen_rows:
                continue
            seen_rows.add(key)
            invoice, code, customer = row["InvoiceNo"], row["StockCode"].strip().upper(), row["CustomerID"].strip()
            try:
                quantity, price = int(row["Quantity"]), Decimal(row["UnitPrice"])
            except (ValueError, ArithmeticError):
                continue
            if invoice.startswith("C") or quantity <= 0 or price <= 0 or not customer or not PRODUCT_CODE.match(code):
                continue
            placed_at = datetime.fromisoformat(row["InvoiceDate"]).replace(tzinfo=UTC).isoformat()
            header.setdefault(invoice, (customer.removesuffix(".0"), placed_at))
            invoices[invoice].append((code, quantity, price.quantize(CENT, rounding=ROUND_HALF_UP)))
    with open(out_path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for invoice, lines in invoices.items():
            customer, placed_at = header[invoice]
            for code, quantity, price in lines:
                writer.writerow([invoice, customer, placed_at, "GBP", code, quantity, price, ""])
    return {"orders": len(invoices), "customers": len({customer for customer, _ in header.values()}),
            "lines": sum(len(lines) for lines in invoices.values())}


CONVERTERS = {
    "cdnow": (convert_cdnow, CDNOW_SAMPLE, "cdnow-sample-orders.csv"),
    "cdnow-master": (convert_cdnow, CDNOW_MASTER, "cdnow-master-orders.csv"),
    "online-retail": (convert_online_retail, ONLINE_RETAIL, "online-retail-orders.csv"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "datasets")
    parser.add_argument("--only", choices=sorted(CONVERTERS))
    args = parser.parse_args(argv)
    for name, (convert, relative, filename) in CONVERTERS.items():
        if args.only and name != args.only:
            continue
        source = args.source / relative
        if not source.exists():
            print(f"{name}: {source} not found, skipped", file=sys.stderr)
            continue
        counts = convert(source, args.out_dir / filename)
        print(f"{name}: {args.out_dir / filename} {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
