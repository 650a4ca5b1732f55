"""The README's first command, as a new user runs it: `flask --app wsgi demo` seeds and serves."""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_demo(database: Path, port: int, log: Path) -> tuple[subprocess.Popen, dict]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "demo-test", "PYTHONUNBUFFERED": "1",
           "MODEL_DIR": str(database.parent / "models")}  # not the checkout's instance/models
    with log.open("w") as log_file:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "demo", "--port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log_file, text=True,
        )
    printed = {}
    deadline = time.monotonic() + 600
    while "public_key" not in printed and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        key, _, value = line.strip().partition(": ")
        printed[key] = value
    return process, printed


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)
    process.stdout.close()


def assert_the_printed_sign_in_opens_the_settings(line: str, port: int) -> urllib.request.OpenerDirector:
    """`settings: URL  (email E, password P; new each start)` signs in to the widgets page; the signed-in browser."""
    match = re.match(r"(\S+)\s+\(email (\S+), password (\S+);", line)
    assert match, line
    url, email, password = match.groups()
    assert url == f"http://127.0.0.1:{port}/settings/login"
    # Like a browser, which treats http://127.0.0.1 as a secure context, send the Secure session cookie back.
    jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "http")))
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = browser.open(url, timeout=10).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    signed_in = browser.open(url, data=body, timeout=10)
    assert signed_in.url.endswith("/settings/dashboard"), signed_in.url
    widgets = browser.open(f"http://127.0.0.1:{port}/settings/rules", timeout=10).read().decode()
    assert "Exit offer for first-time visitors" in widgets
    return browser


def assert_background_jobs_run_in_the_demo(browser, port: int, database: Path) -> None:
    """Saving a retention period queues a purge, which the demo's own task consumer runs."""
    page = browser.open(f"http://127.0.0.1:{port}/settings/privacy", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"consent_mode": "opt_out", "retention_days": "3650", "csrf_token": token}).encode()
    browser.open(f"http://127.0.0.1:{port}/settings/privacy/settings", data=form, timeout=10)
    deadline = time.monotonic() + 120  # only so that a consumer that never runs fails instead of hanging
    with sqlite3.connect(database) as connection:
        while (status := connection.execute("SELECT status FROM jobs WHERE kind = 'purge_expired'").fetchone()) != ("done",):
            assert time.monotonic() < deadline, f"the purge job is {status}, not run by the demo's consumer"
            time.sleep(0.2)


def wait_until_serving(url: str) -> bytes:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="the demo runs on the embedded SQLite default; checked in the SQLite pass")
def test_demo_seeds_once_and_serves_the_store_with_the_tag(tmp_path):
    database = tmp_path / "demo.sqlite3"
    port = free_port()
    process, printed = start_demo(database, port, tmp_path / "first.log")
    try:
        assert printed.get("store") == f"http://127.0.0.1:{port}/store/", printed
        public_key = printed["public_key"]
        home = wait_until_serving(printed["store"]).decode()
        assert f"/s/{public_key}.js" in home
        script = wait_until_serving(f"http://127.0.0.1:{port}/s/{public_key}.js")
        assert public_key.encode() in script
        assert_the_printed_sign_in_opens_the_settings(printed["settings"], port)
    finally:
        stop(process)

    process, again = start_demo(database, port, tmp_path / "second.log")
    try:
        assert again["public_key"] == public_key, "a second run reuses the seeded shop"
        assert again["settings"] != printed["settings"], "a new password at each start"
        wait_until_serving(again["store"])
        browser = assert_the_printed_sign_in_opens_the_settings(again["settings"], port)
        assert_background_jobs_run_in_the_demo(browser, port, database)
        assert "importing" in (tmp_path / "first.log").read_text()
        assert "importing" not in (tmp_path / "second.log").read_text(), "a second run does not import again"
    finally:
        stop(process)
