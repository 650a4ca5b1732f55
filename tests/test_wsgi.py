"""The production entry point (gunicorn wsgi:app)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_what_start_up_built_is_left_out_of_garbage_collection(tmp_path):
    # A fresh interpreter, as a gunicorn worker imports it; the embedded default, in a scratch folder.
    probe = "import gc, wsgi; print(gc.get_freeze_count())"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "SECRET_KEY": "test"}
    frozen = int(subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout)
    assert frozen > 50_000, "the app's long-lived objects are frozen (gc.freeze), not walked by every full collection"
