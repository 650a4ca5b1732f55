"""GET /s/<public_key>.js — the one line a merchant installs."""
from __future__ import annotations

from flask import Response, current_app, request

from app import db
from app.decisions.layout import reserved_space
from app.storefront.blueprint import blueprint
from app.storefront.bundle import RenderedScript, bundle_version, render_chunk, render_script
from app.storefront.shops import snapshot_by_public_key

JS_MIMETYPE = "application/javascript; charset=utf-8"
# Short enough that a config change reaches shoppers within minutes.
MAX_AGE_SECONDS = 300


@blueprint.get("/s/<public_key>.js")
def storefront_script(public_key: str):
    db.page_view()  # reads alone: no transaction around them
    state = snapshot_by_public_key(db.session(), public_key)
    if state is None:
        response = Response("/* p13n: unknown key; check the script tag's src */\n", status=404, content_type=JS_MIMETYPE)
        response.cache_control.public = True
        response.cache_control.max_age = 60
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    base = api_base(request)
    # Rendered once per (config version, bundle file, base URL): a warm request reads no database.
    rendered = state.memo(("script", base, bundle_version()),
                          lambda: render_script(state.shop, base, reserved_space(db.session(), state.shop.id)))
    return _javascript(rendered)


@blueprint.get("/s/chunks/<name>.js")
def script_chunk(name: str):
    """Part of the script that few page views need (a survey's form), fetched by the script when one does."""
    rendered = render_chunk(name)
    if rendered is None:
        response = Response("/* p13n: no such chunk */\n", status=404, content_type=JS_MIMETYPE)
        response.cache_control.public = True
        response.cache_control.max_age = 60
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    return _javascript(rendered)


def _javascript(rendered: RenderedScript) -> Response:
    wants_gzip = request.accept_encodings["gzip"] > 0
    body, etag = (rendered.gzipped, rendered.etag + "-gz") if wants_gzip else (rendered.body, rendered.etag)
    response = Response(body, content_type=JS_MIMETYPE)
    if wants_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    # Run only as the script it says it is: a browser must not sniff it into anything else.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_SECONDS
    response.set_etag(etag)
    return response.make_conditional(request)


def api_base(req) -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or req.host_url.rstrip("/")
