"""Where the fault test cannot run its own PostgreSQL server, it is skipped with a reason that says what to install."""
from __future__ import annotations

from pathlib import Path

from tests.helpers import postgres_server


def test_without_postgres_binaries_the_reason_names_the_package(monkeypatch):
    monkeypatch.setattr(postgres_server.shutil, "which", lambda program: None)
    monkeypatch.setattr(postgres_server.glob, "glob", lambda pattern: [])
    assert postgres_server.postgres_binaries() is None
    assert postgres_server.why_no_server() == "needs PostgreSQL's initdb and pg_ctl (apt-get install postgresql)"


def test_debians_newest_server_is_found_when_not_on_path(monkeypatch):
    monkeypatch.setattr(postgres_server.shutil, "which", lambda program: None)
    found = ["/usr/lib/postgresql/9/bin/pg_ctl", "/usr/lib/postgresql/16/bin/pg_ctl", "/usr/lib/postgresql/15/bin/pg_ctl"]
    monkeypatch.setattr(postgres_server.glob, "glob", lambda pattern: found)
    assert postgres_server.postgres_binaries() == Path("/usr/lib/postgresql/16/bin")
