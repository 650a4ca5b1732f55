"""Model artifacts: written whole under a new version, then published; old ones pruned.

Layout: ``MODEL_DIR/<shop_id>/<version>/`` holding whatever the model saves.
A version directory is first written as ``.<version>.partial`` and renamed
into place (atomic on one file system), and only then does its database row
become ``active`` — in the same transaction that retires the previous one.
A reader that follows the active row therefore always finds a complete
directory. In a multi-machine deployment MODEL_DIR is shared storage.
"""
from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import ModelVersion

DEFAULT_KEEP = 3


def new_version_name() -> str:
    # Sortable by time, unique across workers.
    return utcnow().strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(4)


def write_artifact(model_dir: Path, shop_id: int, version: str, write: Callable[[Path], None]) -> Path:
    """Let ``write`` fill a fresh directory, then move it to its final path."""
    shop_dir = Path(model_dir) / str(shop_id)
    shop_dir.mkdir(parents=True, exist_ok=True)
    partial = shop_dir / f".{version}.partial"
    final = shop_dir / version
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir()
    try:
        write(partial)
        _fsync_tree(partial)
        os.replace(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def publish(session: Session, model_version: ModelVersion) -> None:
    """Make this version the shop's active one; the caller commits."""
    session.execute(
        update(ModelVersion)
        .where(ModelVersion.shop_id == model_version.shop_id, ModelVersion.status == "active", ModelVersion.id != model_version.id)
        .values(status="retired")
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    model_version.status = "active"
    model_version.activated_at = utcnow()
    session.flush()


def prune(session: Session, shop_id: int, keep: int = DEFAULT_KEEP) -> list[str]:
    """Delete the artifacts of all but the newest ``keep`` usable versions (the active one always stays).

    Rows stay, as the model's history; their ``artifact_path`` is cleared.
    """
    versions = session.scalars(
        select(ModelVersion)
        .where(ModelVersion.shop_id == shop_id, ModelVersion.artifact_path.is_not(None))
        .order_by(ModelVersion.created_at.desc(), ModelVersion.id.desc())
    ).all()
    removed = []
    kept = 0
    for version in versions:
        if version.status == "active" or kept < keep:
            kept += 1
            continue
        shutil.rmtree(version.artifact_path, ignore_errors=True)
        version.artifact_path = None
        if version.status == "ready":
            version.status = "retired"
        removed.append(version.version)
    session.flush()
    return removed


def _fsync_tree(directory: Path) -> None:
    for path in directory.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
