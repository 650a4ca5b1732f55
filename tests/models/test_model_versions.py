"""Model versions: written whole, then published; one active per shop; old artifacts pruned."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from app.models import ModelVersion
from app.recommender.serving.loaded_model import active_version
from app.recommender.training.artifacts import new_version_name, prune, publish, write_artifact


def make_version(db_session, shop, tmp_path, payload="weights"):
    name = new_version_name()
    path = write_artifact(tmp_path, shop.id, name, lambda directory: (directory / "model.bin").write_text(payload))
    version = ModelVersion(shop_id=shop.id, version=name, status="ready", artifact_path=str(path))
    db_session.add(version)
    db_session.flush()
    return version


def test_publishing_retires_the_previous_version(db_session, make_shop, tmp_path):
    shop, _ = make_shop()
    first = make_version(db_session, shop, tmp_path)
    publish(db_session, first)
    second = make_version(db_session, shop, tmp_path)
    publish(db_session, second)
    db_session.commit()
    assert active_version(db_session, shop.id).id == second.id
    db_session.refresh(first)
    assert first.status == "retired"


def test_the_database_refuses_two_active_versions(db_session, make_shop, tmp_path):
    shop, _ = make_shop()
    for _ in range(2):
        version = make_version(db_session, shop, tmp_path)
        version.status = "active"
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_a_failed_write_leaves_no_directory(tmp_path, make_shop):
    shop, _ = make_shop()

    def failing(directory):
        (directory / "half").write_text("x")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_artifact(tmp_path, shop.id, "v1", failing)
    assert list((tmp_path / str(shop.id)).iterdir()) == []


def test_prune_keeps_the_newest_and_the_active(db_session, make_shop, tmp_path):
    shop, _ = make_shop()
    versions = [make_version(db_session, shop, tmp_path) for _ in range(5)]
    publish(db_session, versions[0])  # an old version is the active one (say, after a rollback)
    removed = prune(db_session, shop.id, keep=2)
    assert len(removed) == 2
    kept = [v for v in versions if v.artifact_path]
    assert versions[0] in kept and len(kept) == 3
    for version in versions:
        assert (version.artifact_path is not None) == ((tmp_path / str(shop.id) / version.version).exists())
