"""The catalog as the recommender serves it: columns aligned with the model's item index, in memory.

Filtering a slider's candidates (in stock, excluded, boosted) and rendering
them used to load ~120 product rows per request. Here a shop's catalog is read
once per (catalog version, model version) into columns where position ``i`` is
the model's item ``i``; products the model has not seen (newer than it) follow.
A model item no longer in the catalog has ``exists[i] == False``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalog.links import web_link_or_none
from app.models import Product


@dataclass(frozen=True)
class CatalogItem:
    """One product, read from the columns; shaped like a Product row for the code that filters and renders."""

    external_id: str
    title: str
    url: str | None
    image_url: str | None
    price: str | None  # as served: the decimal's text
    currency: str | None
    vendor: str | None
    category: str | None
    tags: tuple
    in_stock: bool


@dataclass
class CatalogArrays:
    """``url`` and ``image`` hold only links a page may use (catalog/links.py): checked once, at load."""

    ids: list[str]
    index: dict[str, int]
    exists: np.ndarray  # bool
    in_stock: np.ndarray  # bool
    price: np.ndarray  # float64, NaN when unknown
    price_text: list[str | None]
    currency: list[str | None]
    title: list[str]
    url: list[str | None]
    image: list[str | None]
    vendor: list[str | None]
    category: list[str | None]
    tags: list[tuple]

    def __len__(self) -> int:
        return len(self.ids)

    def product(self, external_id: str) -> CatalogItem | None:
        """The product by the merchant's id; None when the catalog has no such product."""
        i = self.index.get(external_id)
        if i is None or not self.exists[i]:
            return None
        return CatalogItem(
            external_id=external_id, title=self.title[i], url=self.url[i], image_url=self.image[i],
            price=self.price_text[i], currency=self.currency[i], vendor=self.vendor[i], category=self.category[i],
            tags=self.tags[i], in_stock=bool(self.in_stock[i]),
        )

    def nbytes(self) -> int:
        """Rough memory held, for docs/scaling.md: arrays plus the Python strings and list slots."""
        strings = sum(
            sum(len(value) + 49 for value in column if value is not None) + 8 * len(column)
            for column in (self.ids, self.price_text, self.currency, self.title, self.url, self.image, self.vendor, self.category)
        )
        tags = sum(56 + 8 * len(values) + sum(len(tag) + 49 for tag in values) for values in self.tags)
        index = 100 * len(self.index)  # dict slot and hash per key
        return int(self.exists.nbytes + self.in_stock.nbytes + self.price.nbytes + strings + tags + index)


_COLUMNS = (
    Product.external_id, Product.title, Product.url, Product.image_url, Product.price, Product.currency,
    Product.vendor, Product.category, Product.tags, Product.in_stock,
)


def load_catalog(session: Session, shop_id: int, model_item_ids: list | tuple = ()) -> CatalogArrays:
    """The shop's products as columns, the model's items first and in its order."""
    rows = {row[0]: row for row in session.execute(select(*_COLUMNS).where(Product.shop_id == shop_id))}
    ids = [str(item) for item in model_item_ids]
    known = set(ids)
    ids += [external_id for external_id in rows if external_id not in known]
    size = len(ids)
    exists = np.zeros(size, bool)
    in_stock = np.zeros(size, bool)
    price = np.full(size, np.nan)
    price_text: list[str | None] = [None] * size
    currency: list[str | None] = [None] * size
    title: list[str] = [""] * size
    url: list[str | None] = [None] * size
    image: list[str | None] = [None] * size
    vendor: list[str | None] = [None] * size
    category: list[str | None] = [None] * size
    tags: list[tuple] = [()] * size
    for i, external_id in enumerate(ids):
        row = rows.get(external_id)
        if row is None:
            continue
        _, title[i], stored_url, stored_image, amount, currency[i], vendor[i], category[i], row_tags, stocked = row
        # Refused on the way in since; a row stored before that (or by hand) is still never served as a link.
        url[i], image[i] = web_link_or_none(stored_url), web_link_or_none(stored_image)
        exists[i] = True
        in_stock[i] = bool(stocked)
        if amount is not None:
            price[i] = float(amount)
            price_text[i] = str(amount)
        tags[i] = tuple(row_tags or ())
    return CatalogArrays(
        ids=ids, index={external_id: i for i, external_id in enumerate(ids)}, exists=exists, in_stock=in_stock,
        price=price, price_text=price_text, currency=currency, title=title, url=url, image=image, vendor=vendor,
        category=category, tags=tags,
    )
