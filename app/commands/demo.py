"""`flask --app wsgi demo`: seed the demo shop and serve the backend with the demo store."""
from __future__ import annotations

import click
from flask import current_app
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from app import db, identity_secrets
from app.clv.refresh import refresh_after_training
from app.commands.recommender import train_with_progress
from app.commands.schema import ensure_schema
from app.demo.seed import demo_merchant_sign_in, seed_demo
from app.factory import create_app
from app.recommender.serving.loaded_model import active_version
from app.runner import start_consumer_thread
from app.secret_box import IDENTITY_SECRETS, box_for


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo(host: str, port: int) -> None:
    """Seed the demo shop (if needed) and serve it with the script tag installed."""
    app = create_app({**_passed_config(), "DEMO_STORE": True})
    with app.app_context():
        ensure_schema()
        box = box_for(app, IDENTITY_SECRETS)
        result = seed_demo(db.session(), box, echo=lambda message: click.echo(message, err=True))
        public_key = result.shop.public_key
        click.echo(f"demo shop: {result.products} products, {result.orders} orders", err=True)
        if result.secret_key:
            click.echo(f"secret_key: {result.secret_key}  (admin API; shown once)", err=True)
            # Signs customer ids (README "Signed-in customers"); also on the settings Install page.
            click.echo(f"identity_secret: {identity_secrets.current_secret(result.shop, box)}", err=True)
        email, password = demo_merchant_sign_in(db.session(), result.shop)
        if active_version(db.session(), result.shop.id) is None:
            click.echo("training the demo shop's recommender (about a minute, once) ...", err=True)
            train_with_progress(db.session(), result.shop)
            refresh_after_training(db.session(), result.shop.id)
    # The task queue's consumer on threads of this process (SQLite storage beside the database): the
    # Retrain button, Shopify syncs and webhooks, and the periodic retraining and retention purges.
    start_consumer_thread(app)
    base = f"http://{host}:{port}"
    click.echo(f"store: {base}/store/")
    click.echo(f"settings: {base}/settings/login  (email {email}, password {password}; new each start)")
    click.echo(f"public_key: {public_key}", nl=True)
    # Our own server rather than app.run (Flask ignores it inside its own CLI) or run_simple: see QuietRequestHandler.
    make_demo_server(app, host, port).serve_forever()


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, minus its ``Server: Werkzeug/3.x Python/3.x`` header (a map of what to attack).

    The server writes that header itself, so no app or middleware can remove it;
    under gunicorn (production) the header is a plain ``gunicorn``.
    """

    server_version = "p13n"

    def version_string(self) -> str:
        return self.server_version


def make_demo_server(app, host: str, port: int) -> BaseWSGIServer:
    return make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)


def _passed_config() -> dict:
    # The app the flask CLI built from wsgi.py carries the environment's
    # settings; the demo app gets the same ones.
    keys = ("DATABASE_URL", "SECRET_KEY", "MODEL_DIR", "PUBLIC_BASE_URL", "COUNTRY_HEADER", "RETRAIN_INTERVAL_HOURS", "REDIS_URL")
    return {key: current_app.config[key] for key in keys}
