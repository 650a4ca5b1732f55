"""verified identity and revocable sessions: identity secrets per shop, profile traits, session epochs, login throttles

Revision ID: identity_0009
Revises: clv_0008
Create Date: 2026-12-02 03:00:00

Every existing shop gets an identity secret here, encrypted the way the app
encrypts it (app/secret_box.py, purpose "shop-identity-secret"): with the
Fernet key in IDENTITY_SECRETS_KEY when set, else with a key derived by HKDF
from SECRET_KEY (the environment's, else the embedded default's
instance/secret_key). Run the migration with the environment the app runs
with; a secret encrypted under another key shows as unreadable on the
settings Install page, whose "Rotate" issues a readable one.

Sign-in throttling moves from one row per failure (login_failures, counted
and then added in two steps, which concurrent guesses raced) to one counter
row per email or address (login_throttles), bumped by one atomic upsert.

Columns are added and dropped with plain ALTER TABLE, never by SQLite's batch
table rebuild: rebuilding shops or profiles with foreign keys on would
cascade-delete every row that refers to them.
"""
from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from alembic import op
import sqlalchemy as sa
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


revision = 'identity_0009'
down_revision = 'clv_0008'
branch_labels = None
depends_on = None

INSTANCE_SECRET = Path(__file__).resolve().parents[2] / "instance" / "secret_key"


def upgrade() -> None:
    op.add_column('shops', sa.Column('identity_secret_encrypted', sa.Text(), nullable=True))
    op.add_column('shops', sa.Column('previous_identity_secret_encrypted', sa.Text(), nullable=True))
    op.add_column('shops', sa.Column('identity_secret_rotated_at', sa.DateTime(), nullable=True))
    op.add_column('shops', sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))
    op.add_column('shop_users', sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))
    op.add_column('profiles', sa.Column('traits', sa.JSON(), server_default='{}', nullable=False))

    op.create_table('login_throttles',
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('window_started_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttles'))
    )
    op.create_index('ix_login_throttles_window_started_at', 'login_throttles', ['window_started_at'], unique=False)
    op.drop_index('ix_login_failures_ip_at', table_name='login_failures')
    op.drop_index('ix_login_failures_email_at', table_name='login_failures')
    op.drop_table('login_failures')

    _backfill_identity_secrets()


def _backfill_identity_secrets() -> None:
    connection = op.get_bind()
    shop_ids = connection.execute(sa.text("SELECT id FROM shops WHERE identity_secret_encrypted IS NULL")).scalars().all()
    if not shop_ids:
        return
    fernet = _fernet()
    for shop_id in shop_ids:
        encrypted = fernet.encrypt(("ids_" + secrets.token_hex(32)).encode()).decode()
        connection.execute(sa.text("UPDATE shops SET identity_secret_encrypted = :encrypted WHERE id = :id"),
                           {"encrypted": encrypted, "id": shop_id})


def _fernet() -> Fernet:
    explicit = os.environ.get("IDENTITY_SECRETS_KEY")
    if explicit:
        return Fernet(explicit)
    secret = os.environ.get("SECRET_KEY") or _instance_secret()
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"shop-identity-secret").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _instance_secret() -> str:
    # As app/secret_key.py does: the first to need it writes it, everyone reads the same.
    try:
        return INSTANCE_SECRET.read_text().strip()
    except FileNotFoundError:
        INSTANCE_SECRET.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        try:
            fd = os.open(INSTANCE_SECRET, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return INSTANCE_SECRET.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


def downgrade() -> None:
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    op.create_index('ix_login_failures_email_at', 'login_failures', ['email', 'at'], unique=False)
    op.create_index('ix_login_failures_ip_at', 'login_failures', ['ip', 'at'], unique=False)
    op.drop_index('ix_login_throttles_window_started_at', table_name='login_throttles')
    op.drop_table('login_throttles')
    for table, column in (('profiles', 'traits'), ('shop_users', 'session_epoch'), ('shops', 'session_epoch'),
                          ('shops', 'identity_secret_rotated_at'), ('shops', 'previous_identity_secret_encrypted'),
                          ('shops', 'identity_secret_encrypted')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
