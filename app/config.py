"""Settings read from the environment, with defaults that run the embedded setup."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"

# The Shopify app's access, kept minimal (docs/shopify.md says why each is needed):
# read the catalog, customers and orders for the sync, the theme to see whether the
# app embed is on, and the Web Pixel's two (create our pixel, receive customer events).
SHOPIFY_DEFAULT_SCOPES = "read_products,read_customers,read_orders,read_themes,write_pixels,read_customer_events,write_discounts"
# The newest stable GraphQL Admin API version (Shopify releases one each quarter).
SHOPIFY_DEFAULT_API_VERSION = "2026-10"


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
        # Redis, shared by every machine that serves: the task queue (and what else several machines
        # must agree on). Unset: the embedded default, SQLite and memory alone.
        "REDIS_URL": env.get("REDIS_URL", ""),
        # Where background tasks wait (app/tasks.py): "" picks Redis with REDIS_URL, else a SQLite file
        # beside the SQLite database; tests set "memory" (tasks wait until run) or "immediate".
        "TASK_QUEUE": "",
        # The queue's name in that storage (tests give each queue its own).
        "TASK_QUEUE_NAME": "p13n",
        # Age at which the workers' periodic task retrains a shop's model.
        "RETRAIN_INTERVAL_HOURS": _positive_float(env, "RETRAIN_INTERVAL_HOURS", 24.0),
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
        raise ValueError(f"{name} must be a number of hours, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value
