"""Real-browser fixtures: the app served on loopback, driven in Debian's headless Chromium."""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _serve(wsgi_app):
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def merchant_site():
    """Another origin on loopback standing in for a merchant's own site: ``pages[path] = html``.

    A real server rather than an intercepted route, so that Chromium sees a
    loopback page calling a loopback backend (as with a public shop calling a
    public backend), not a public page reaching into the private network.
    """
    pages: dict[str, str] = {}

    def wsgi_app(environ, start_response):
        html = pages.get(environ["PATH_INFO"])
        if html is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html.encode()]

    server, thread = _serve(wsgi_app)
    yield f"http://localhost:{server.server_port}", pages
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    """The app (with the demo store) on a free loopback port, for the browser to load."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server, thread = _serve(app)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
