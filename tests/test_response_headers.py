"""Headers on every response: CORS only where the storefront needs it, nosniff on the script, no server versions."""
from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from app.commands.demo import make_demo_server

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ORIGIN = {"Origin": "https://attacker.example"}


@pytest.mark.parametrize("path", ["/settings/login", "/settings/", "/store/", "/shopify/install", "/s", "/healthz", "/admin/api/rules"])
def test_only_the_storefront_api_and_script_are_cors_open(client, path):
    response = client.get(path, headers=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response.headers, path


def test_the_script_and_the_v1_api_stay_cors_open(client, make_shop):
    shop, _ = make_shop()
    for path in (f"/s/{shop.public_key}.js", "/s/pk_unknown.js", f"/v1/decide?key={shop.public_key}"):
        assert client.get(path, headers=ORIGIN).headers["Access-Control-Allow-Origin"] == "*", path


def test_the_script_is_never_sniffed_as_anything_else(client, make_shop):
    shop, _ = make_shop()
    for path in (f"/s/{shop.public_key}.js", "/s/pk_unknown.js"):
        assert client.get(path).headers["X-Content-Type-Options"] == "nosniff", path


def _server_header(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get("Server", "")


def test_the_demo_server_names_no_versions(app):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_demo_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        header = _server_header(f"http://127.0.0.1:{server.server_port}/healthz")
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert header == "p13n"


def test_gunicorn_names_no_version(database_url, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "MODEL_DIR": str(tmp_path)}
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as errors:
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors,
        )
        try:
            header = _first_answer_header(gunicorn, f"http://127.0.0.1:{port}/healthz", log)
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
    assert header == "gunicorn"


def _first_answer_header(process, url: str, log: Path) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            return _server_header(url)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(log.read_text()) from None
            time.sleep(0.2)
