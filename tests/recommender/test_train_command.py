"""`flask --app wsgi train` as an operator runs it."""
from __future__ import annotations

from sqlalchemy import select

from app.models import ModelVersion
from tests.helpers.recommender_shop import build_shop


def test_train_command_trains_with_given_hyperparameters(app, runner, db_session, make_shop, tmp_path):
    app.config["MODEL_DIR"] = str(tmp_path)
    shop, _ = make_shop()
    build_shop(db_session, shop, customers=20)
    result = runner.invoke(args=["train", "--components", "4", "--epochs", "3", "--loss", "bpr"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"shop {shop.id}: version" in result.stdout and "active" in result.stdout
    version = db_session.scalars(select(ModelVersion)).one()
    assert (version.hyperparameters["no_components"], version.hyperparameters["epochs"], version.hyperparameters["loss"]) == (4, 3, "bpr")
    stale = runner.invoke(args=["train", "--all", "--stale-hours", "1"], catch_exceptions=False)
    assert "model is fresh, skipped" in stale.output


def test_train_command_names_a_shop_without_history(app, runner, make_shop, tmp_path):
    app.config["MODEL_DIR"] = str(tmp_path)
    make_shop()
    result = runner.invoke(args=["train"])
    assert result.exit_code == 1 and "not trained: no product views" in result.output
