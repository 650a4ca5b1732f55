"""The schema is built by Alembic only: one head, up and down cleanly, and it matches the models."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from app import migrate
from app.db import Base, make_engine
from app.secret_box import IDENTITY_SECRETS, box_for
from tests.helpers.databases import empty_database


def test_single_head(database_url):
    assert len(migrate.heads(database_url)) == 1


def test_models_match_migrations(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_upgrade_downgrade_upgrade_on_anempty_database(tmp_path):
    url, cleanup = empty_database(tmp_path)
    try:
        migrate.upgrade(url)
        assert "events" in _tables(url)
        migrate.downgrade(url, "base")
        assert _tables(url) <= {"alembic_version"}
        migrate.upgrade(url)
        assert {"shops", "products", "profiles", "visitor_ids", "events", "rejected_events", "orders", "order_lines"} <= _tables(url)
    finally:
        cleanup()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"


def test_committed_migrations_are_never_edited():
    """A migration that ran somewhere must stay as it ran: changes go in a new migration."""
    if shutil.which("git") is None or not (MIGRATIONS.parents[1] / ".git").exists():
        pytest.skip("needs a git checkout to know each migration's first committed version")
    edited = []
    for path in sorted(MIGRATIONS.glob("*.py")):
        relative = path.relative_to(MIGRATIONS.parents[1]).as_posix()
        first = _git("log", "--diff-filter=A", "--format=%H", "--", relative).split()
        if not first:
            continue  # not committed yet: still free to change
        if _git("show", f"{first[-1]}:{relative}") != path.read_text():
            edited.append(relative)
    assert edited == [], f"committed migrations were edited (restore them and add a new one): {edited}"


def test_a_database_migrated_with_the_edited_0006_upgrades_cleanly(tmp_path):
    """0006 once (wrongly) created rule_drafts; such a database must still reach head."""
    url, cleanup = empty_database(tmp_path)
    try:
        migrate.upgrade(url, "0006")
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE rule_drafts (id INTEGER PRIMARY KEY)"))
        engine.dispose()
        migrate.upgrade(url)
        assert "rule_drafts" in _tables(url)
    finally:
        cleanup()


def test_0008_keeps_the_old_queues_jobs_with_one_active_per_shop_and_kind(tmp_path):
    """Jobs left queued or running by the hand-written queue survive the move to huey's records."""
    url, cleanup = empty_database(tmp_path)
    try:
        migrate.upgrade(url, "0007")
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO shops (id, name, public_key, secret_key_hash, currency, locale, settings, created_at, updated_at) "
                "VALUES (1, 'Shop', 'pk_1', 'hash', 'EUR', 'en', '{}', '2026-11-30 10:00:00', '2026-11-30 10:00:00')"))
            for job_id, kind, status in ((1, "train", "queued"), (2, "train", "queued"), (3, "train", "done"),
                                         (4, "shopify_webhook", "queued"), (5, "purge_expired", "running")):
                connection.execute(text(
                    "INSERT INTO jobs (id, shop_id, kind, payload, status, progress, attempts, max_attempts, run_after, "
                    "locked_at, created_at) VALUES (:id, 1, :kind, '{}', :status, '{}', 0, 5, '2026-12-01 10:00:00', "
                    ":locked_at, '2026-12-01 09:00:00')"),
                    {"id": job_id, "kind": kind, "status": status,
                     "locked_at": "2026-12-01 11:00:00" if status == "running" else None})
        engine.dispose()
        migrate.upgrade(url)
        engine = make_engine(url)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, singleton_key, updated_at FROM jobs ORDER BY id")).all()
        engine.dispose()
        assert [(row[0], row[1]) for row in rows] == [(1, None), (2, "train:1"), (3, None), (4, None), (5, "purge_expired:1")]
        assert str(rows[4][2]).startswith("2026-12-01 11:00") and str(rows[0][2]).startswith("2026-12-01 09:00")
    finally:
        cleanup()


def test_leads_0010_merges_duplicate_emails_keeping_the_newest_consent_and_every_answer(tmp_path):
    """One lead per shop and email: the earliest row stays, with the newest consent; each old answer is kept."""
    url, cleanup = empty_database(tmp_path)
    try:
        migrate.upgrade(url, "0009")
        engine = make_engine(url)
        with engine.begin() as connection:
            for shop_id in (1, 2):
                connection.execute(text(
                    "INSERT INTO shops (id, name, public_key, secret_key_hash, currency, locale, settings, created_at, updated_at) "
                    f"VALUES ({shop_id}, 'Shop', 'pk_{shop_id}', 'hash{shop_id}', 'EUR', 'en', '{{}}', '2026-11-30 10:00:00', "
                    "'2026-11-30 10:00:00')"))
            for lead_id, shop_id, email, consent, visitor, created in (
                (1, 1, "ann@example.com", True, "v-old", "2026-12-01 10:00:00"),
                (2, 1, " Ann@Example.com", False, None, "2026-12-02 10:00:00"),  # the newest answer: no
                (3, 1, "ann@example.com", True, "v-mid", "2026-12-01 12:00:00"),
                (4, 2, "ann@example.com", True, None, "2026-12-01 11:00:00"),  # another shop's: kept apart
                (5, 1, "bob@example.com", False, "v-bob", "2026-12-01 09:00:00"),
            ):
                connection.execute(text(
                    "INSERT INTO leads (id, shop_id, email, consent, visitor_id, created_at) "
                    "VALUES (:id, :shop, :email, :consent, :visitor, :created)"),
                    {"id": lead_id, "shop": shop_id, "email": email, "consent": consent, "visitor": visitor, "created": created})
        engine.dispose()
        migrate.upgrade(url)
        engine = make_engine(url)
        with engine.connect() as connection:
            leads = connection.execute(text(
                "SELECT id, shop_id, email, consent, consent_at, visitor_id, created_at FROM leads ORDER BY id")).all()
            answers = connection.execute(text(
                "SELECT lead_id, consent, visitor_id, created_at FROM lead_consents ORDER BY created_at, lead_id")).all()
        engine.dispose()
        assert [(row[0], row[1], row[2], bool(row[3]), row[5]) for row in leads] == [
            (1, 1, "ann@example.com", False, "v-mid"), (4, 2, "ann@example.com", True, None),
            (5, 1, "bob@example.com", False, "v-bob")]
        assert str(leads[0][4]).startswith("2026-12-02 10:00") and str(leads[0][6]).startswith("2026-12-01 10:00")
        assert [(row[0], bool(row[1]), row[2]) for row in answers] == [
            (5, False, "v-bob"), (1, True, "v-old"), (4, True, None), (1, True, "v-mid"), (1, False, None)]
        assert str(answers[-1][3]).startswith("2026-12-02 10:00")
        migrate.downgrade(url, "0009")
        migrate.upgrade(url)
    finally:
        cleanup()


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=MIGRATIONS.parents[1], capture_output=True, text=True, check=True).stdout


def test_identity_0009_gives_existing_shops_an_identity_secret_the_app_can_read(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "the-servers-secret")
    monkeypatch.delenv("IDENTITY_SECRETS_KEY", raising=False)
    url, cleanup = empty_database(tmp_path)
    try:
        migrate.upgrade(url, "clv_0008")
        engine = make_engine(url)
        with engine.begin() as connection:
            for shop_id in (1, 2):
                connection.execute(text(
                    "INSERT INTO shops (id, name, currency, locale, public_key, secret_key_hash, settings, created_at, updated_at) "
                    "VALUES (:id, 'S', 'USD', 'en', :pk, :hash, '{}', '2026-01-01', '2026-01-01')"), {"id": shop_id, "pk": f"pk{shop_id}", "hash": f"h{shop_id}"})
        migrate.upgrade(url)
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT id, identity_secret_encrypted FROM shops ORDER BY id")).all()
        secrets = [box_for("the-servers-secret", IDENTITY_SECRETS).decrypt(encrypted) for _, encrypted in stored]
        assert all(secret.startswith("ids_") for secret in secrets) and len(set(secrets)) == 2
        migrate.downgrade(url, "clv_0008")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM shops")).scalar() == 2, "the downgrade keeps the shops"
        engine.dispose()
    finally:
        cleanup()
