"""Settings read from the environment, with defaults that run the embedded setup."""
import os
from pathlib import Path

from limits import parse_many

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

# The Shopify app's access, kept minimal (docs/shopify.md says why each is needed):
# read the catalog, customers and orders for the sync, the theme to see whether the
# app embed is on, and the Web Pixel's two (create our pixel, receive customer events).
SHOPIFY_DEFAULT_SCOPES = "read_products,read_customers,read_orders,read_themes,write_pixels,read_customer_events,write_discounts"
# The newest stable GraphQL Admin API version (Shopify releases one each quarter).
SHOPIFY_DEFAULT_API_VERSION = "2026-10"

# Abuse limits on the public endpoints, per shop key and client address (see README "Configuration").
# Sized so that a brisk shopper (a page a second: the script, a decision, two event batches, a slider)
# never meets them, while one address flooding a shop does: 600 lead posts in 10 s store 5.
DEFAULT_RATE_LIMITS = {
    "RATE_LIMIT_EVENTS": "300/minute",
    "RATE_LIMIT_DECIDE": "120/minute",
    "RATE_LIMIT_RECOMMENDATIONS": "240/minute",
    "RATE_LIMIT_SCRIPT": "300/minute",
    "RATE_LIMIT_LEADS": "5/minute;20/hour",
    # New profiles (first-seen visitor ids) one address may create; a browser creates one.
    "RATE_LIMIT_NEW_VISITORS": "30/minute;300/hour",
}


def normalize_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at psycopg 3, the driver we install.

    SQLAlchemy maps ``postgresql://`` to psycopg2, which we do not ship, and
    ``postgres://`` (as Heroku-style hosts print it) to nothing at all.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment() -> dict:
    env = os.environ
    return {
        "DATABASE_URL": normalize_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'p13n.sqlite3'}"
        ),
        # Empty means: use (or create) instance/secret_key; see app/secret_key.py.
        "SECRET_KEY": env.get("SECRET_KEY", ""),
        "MODEL_DIR": env.get("MODEL_DIR") or str(INSTANCE_DIR / "models"),
        # Base URL the storefront script calls back to; by default the URL the
        # script itself was requested on, which is right unless a proxy rewrites hosts.
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "").rstrip("/"),
        # Header a CDN or proxy sets with the shopper's country (Cloudflare's by default).
        "COUNTRY_HEADER": env.get("COUNTRY_HEADER", "CF-IPCountry"),
        # Redis, shared by every machine that serves: the task queue and the abuse limits' counters, so
        # every instance counts the same client. Unset: the embedded default, SQLite and memory alone.
        "REDIS_URL": env.get("REDIS_URL", ""),
        # Where background tasks wait (app/tasks.py): "" picks Redis with REDIS_URL, else a SQLite file
        # beside the SQLite database; tests set "memory" (tasks wait until run) or "immediate".
        "TASK_QUEUE": "",
        # The queue's name in that storage (tests give each queue its own).
        "TASK_QUEUE_NAME": "p13n",
        # Age at which the workers' periodic task retrains a shop's model.
        "RETRAIN_INTERVAL_HOURS": _positive_float(env, "RETRAIN_INTERVAL_HOURS", 24.0),
        # Training reads this many days of history (views, carts, orders): bounded time and memory
        # however old the shop; 0 reads everything.
        "TRAINING_HISTORY_DAYS": _count(env, "TRAINING_HISTORY_DAYS", 730),
        # Visitors whose recommendations each web worker remembers between their page views, while their
        # history is unchanged (app/recommender/serving/visitor_memo.py); 0: compute every page view's anew.
        "VISITOR_MEMO_VISITORS": _count(env, "VISITOR_MEMO_VISITORS", 10_000),
        # How many reverse proxies (TLS terminator, load balancer) stand in front of the app: their
        # X-Forwarded-For/-Proto/-Host are then trusted, so the shopper's and merchant's own address
        # (sign-in throttling) and https (Shopify callback URLs) are seen. 0: trust no such header.
        "TRUSTED_PROXIES": _count(env, "TRUSTED_PROXIES", 0),
        "DEMO_STORE": env.get("DEMO_STORE", "") in ("1", "true", "yes"),
        # The settings UI's session cookie is sent over HTTPS only. Browsers treat
        # http://localhost and 127.0.0.1 as secure, so the demo works as is; set 0
        # only behind a proxy that serves plain HTTP on another host name.
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "1") not in ("0", "false", "no"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",  # sent on top-level navigations back from Shopify's OAuth, not on cross-site posts
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        # The Shopify app (docs/shopify.md); /shopify/* answers 503 until key and secret are set.
        "SHOPIFY_API_KEY": env.get("SHOPIFY_API_KEY", ""), "SHOPIFY_API_SECRET": env.get("SHOPIFY_API_SECRET", ""),
        "SHOPIFY_SCOPES": env.get("SHOPIFY_SCOPES") or SHOPIFY_DEFAULT_SCOPES,
        "SHOPIFY_API_VERSION": env.get("SHOPIFY_API_VERSION") or SHOPIFY_DEFAULT_API_VERSION,
        "RATE_LIMITS_ENABLED": env.get("RATE_LIMITS_ENABLED", "1") not in ("0", "false", "no"),
        **{name: _rate_limit(env, name, default) for name, default in DEFAULT_RATE_LIMITS.items()},
        # Bounds on waiting for PostgreSQL, so that an outage answers 503 at once instead of hanging:
        # connecting, and waiting for a free connection of the pool.
        "DATABASE_CONNECT_TIMEOUT": _positive_float(env, "DATABASE_CONNECT_TIMEOUT", 2.0),
        "DATABASE_POOL_TIMEOUT": _positive_float(env, "DATABASE_POOL_TIMEOUT", 2.0),
        # Longest statement, in seconds (0: none). Set it on web processes; workers run long statements.
        "DATABASE_STATEMENT_TIMEOUT": _count(env, "DATABASE_STATEMENT_TIMEOUT", 0),
        # Server-side prepared statements (the page view's profile read): off behind a pooler in
        # transaction mode that does not keep them (PgBouncer before 1.21, or without max_prepared_statements).
        "DATABASE_PREPARED_STATEMENTS": env.get("DATABASE_PREPARED_STATEMENTS", "1") not in ("0", "false", "no"),
        # The largest request body any endpoint reads (413 beyond it, before it is read); the
        # storefront's own endpoints and the Shopify webhooks accept less (see their modules).
        "MAX_CONTENT_LENGTH": _count(env, "MAX_CONTENT_LENGTH", 1024 * 1024),
        # Shopify's webhook bodies are a few KB (an order with many lines, some tens); the cap
        # is checked before the signature, so an unsigned flood is never read whole.
        "SHOPIFY_WEBHOOK_MAX_BYTES": _count(env, "SHOPIFY_WEBHOOK_MAX_BYTES", 512 * 1024),
        # Emails we send (double opt-in confirmations; app/leads/mail.py): SMTP, or a webhook that
        # hands them to a mail service; MAIL_BACKEND "" picks the one configured ("outbox": kept in memory).
        "MAIL_BACKEND": env.get("MAIL_BACKEND", ""),
        "MAIL_FROM": env.get("MAIL_FROM", ""),
        "SMTP_HOST": env.get("SMTP_HOST", ""),
        "SMTP_PORT": _count(env, "SMTP_PORT", 587),
        "SMTP_USERNAME": env.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": env.get("SMTP_STARTTLS", "1") not in ("0", "false", "no"),
        "MAIL_WEBHOOK_URL": env.get("MAIL_WEBHOOK_URL", ""),
        "MAIL_WEBHOOK_SECRET": env.get("MAIL_WEBHOOK_SECRET", ""),
    }


def _rate_limit(env, name: str, default: str) -> str:
    """A limit in the ``limits`` library's notation ("300/minute", "5/minute;20/hour"), checked at start-up."""
    raw = env.get(name) or default
    try:
        parse_many(raw)
    except ValueError:
        raise ValueError(f"{name} must be a rate limit such as 300/minute or 5/minute;20/hour, got {raw!r}") from None
    return raw


def _count(env, name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    if not raw.isdigit():
        raise ValueError(f"{name} must be a whole number, got {raw!r}")
    return int(raw)


def _positive_float(env, name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value
