"""SECRET_KEY for the embedded default: generated once and kept under instance/.

Production sets SECRET_KEY in the environment (it must be the same on every
worker); a single-machine install should not have to, yet must keep sessions
valid across restarts, so the key is persisted rather than random per process.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from app.config import INSTANCE_DIR


def init_app(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return

    @app.before_request
    def _load_instance_secret() -> None:
        if not app.secret_key:
            app.secret_key = instance_secret(INSTANCE_DIR / "secret_key")


def app_secret(app: Flask) -> str:
    """The key that signs for this app, also in a worker that has not served a request yet."""
    return app.secret_key or app.config.get("SECRET_KEY") or instance_secret(INSTANCE_DIR / "secret_key")


def instance_secret(path: Path) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        # O_EXCL: when two workers race, one writes and both read the same key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key
