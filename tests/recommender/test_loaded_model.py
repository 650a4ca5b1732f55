"""A web worker keeps only each shop's active model version in memory."""
import gc
import weakref

import numpy as np

from app.clock import utcnow
from app.models import ModelVersion
from app.recommender.serving import baskets, loaded_model, served_model
from app.recommender.training import artifacts
from app.recommender.training import baskets as basket_training
from tests.helpers.recommender_served import served


def publish(db_session, shop, tmp_path) -> ModelVersion:
    model = served(np.eye(3, dtype=np.float32), np.eye(3, dtype=np.float32))
    name = artifacts.new_version_name()

    def write(directory):
        served_model.save(model, directory)
        basket_training.save(directory, basket_training.bought_together([], model.embeddings.item_ids))

    path = artifacts.write_artifact(tmp_path, shop.id, name, write)
    version = ModelVersion(shop_id=shop.id, version=name, status="ready", artifact_path=str(path), trained_at=utcnow())
    db_session.add(version)
    artifacts.publish(db_session, version)
    db_session.commit()
    return version


def test_a_new_active_version_replaces_the_old_one_in_memory(db_session, make_shop, tmp_path):
    loaded_model.clear_cache()
    shop, _ = make_shop()
    other, _ = make_shop("Other")
    first = publish(db_session, shop, tmp_path)
    publish(db_session, other, tmp_path)
    old = loaded_model.active_model(db_session, shop.id)
    assert old.version == first.version and loaded_model.active_model(db_session, shop.id) is old  # cached
    assert isinstance(old.together, baskets.BoughtTogether)
    loaded_model.active_model(db_session, other.id)
    gone = weakref.ref(old)
    del old
    second = publish(db_session, shop, tmp_path)
    assert loaded_model.active_model(db_session, shop.id).version == second.version
    gc.collect()
    assert gone() is None, "the retired version must not stay in memory"
    assert set(loaded_model.cached_versions().items()) >= {(shop.id, second.version)}
    assert first.version not in loaded_model.cached_versions().values()
