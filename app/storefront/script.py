"""GET /s/<public_key>.js — the one line a merchant installs."""
from __future__ import annotations

from functools import lru_cache

from flask import Response, current_app, request
from werkzeug.sansio.utils import get_current_url

from app import db
from app.decisions.layout import reserved_space
from app.storefront.blueprint import blueprint
from app.storefront.bundle import RenderedScript, bundle_version, render_chunk, render_script
from app.storefront.shops import snapshot_by_public_key

JS_MIMETYPE = "application/javascript; charset=utf-8"
# Short enough that a config change reaches shoppers within minutes.
MAX_AGE_SECONDS = 300
# Scripts kept rendered per shop version, one per base URL. Without PUBLIC_BASE_URL the base comes from
# the Host header, which any client chooses: past this many, an unusual host's script is rendered for
# its own request and not kept, so made-up hosts cannot fill a worker's memory with renderings.
MAX_RENDERED_BASES = 8


@blueprint.get("/s/<public_key>.js")
def storefront_script(public_key: str):
    db.page_view()  # reads alone: no transaction around them
    state = snapshot_by_public_key(db.session, public_key)  # a warm request opens no session
    if state is None:
        response = Response("/* p13n: unknown key; check the script tag's src */\n", status=404, content_type=JS_MIMETYPE)
        response.cache_control.public = True
        response.cache_control.max_age = 60
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    base = api_base(request)
    # Rendered once per (config version, bundle file, base URL): a warm request reads no database.
    rendered_by_base = state.memo(("scripts", bundle_version()), dict)
    rendered = rendered_by_base.get(base)
    if rendered is None:
        rendered = render_script(state.shop, base, reserved_space(db.session(), state.shop.id))
        if len(rendered_by_base) < MAX_RENDERED_BASES:
            rendered_by_base[base] = rendered
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
    """The script, gzipped for browsers that accept it, or 304 when the browser's copy is current.

    Its headers are fixed per variant and written as a list: set one by one through werkzeug's
    cache-control and ETag helpers they were a third of a warm request's cost.
    """
    if request.accept_encodings["gzip"] > 0:
        body, etag, headers = rendered.gzipped, rendered.etag + "-gz", _GZIPPED_HEADERS
    else:
        body, etag, headers = rendered.body, rendered.etag, _PLAIN_HEADERS
    etag_header = ("ETag", f'"{etag}"')
    # Read only when sent (most first visits send none): If-None-Match compares weakly (RFC 9110 13.1.2).
    if "If-None-Match" in request.headers and request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=[*_NOT_MODIFIED_HEADERS, etag_header])
    return Response(body, headers=[*headers, etag_header])


# What every answer with the script says: a script and nothing else (no sniffing), cached publicly for
# MAX_AGE_SECONDS, varying with Accept-Encoding. A 304 repeats all but the body's own headers.
_NOT_MODIFIED_HEADERS = (
    ("Cache-Control", f"public, max-age={MAX_AGE_SECONDS}"),
    ("Vary", "Accept-Encoding"),
    ("X-Content-Type-Options", "nosniff"),
)
_PLAIN_HEADERS = (("Content-Type", JS_MIMETYPE), *_NOT_MODIFIED_HEADERS)
_GZIPPED_HEADERS = (*_PLAIN_HEADERS, ("Content-Encoding", "gzip"))


def api_base(req) -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or _base_url(req.scheme, req.host)


@lru_cache(maxsize=64)
def _base_url(scheme: str, host: str) -> str:
    """request.host_url without its slash; remembered, as werkzeug's IRI decoding cost a tenth of a warm script."""
    return get_current_url(scheme, host).rstrip("/")
