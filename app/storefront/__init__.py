"""The public storefront API: the script tag and event ingest. CORS-open, keyed by a shop's public key."""
from flask import Flask
from flask_cors import CORS
from threadpoolctl import threadpool_limits

from app import db
from app.decisions import assignment_writer
from app.recommender.serving import visitor_memo
from app.storefront import decide, events, lead_confirmation, leads, limits, recommendations, script, surveys  # noqa: F401 - the routes
from app.storefront.blueprint import blueprint
from app.storefront.cookieless import CookielessPublicPaths

_blas_limited = False


@blueprint.before_request
def _one_blas_thread_per_worker() -> None:
    """Each web worker serves one request at a time: OpenBLAS's own threads only fight the other
    workers for the cores (a slider's small matrix products measured 5x slower with them)."""
    global _blas_limited
    if not _blas_limited:
        threadpool_limits(limits=1, user_api="blas")
        _blas_limited = True


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    limits.init_app(app)
    app.session_interface = CookielessPublicPaths()
    # Page views record experiment exposure in the background, never holding a write lock;
    # tests (and ASSIGNMENTS_WRITE_BEHIND=0) write it before the answer instead.
    write_behind = app.config.get("ASSIGNMENTS_WRITE_BEHIND", not app.testing)
    assignment_writer.configure(db.database(app).engine, write_behind=str(write_behind).lower() not in ("0", "false", "no"))
    visitor_memo.configure(app.config["VISITOR_MEMO_VISITORS"], app.config.get("REDIS_URL", ""))
    # Any origin, never credentials: these endpoints are keyed by a public key,
    # not by cookies, so a shop's pages on any domain may call them. The patterns
    # are regular expressions matched from the start of the path: anchored, so
    # that /settings, /store and /shopify (which also start with "/s") stay closed.
    CORS(
        app,
        resources={r"^/v1/.*$": {"origins": "*"}, r"^/s/[^/]+\.js$": {"origins": "*"}},
        supports_credentials=False,
        send_wildcard=True,
        expose_headers=["Retry-After"],  # the script backs off as the server asks
        max_age=86400,
    )
