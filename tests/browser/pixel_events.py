"""Web Pixel standard events as Shopify's runtime delivers them to `analytics.subscribe` callbacks.

Shapes from Shopify's Standard Events reference (shopify.dev/docs/api/web-pixels-api/standard-events:
page_viewed, product_viewed, collection_viewed, search_submitted, product_added_to_cart,
product_removed_from_cart, checkout_started, checkout_completed) and the matching type
definitions of @shopify/web-pixels-extension 2.18 (PixelEvents*, Checkout, CheckoutLineItem,
CartLine, ProductVariant, MoneyV2, Context, RegisterInit): every event has id, clientId,
name, seq, timestamp, type "standard", context {document, navigator, window} and data.
Ids are numeric strings, as the storefront sends them; values are the IPod Nano of the
recorded Admin fixtures.
"""
from __future__ import annotations

SHOP_URL = "https://demo-store.myshopify.com"
PRODUCT = {"id": "632910392", "title": "IPod Nano - 8GB", "type": "Cult Products", "untranslatedTitle": "IPod Nano - 8GB",
           "url": "/products/ipod-nano", "vendor": "Apple"}
VARIANT = {"id": "808950810", "image": {"src": "//demo-store.myshopify.com/cdn/shop/products/ipod-nano.png"},
           "price": {"amount": 199.0, "currencyCode": "USD"}, "product": PRODUCT, "sku": "IPOD2008PINK",
           "title": "Pink", "untranslatedTitle": "Pink"}
SHUFFLE = {"id": "49148385", "image": None, "price": {"amount": 49.5, "currencyCode": "USD"},
           "product": {**PRODUCT, "id": "921728736", "title": "IPod Touch 8GB", "url": "/products/ipod-touch"},
           "sku": "IPOD2009BLACK", "title": "Black", "untranslatedTitle": "Black"}


def context(path: str, search: str = "", title: str = "Demo store") -> dict:
    href = SHOP_URL + path + search
    return {
        "document": {"characterSet": "UTF-8", "location": {
            "hash": "", "host": "demo-store.myshopify.com", "hostname": "demo-store.myshopify.com", "href": href,
            "origin": SHOP_URL, "pathname": path, "port": "", "protocol": "https:", "search": search},
            "referrer": "https://www.google.com/", "title": title},
        "navigator": {"cookieEnabled": True, "language": "en-US", "languages": ["en-US", "en"],
                      "userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"},
        "window": {"innerHeight": 844, "innerWidth": 390, "outerHeight": 844, "outerWidth": 390,
                   "pageXOffset": 0, "pageYOffset": 0, "location": {"href": href, "pathname": path}, "origin": SHOP_URL,
                   "screen": {"height": 844, "width": 390}, "screenX": 0, "screenY": 0, "scrollX": 0, "scrollY": 0},
    }


def event(name: str, seq: int, data: dict, ctx: dict) -> dict:
    return {"id": f"sh-88153c5a-8F2D-4CCA-3231-EF5C032A4C{seq:02d}", "clientId": "0f2a7a64-1b6c-4f0a-9c3e-5b1f7f3f9e21",
            "name": name, "seq": seq, "timestamp": f"2026-11-30T12:00:{seq:02d}.000Z", "type": "standard",
            "context": ctx, "data": data}


def cart_line(variant: dict, quantity: int) -> dict:
    return {"cost": {"totalAmount": {"amount": round(variant["price"]["amount"] * quantity, 2), "currencyCode": "USD"}},
            "merchandise": variant, "quantity": quantity}


def checkout(order_id: str | None) -> dict:
    return {
        "attributes": [], "billingAddress": None, "buyerAcceptsEmailMarketing": False, "buyerAcceptsSmsMarketing": False,
        "currencyCode": "USD", "delivery": None, "discountApplications": [], "discountsAmount": {"amount": 0.0, "currencyCode": "USD"},
        "email": "bob.norman@mail.example.com", "phone": None, "shippingAddress": None, "shippingLine": None,
        "smsMarketingPhone": None, "token": "b4a0a7f4c2d4f3e1a2b3c4d5e6f70819",
        "lineItems": [
            {"discountAllocations": [], "finalLinePrice": {"amount": 398.0, "currencyCode": "USD"}, "id": "gid://shopify/CheckoutLineItem/1",
             "properties": [], "quantity": 2, "sellingPlanAllocation": None, "title": "IPod Nano - 8GB", "variant": VARIANT},
            {"discountAllocations": [], "finalLinePrice": {"amount": 49.5, "currencyCode": "USD"}, "id": "gid://shopify/CheckoutLineItem/2",
             "properties": [], "quantity": 1, "sellingPlanAllocation": None, "title": "IPod Touch 8GB", "variant": SHUFFLE},
        ],
        "localization": {"country": {"isoCode": "US"}, "language": {"isoCode": "en"}, "market": {"handle": "us", "id": "gid://shopify/Market/1"}},
        "order": {"customer": {"id": "207119551", "isFirstOrder": False}, "id": order_id} if order_id else None,
        "subtotalPrice": {"amount": 447.5, "currencyCode": "USD"},
        "totalPrice": {"amount": 467.39, "currencyCode": "USD"},
        "totalTax": {"amount": 19.89, "currencyCode": "USD"},
        "transactions": [],
    }


def all_events() -> dict[str, dict]:
    return {
        "page_viewed": event("page_viewed", 1, {}, context("/", "?utm_source=newsletter&utm_medium=email")),
        "product_viewed": event("product_viewed", 2, {"productVariant": VARIANT}, context("/products/ipod-nano")),
        "collection_viewed": event("collection_viewed", 3, {"collection": {
            "id": "841564295", "title": "IPods", "productVariants": [VARIANT, SHUFFLE]}}, context("/collections/ipods")),
        "search_submitted": event("search_submitted", 4, {"searchResult": {"query": "ipod", "productVariants": [VARIANT]}},
                                  context("/search", "?q=ipod")),
        "product_added_to_cart": event("product_added_to_cart", 5, {"cartLine": cart_line(VARIANT, 2)}, context("/products/ipod-nano")),
        "product_removed_from_cart": event("product_removed_from_cart", 6, {"cartLine": cart_line(SHUFFLE, 1)}, context("/cart")),
        "checkout_started": event("checkout_started", 7, {"checkout": checkout(None)},
                                  context("/checkouts/cn/Z2NwLXVzLWNlbnRyYWwx", title="Checkout")),
        "checkout_completed": event("checkout_completed", 8, {"checkout": checkout("5345678901234")},
                                    context("/checkouts/cn/Z2NwLXVzLWNlbnRyYWwx/thank-you", title="Thank you")),
    }


def init(analytics_allowed: bool = True, customer: dict | None = None) -> dict:
    """The `init` object register() receives (RegisterInit)."""
    return {
        "context": context("/"),
        "data": {"customer": customer, "cart": None, "purchasingCompany": None,
                 "shop": {"countryCode": "US", "myshopifyDomain": "demo-store.myshopify.com", "name": "Demo store",
                          "paymentSettings": {"currencyCode": "USD"}, "storefrontUrl": SHOP_URL}},
        "customerPrivacy": {"analyticsProcessingAllowed": analytics_allowed, "marketingAllowed": False,
                            "preferencesProcessingAllowed": False, "saleOfDataAllowed": False},
    }
