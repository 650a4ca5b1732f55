"""The training pipeline: the final LightFM fit starts once the validation slice has chosen its epochs."""
import threading

from app.recommender.training import lightfm_model
from app.recommender.training.pipeline import TrainingOptions, train_recommender
from tests.helpers import recommender_synthetic as synthetic


def test_the_final_fit_uses_the_epochs_chosen_on_validation_and_reports_from_the_callers_thread():
    shop = synthetic.build(customers=120, late_customers=20)
    reports: list[tuple[str, str]] = []
    options = TrainingOptions(hyperparameters=lightfm_model.HyperParameters(no_components=8, epochs=15))
    trained = train_recommender(shop.interactions, shop.items, shop.users, options, purchases=shop.purchases,
                                progress=lambda message: reports.append((threading.current_thread().name, message)))
    chosen = trained.served.settings["epochs"]["chosen"]
    assert chosen in (5, 10, 15)
    assert trained.embeddings.metadata["hyperparameters"]["epochs"] == chosen
    # Progress may write through the caller's database session: never from the background fit's thread.
    assert {name for name, _ in reports} == {threading.current_thread().name}
    assert any(message.startswith("final model fitted") for _, message in reports)


def test_without_a_validation_slice_the_final_fit_runs_with_the_configured_epochs():
    shop = synthetic.build(customers=120, late_customers=20)
    first_day = shop.interactions.subset(shop.interactions.timestamps < synthetic.START + synthetic.DAY / 2)
    options = TrainingOptions(hyperparameters=lightfm_model.HyperParameters(no_components=8, epochs=3))
    trained = train_recommender(first_day, shop.items, shop.users, options)
    assert trained.served.settings == {"fallback": "too little history to validate"}
    assert trained.embeddings.metadata["hyperparameters"]["epochs"] == 3
