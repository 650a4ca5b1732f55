"""LightFM's epochs chosen on the validation slice: stop after PATIENCE steps without a new best, keep the cheapest
checkpoint within one standard error of the best."""
import numpy as np

from app.recommender.training import lightfm_model
from app.recommender.training.epochs import choose_epochs, one_standard_error
from app.recommender.training.features import Interactions, build_training_data
from app.recommender.training.lightfm_model import HyperParameters

USERS = 400


def per_user(mean: float, seed: int) -> np.ndarray:
    """Per-user precision with the given mean (hits of 0.1), the same users at every checkpoint."""
    hits = np.zeros(USERS)
    hits[np.random.default_rng(seed).permutation(USERS)[: int(round(mean * 10 * USERS))]] = 0.1
    return hits


def test_the_cheapest_checkpoint_within_one_standard_error_of_the_best_is_chosen():
    base = per_user(0.05, 0)
    close = base.copy()
    close[np.flatnonzero(base == 0)[:3]] = 0.1
    close[np.flatnonzero(base > 0)[:2]] = 0.0  # +0.00025 over base, within one SE (about 0.0006)
    far = base.copy()
    far[np.flatnonzero(base == 0)[:60]] = 0.1  # +0.015, several SEs
    assert one_standard_error([(5, base), (10, close)]) == 0
    assert one_standard_error([(5, base), (10, far), (15, far)]) == 1
    assert one_standard_error([(5, far), (10, base)]) == 0  # the best first


def test_fitting_stops_after_patience_steps_without_a_new_best_and_keeps_the_chosen_checkpoint():
    means = {5: 0.02, 10: 0.06, 15: 0.06, 20: 0.05, 25: 0.09, 30: 0.09}
    fitted = []

    def steps():
        for epochs in sorted(means):
            fitted.append(epochs)
            yield epochs, f"model after {epochs}"

    base = per_user(0.02, 0)
    gains = np.flatnonzero(base == 0)

    def precision(checkpoint: str) -> np.ndarray:
        epochs = int(checkpoint.rsplit(" ", 1)[1])
        result = base.copy()
        result[gains[: int(round((means[epochs] - 0.02) * 10 * USERS))]] = 0.1
        return result

    choice = choose_epochs(steps(), precision, patience=2)
    assert fitted == [5, 10, 15, 20]  # 15 and 20 did not beat 10: no further epochs fitted
    assert choice.epochs == 10 and choice.checkpoint == "model after 10"
    assert [step["epochs"] for step in choice.steps] == [5, 10, 15, 20]
    assert choice.to_document()["chosen"] == 10


def test_fitting_in_steps_gives_the_model_one_fit_gives():
    rng = np.random.default_rng(3)
    rows = [(f"u{u}", f"i{i}", 1.0, float(n)) for n, (u, i) in enumerate(zip(rng.integers(0, 30, 300), rng.integers(0, 20, 300)))]
    data = build_training_data(Interactions.from_tuples(rows))
    hp = HyperParameters(no_components=4, epochs=6, num_threads=1)
    whole = lightfm_model.fit(data, hp, seed=0)
    steps = list(lightfm_model.fit_in_steps(data, hp, 0, 4))
    assert [epochs for epochs, _ in steps] == [4, 6]
    np.testing.assert_allclose(steps[-1][1].item_embeddings, whole.item_embeddings, rtol=1e-6)


def test_only_checkpoints_within_one_standard_error_of_the_best_are_kept():
    base = per_user(0.02, 0)
    better = base.copy()
    better[np.flatnonzero(base == 0)[:80]] = 0.1  # +0.02, far beyond one SE
    kept = []

    class Checkpoint:
        def __init__(self, epochs):
            self.epochs = epochs

        def __del__(self):
            kept.append(-self.epochs)  # dropped

    results = {5: base, 10: better, 15: better}
    dropped_before = {}

    def precision(checkpoint):
        dropped_before[checkpoint.epochs] = list(kept)
        return results[checkpoint.epochs]

    choice = choose_epochs(((e, Checkpoint(e)) for e in (5, 10, 15)), precision, patience=5)
    assert choice.epochs == 10
    assert dropped_before[15] == [-5]  # let go once 10 beat it, while fitting went on


def test_without_users_to_judge_by_every_epoch_is_fitted():
    choice = choose_epochs(((e, e) for e in (5, 10, 15, 20)), lambda c: np.empty(0), patience=1)
    assert choice.epochs == 20 and [step["epochs"] for step in choice.steps] == [5, 10, 15, 20]
