"""The demo store: a small merchant website with our script tag installed.

It plays the merchant's side. Its catalog is the demo shop's catalog in our
database (a real merchant would have its own), but it never writes orders:
the thank-you page embeds the order JSON and the storefront script's purchase
event records it, as on any merchant's site.

Like a merchant's server, it signs the id of the customer who "signed in" at
checkout (customer_sig, app/identity_secrets.py) and renders it beside the id,
so the script's identify is verified and the shopper sees their own history.

The cart and a placed order live in Flask's signed session cookie. Forms carry
no CSRF token on purpose: this is a stand-in for the merchant's shop platform,
has no accounts, passwords or payments, and the worst a forged POST can do is
change a visitor's demo cart. (The merchant's settings UI, by contrast, protects
every form with a CSRF token.)
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urljoin

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy import func, select

from app import db, identity_secrets
from app.catalog.links import web_link_or_none
from app.decisions.layout import reservation_css, reserved_space
from app.demo.images import placeholder_svg
from app.demo.seed import DATA_DIR, demo_shop
from app.models import Order, OrderLine, Product
from app.secret_box import IDENTITY_SECRETS, box_for

blueprint = Blueprint(
    "demo_store", __name__, url_prefix="/store", template_folder="templates", static_folder="static"
)

PAGE_SIZE = 24
BESTSELLERS = 12
BESTSELLER_DAYS = 90
MAX_QUANTITY = 99
MAX_CART_LINES = 40  # the cart lives in a cookie, which holds about 4 KB
KEPT_ORDERS = 2
CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}
_CUSTOMER_NUMBER = re.compile(r"^[0-9]{1,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@blueprint.before_request
def _load_shop():
    if request.endpoint == "demo_store.static":
        return None
    shop = demo_shop(db.session())
    if shop is None:
        return Response(
            "The demo store has no shop yet.\n\nRun `flask --app wsgi demo` to create and seed it.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    g.demo_shop = shop
    return None


@blueprint.context_processor
def _template_helpers():
    shop = g.get("demo_shop")
    return {"shop": shop, "money": money, "cart_count": sum(_cart().values()), "customer_sig": customer_sig, "image_src_of": _image_src,
            "slot_css": _slot_css(shop)}


def customer_sig(customer_id: str) -> str:
    """What a merchant's server renders beside the signed-in customer's id: HMAC-SHA256 with the shop's identity secret."""
    secret = identity_secrets.current_secret(g.demo_shop, box_for(current_app, IDENTITY_SECRETS))
    return identity_secrets.sign(secret, customer_id) if secret else ""


def _slot_css(shop) -> str:
    """The widgets' reserved space, as the Install page tells merchants to put it in their theme's CSS.

    A real theme holds a copy; the demo renders it from the rules, so it follows every edit in the settings UI.
    """
    return reservation_css(reserved_space(db.session(), shop.id)) if shop is not None else ""


def money(amount, currency: str | None = None) -> str:
    if amount is None:
        return ""
    currency = currency or g.demo_shop.currency
    value = f"{Decimal(amount):,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{value}" if symbol else f"{value} {currency}"


# --- pages -------------------------------------------------------------------


@blueprint.get("/")
def home():
    return render_template("demo/home.html", bestsellers=_bestsellers(g.demo_shop.id))


@blueprint.get("/collections/all")
def collection():
    query = (request.args.get("q") or "").strip()[:100]
    page = request.args.get("page", default=1, type=int) or 1
    conditions = [Product.shop_id == g.demo_shop.id]
    if query:
        conditions.append(func.lower(Product.title).contains(query.lower(), autoescape=True))
    session_ = db.session()
    total = session_.scalar(select(func.count()).select_from(Product).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    products = session_.scalars(
        select(Product)
        .where(*conditions)
        .order_by(Product.title, Product.external_id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return render_template(
        "demo/collection.html", products=products, query=query, page=page, pages=pages, total=total
    )


@blueprint.get("/products/<external_id>")
def product(external_id: str):
    item = _product(external_id)
    if item is None:
        return render_template("demo/not_found.html", what="product"), 404
    product_json = {
        "id": item.external_id,
        "title": item.title,
        "price": float(item.price) if item.price is not None else None,
        "currency": item.currency or g.demo_shop.currency,
        "url": urljoin(request.url_root, web_link_or_none(item.url) or url_for(".product", external_id=item.external_id)),
        "image_url": urljoin(request.url_root, _image_src(item)),
    }
    return render_template(
        "demo/product.html", product=item, product_json=product_json, image_src=_image_src(item)
    )


@blueprint.get("/images/<external_id>.svg")
def image(external_id: str):
    item = _product(external_id)
    if item is None:
        abort(404)
    response = Response(placeholder_svg(item.external_id, item.title), content_type="image/svg+xml; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    # An SVG opened on its own is a document: it may not run or load anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.get("/attribution")
def attribution():
    text = (DATA_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    return render_template("demo/attribution.html", text=text)


# --- cart and checkout -------------------------------------------------------


@blueprint.get("/cart")
def cart():
    return _render_cart()


@blueprint.post("/cart/add")
def cart_add():
    item = _product((request.form.get("product_id") or "").strip())
    if item is None:
        return render_template("demo/not_found.html", what="product"), 404
    quantity = request.form.get("quantity", default=1, type=_int_or_none)
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        return render_template("demo/bad_request.html", message=f"Quantity must be a whole number from 1 to {MAX_QUANTITY}."), 400
    cart = _cart()
    if item.external_id not in cart and len(cart) >= MAX_CART_LINES:
        return render_template("demo/bad_request.html", message=f"The demo cart holds at most {MAX_CART_LINES} different products."), 400
    cart[item.external_id] = min(cart.get(item.external_id, 0) + quantity, MAX_QUANTITY)
    session["cart"] = cart
    return redirect(url_for(".cart"), code=303)


@blueprint.post("/cart/remove")
def cart_remove():
    cart = _cart()
    cart.pop((request.form.get("product_id") or "").strip(), None)
    session["cart"] = cart
    return redirect(url_for(".cart"), code=303)


@blueprint.post("/checkout")
def checkout():
    lines, total = _cart_lines()
    if not lines:
        return redirect(url_for(".cart"), code=303)
    customer = (request.form.get("customer") or "").strip()
    if customer and not (_CUSTOMER_NUMBER.match(customer) or (_EMAIL.match(customer) and len(customer) <= 128)):
        return _render_cart(error="Enter an email address or a customer number (such as 17850), or leave it empty.", status=400)
    customer_id = customer.lower() if customer else None
    order_id = "DEMO-" + secrets.token_hex(6)
    order = {
        "id": order_id,
        "total": float(total),
        "currency": g.demo_shop.currency,
        "lines": [
            {"product_id": item.external_id, "quantity": quantity, "price": float(item.price or 0)}
            for item, quantity in lines
        ],
    }
    if customer_id:
        order["customer_id"] = customer_id
        session["customer_id"] = customer_id  # "signed in" for the rest of the visit
    # Only the latest few orders stay, so the cookie stays small.
    orders = dict(list(session.get("orders", {}).items())[-(KEPT_ORDERS - 1):])
    orders[order_id] = order
    session["orders"] = orders
    session["cart"] = {}
    return redirect(url_for(".order", order_id=order_id), code=303)


@blueprint.get("/orders/<order_id>")
def order(order_id: str):
    placed = session.get("orders", {}).get(order_id)
    if placed is None:
        return render_template("demo/not_found.html", what="order"), 404
    titles = dict(
        db.session().execute(
            select(Product.external_id, Product.title).where(
                Product.shop_id == g.demo_shop.id,
                Product.external_id.in_([line["product_id"] for line in placed["lines"]]),
            )
        ).all()
    )
    if placed.get("customer_id"):
        placed = {**placed, "customer_sig": customer_sig(placed["customer_id"])}
    return render_template("demo/order.html", order=placed, titles=titles, customer_id=placed.get("customer_id"))


@blueprint.post("/sign-out")
def sign_out():
    session.pop("customer_id", None)
    return redirect(url_for(".home"), code=303)


# --- helpers -----------------------------------------------------------------


def _product(external_id: str) -> Product | None:
    if not external_id or len(external_id) > 128:
        return None
    return db.session().scalar(
        select(Product).where(Product.shop_id == g.demo_shop.id, Product.external_id == external_id)
    )


def _image_src(item: Product) -> str:
    """The catalog's image when a page may load it (http(s) or relative), else our placeholder."""
    return web_link_or_none(item.image_url) or url_for(".image", external_id=item.external_id)


def _int_or_none(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _cart() -> dict[str, int]:
    cart = session.get("cart")
    if not isinstance(cart, dict):
        return {}
    return {str(key): int(value) for key, value in cart.items() if isinstance(value, int) and value > 0}


def _cart_lines() -> tuple[list[tuple[Product, int]], Decimal]:
    cart = _cart()
    if not cart:
        return [], Decimal("0")
    products = {
        item.external_id: item
        for item in db.session().scalars(
            select(Product).where(Product.shop_id == g.demo_shop.id, Product.external_id.in_(list(cart)))
        )
    }
    lines = [(products[key], quantity) for key, quantity in cart.items() if key in products]
    total = sum(((item.price or Decimal("0")) * quantity for item, quantity in lines), Decimal("0"))
    return lines, total


def _render_cart(error: str | None = None, status: int = 200):
    lines, total = _cart_lines()
    return (
        render_template(
            "demo/cart.html", lines=lines, total=total, error=error, customer=session.get("customer_id", "")
        ),
        status,
    )


def _bestsellers(shop_id: int) -> list[Product]:
    """The products on most order lines in the last 90 days of the shop's history.

    "The last 90 days" end at the newest imported order (the demo data ends in
    December 2011), so the shelf is not empty for want of recent orders; orders
    placed in the demo store since then count as well.
    """
    session_ = db.session()
    newest = session_.scalar(
        select(func.max(Order.placed_at)).where(Order.shop_id == shop_id, Order.source == "import")
    ) or session_.scalar(select(func.max(Order.placed_at)).where(Order.shop_id == shop_id))
    if newest is None:
        return []
    window = select(Order.id).where(Order.shop_id == shop_id, Order.placed_at >= newest - timedelta(days=BESTSELLER_DAYS))
    # Lines found through their order ids (the order_id index), not through
    # order_lines.shop_id: on the full demo history that is 10x faster on SQLite.
    counts = (
        select(OrderLine.product_id, func.count().label("lines"))
        .where(OrderLine.order_id.in_(window))
        .group_by(OrderLine.product_id)
        .subquery()
    )
    return list(
        session_.scalars(
            select(Product)
            .join(counts, counts.c.product_id == Product.external_id)
            .where(Product.shop_id == shop_id)
            .order_by(counts.c.lines.desc(), Product.title, Product.external_id)
            .limit(BESTSELLERS)
        )
    )
