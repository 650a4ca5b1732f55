"""Build the demo store's data files from UCI Online Retail.

    .venv/bin/python -m app.demo.make_slice [--source PATH]

Reads the full data set (541,909 invoice lines; see ATTRIBUTION.md in
app/demo/data for its origin and licence), cleans it, and writes

    app/demo/data/products.csv.gz   (the import-products CSV format)
    app/demo/data/orders.csv.gz     (the import-orders CSV format)

Standard library only, and deterministic: the same source gives byte-identical
files (fixed row order, gzip level 9 with mtime 0 and no file name).

Both files together must stay within SIZE_BUDGET bytes so that they can ship in
the repository. When the whole cleaned history does not fit, a subset of whole
customers is kept: a customer is in when the SHA-256 of their customer number
falls in the first ``keep`` of 1,000 buckets, and a guest invoice (no customer
number) is in by the same rule applied to its invoice number. Every kept
customer therefore keeps their complete history. ``keep`` is the largest
value whose files fit the budget.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import re
import sys
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "datasets" / "uci-online-retail" / "online_retail_by_day_concat.csv.gz"
DATA_DIR = Path(__file__).resolve().parent / "data"
PRODUCTS_FILE = DATA_DIR / "products.csv.gz"
ORDERS_FILE = DATA_DIR / "orders.csv.gz"

SOURCE_COLUMNS = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
PRODUCT_COLUMNS = ["external_id", "title", "url", "image_url", "price", "currency", "tags", "in_stock"]
ORDER_COLUMNS = ["order_id", "customer_id", "placed_at", "currency", "product_id", "quantity", "price", "country"]

CURRENCY = "GBP"
# Both files together, compressed. The hard limit is 3,000,000 bytes; a little
# headroom keeps a future tweak of the cleaning from tipping it over.
SIZE_LIMIT = 3_000_000
SIZE_BUDGET = 2_950_000
BUCKETS = 1000

# Postage, carriage, fees, manual adjustments, samples: not things a shopper buys.
NON_PRODUCT_CODES = {"POST", "D", "M", "C2", "DOT", "BANK CHARGES", "AMAZONFEE", "CRUK", "PADS", "S", "B"}
# Gift vouchers (GIFT_0001_10 ... _50) are money, not merchandise.
NON_PRODUCT_PREFIXES = ("GIFT_",)

# Every Country value in the data, to ISO 3166-1 alpha-2. "Channel Islands"
# has no single code (Jersey JE and Guernsey GG are separate); JE stands in
# for both. "European Community" and "Unspecified" name no country: empty.
COUNTRY_CODES = {
    "Australia": "AU",
    "Austria": "AT",
    "Bahrain": "BH",
    "Belgium": "BE",
    "Brazil": "BR",
    "Canada": "CA",
    "Channel Islands": "JE",
    "Cyprus": "CY",
    "Czech Republic": "CZ",
    "Denmark": "DK",
    "EIRE": "IE",
    "European Community": "",
    "Finland": "FI",
    "France": "FR",
    "Germany": "DE",
    "Greece": "GR",
    "Hong Kong": "HK",
    "Iceland": "IS",
    "Israel": "IL",
    "Italy": "IT",
    "Japan": "JP",
    "Lebanon": "LB",
    "Lithuania": "LT",
    "Malta": "MT",
    "Netherlands": "NL",
    "Norway": "NO",
    "Poland": "PL",
    "Portugal": "PT",
    "RSA": "ZA",
    "Saudi Arabia": "SA",
    "Singapore": "SG",
    "Spain": "ES",
    "Sweden": "SE",
    "Switzerland": "CH",
    "USA": "US",
    "United Arab Emirates": "AE",
    "United Kingdom": "GB",
    "Unspecified": "",
}

CENT = Decimal("0.01")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
_SMALL_WORDS = {"a", "an", "and", "of", "the", "in", "on", "with", "for", "to", "or"}


class SliceError(Exception):
    pass


@dataclass
class Line:
    product_id: str
    quantity: int
    amount: Decimal  # sum of quantity * unit price, for the merged line's price
    unit_prices: set[Decimal] = field(default_factory=set)


@dataclass
class Invoice:
    order_id: str
    customer_id: str
    placed_at: str
    country: str
    lines: dict[str, Line] = field(default_factory=dict)


@dataclass
class Cleaned:
    invoices: dict[str, Invoice]
    titles: dict[str, str]
    prices: dict[str, str]
    stats: Counter


def title_case(description: str) -> str:
    """'WHITE HANGING HEART T-LIGHT HOLDER' -> 'White Hanging Heart T-Light Holder'."""
    text = " ".join(description.split())
    first = True

    def fix(match: re.Match) -> str:
        nonlocal first
        word = match.group(0).lower()
        start = match.start()
        if start >= 2 and text[start - 1] == "'" and text[start - 2].isalnum():
            return word  # the "s" of "50's"
        keep_small = not first and word in _SMALL_WORDS
        first = False
        return word if keep_small else word[0].upper() + word[1:]

    return _WORD.sub(fix, text)


def is_product_code(code: str) -> bool:
    if code in NON_PRODUCT_CODES or code.startswith(NON_PRODUCT_PREFIXES):
        return False
    return any(char.isdigit() for char in code)


def bucket(value: str) -> int:
    return int(hashlib.sha256(value.encode("utf-8")).hexdigest()[:8], 16) % BUCKETS


def read_source(path: Path):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != SOURCE_COLUMNS:
            raise SliceError(f"{path}: unexpected header {header!r}; expected {','.join(SOURCE_COLUMNS)}")
        yield from reader


def clean(path: Path) -> Cleaned:
    stats: Counter = Counter()
    seen_rows: set[tuple[str, ...]] = set()
    invoices: dict[str, Invoice] = {}
    descriptions: dict[str, Counter] = defaultdict(Counter)
    latest_price: dict[str, tuple[str, str]] = {}  # code -> (placed_at, price)
    invoice_times: dict[str, set[str]] = defaultdict(set)

    for row in read_source(path):
        stats["source rows"] += 1
        if len(row) != len(SOURCE_COLUMNS):
            raise SliceError(f"{path}: a row with {len(row)} fields: {row!r}")
        key = tuple(row)
        if key in seen_rows:
            stats["dropped: exact duplicate"] += 1
            continue
        seen_rows.add(key)
        invoice_no, code, description, quantity, date, unit_price, customer, country = row
        invoice_no, code, description = invoice_no.strip(), code.strip().upper(), description.strip()
        if invoice_no.startswith("C"):
            stats["dropped: cancellation"] += 1
            continue
        if int(quantity) <= 0:
            stats["dropped: quantity <= 0"] += 1
            continue
        price = Decimal(unit_price)
        if price <= 0:
            stats["dropped: unit price <= 0"] += 1
            continue
        if not description:
            stats["dropped: empty description"] += 1
            continue
        if not is_product_code(code):
            stats["dropped: non-product stock code"] += 1
            continue
        if country not in COUNTRY_CODES:
            raise SliceError(f"{path}: no ISO code known for country {country!r}; add it to COUNTRY_CODES")
        stats["kept rows"] += 1

        placed_at = date.replace(" ", "T") + "Z"  # UK local time in the data, taken as UTC
        customer_id = str(int(float(customer))) if customer.strip() else ""
        invoice = invoices.get(invoice_no)
        invoice_times[invoice_no].add(placed_at)
        if invoice is None:
            invoice = invoices[invoice_no] = Invoice(invoice_no, customer_id, placed_at, COUNTRY_CODES[country])
        else:
            # A few invoices span two minutes: the order is placed at the first.
            invoice.placed_at = min(invoice.placed_at, placed_at)
        line = invoice.lines.get(code)
        if line is None:
            invoice.lines[code] = Line(code, int(quantity), int(quantity) * price, {price})
        else:
            stats["merged: same stock code twice in an invoice"] += 1
            if price not in line.unit_prices:
                stats["merged: ... at a different unit price"] += 1
            line.quantity += int(quantity)
            line.amount += int(quantity) * price
            line.unit_prices.add(price)

        descriptions[code][description] += 1
        previous = latest_price.get(code)
        if previous is None or placed_at >= previous[0]:
            latest_price[code] = (placed_at, str(price.quantize(CENT, ROUND_HALF_UP)))

    stats["note: invoices spanning two times"] = sum(
        1 for invoice_no in invoice_times if len(invoice_times[invoice_no]) > 1
    )
    titles = {
        code: title_case(min(counts.items(), key=lambda item: (-item[1], item[0]))[0])
        for code, counts in descriptions.items()
    }
    prices = {code: price for code, (_, price) in latest_price.items()}
    return Cleaned(invoices, titles, prices, stats)


def select_invoices(invoices: dict[str, Invoice], keep: int) -> list[Invoice]:
    chosen = [
        invoice
        for invoice in invoices.values()
        if bucket(invoice.customer_id or invoice.order_id) < keep
    ]
    chosen.sort(key=lambda invoice: (invoice.placed_at, invoice.order_id))
    return chosen


def gzip_csv(columns: list[str], rows) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return gzip.compress(text.getvalue().encode("utf-8"), compresslevel=9, mtime=0)


def order_rows(invoices: list[Invoice]):
    for invoice in invoices:
        for code in sorted(invoice.lines):
            line = invoice.lines[code]
            price = (line.amount / line.quantity).quantize(CENT, ROUND_HALF_UP)
            yield [invoice.order_id, invoice.customer_id, invoice.placed_at, CURRENCY, code, line.quantity, price, invoice.country]


def product_rows(codes: list[str], titles: dict[str, str], prices: dict[str, str]):
    for code in codes:
        quoted = urllib.parse.quote(code, safe="")
        yield [code, titles[code], f"/store/products/{quoted}", f"/store/images/{quoted}.svg", prices[code], CURRENCY, "", "true"]


@dataclass
class Slice:
    keep: int
    invoices: list[Invoice]
    products: bytes
    orders: bytes

    @property
    def size(self) -> int:
        return len(self.products) + len(self.orders)


def build(cleaned: Cleaned, keep: int) -> Slice:
    invoices = select_invoices(cleaned.invoices, keep)
    codes = sorted({code for invoice in invoices for code in invoice.lines})
    return Slice(
        keep,
        invoices,
        gzip_csv(PRODUCT_COLUMNS, product_rows(codes, cleaned.titles, cleaned.prices)),
        gzip_csv(ORDER_COLUMNS, order_rows(invoices)),
    )


def largest_fitting_slice(cleaned: Cleaned, budget: int) -> Slice:
    whole = build(cleaned, BUCKETS)
    if whole.size <= budget:
        return whole
    low, high = 0, BUCKETS  # build(low) fits (or low == 0), build(high) does not
    best = None
    while high - low > 1:
        middle = (low + high) // 2
        candidate = build(cleaned, middle)
        if candidate.size <= budget:
            low, best = middle, candidate
        else:
            high = middle
    if best is None:
        raise SliceError("not even a 1/1000 slice fits the size budget")
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.demo.make_slice", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help=f"the UCI Online Retail CSV (.gz); default {DEFAULT_SOURCE}")
    args = parser.parse_args(argv)
    source: Path = args.source
    if not source.is_file():
        print(
            f"error: source data set not found at {source}\n"
            "Pass --source PATH to online_retail_by_day_concat.csv.gz (UCI Online Retail, 541,909 rows).",
            file=sys.stderr,
        )
        return 2
    try:
        cleaned = clean(source)
        result = largest_fitting_slice(cleaned, SIZE_BUDGET)
    except SliceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    PRODUCTS_FILE.write_bytes(result.products)
    ORDERS_FILE.write_bytes(result.orders)

    for name, count in sorted(cleaned.stats.items()):
        print(f"{name}: {count:,}")
    customers = {invoice.customer_id for invoice in result.invoices if invoice.customer_id}
    guest_orders = sum(1 for invoice in result.invoices if not invoice.customer_id)
    lines = sum(len(invoice.lines) for invoice in result.invoices)
    products = len({code for invoice in result.invoices for code in invoice.lines})
    print(f"cleaned: {len(cleaned.invoices):,} orders, {len({i.customer_id for i in cleaned.invoices.values() if i.customer_id}):,} customers")
    print(f"subset rule: sha256(customer id, or invoice number for guests)[:8] as int % {BUCKETS} < {result.keep}")
    print(f"orders.csv.gz: {lines:,} rows, {len(result.invoices):,} orders ({guest_orders:,} guest), {len(customers):,} customers")
    print(f"products.csv.gz: {products:,} products")
    print(f"bytes: products {len(result.products):,} + orders {len(result.orders):,} = {result.size:,} (limit {SIZE_LIMIT:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
