"""Choosing LightFM's number of epochs on the validation slice, while fitting it (fewer epochs: shorter training).

The validation model is fitted ``STEP_EPOCHS`` at a time, up to the configured
maximum. After each step the raw hybrid (LightFM alone, through the served
ranking) is measured on the sampled validation users by precision@k. The fit
stops once ``PATIENCE`` steps in a row have not beaten the best so far. The
number chosen is the smallest whose precision is within one standard error
(of the paired per-user difference) of the best's: the same rule that admits
a signal into the blend, here in favour of the cheaper model. The validation
slice goes on with that checkpoint's embeddings, and the final model (all
history) is fitted with that many epochs.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

STEP_EPOCHS = 5
PATIENCE = 2


@dataclass
class EpochChoice:
    epochs: int
    checkpoint: object  # what the step produced at the chosen epochs (the embeddings)
    steps: list[dict] = field(default_factory=list)

    def to_document(self) -> dict:
        return {"chosen": self.epochs, "steps": self.steps}


def one_standard_error(results: list[tuple[int, np.ndarray]]) -> int:
    """The position of the first (cheapest) result whose mean is within one SE of the best's, paired per user."""
    best = max(range(len(results)), key=lambda n: (float(np.mean(results[n][1])), -n))
    for n in range(best):
        diff = results[best][1] - results[n][1]
        se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
        if float(diff.mean()) <= se:
            return n
    return best


def choose_epochs(steps: Iterable[tuple[int, object]], precision: Callable[[object], np.ndarray],
                  patience: int = PATIENCE) -> EpochChoice:
    """``steps`` yields ``(epochs so far, checkpoint)`` (fitting lazily); ``precision(checkpoint)`` the per-user precision@k."""
    results: list[tuple[int, np.ndarray]] = []
    checkpoints: list = []
    best, since_best = -np.inf, 0
    for epochs, checkpoint in steps:
        per_user = np.asarray(precision(checkpoint), dtype=np.float64)
        results.append((epochs, per_user))
        checkpoints.append(checkpoint)
        mean = float(per_user.mean()) if len(per_user) else 0.0
        best, since_best = (mean, 0) if mean > best else (best, since_best + 1)
        if since_best >= patience:
            break
    if not results:
        raise ValueError("no epochs fitted")
    chosen = one_standard_error(results) if len(results[0][1]) else len(results) - 1
    steps_document = [{"epochs": epochs, "precision_at_k": round(float(np.mean(p)) if len(p) else 0.0, 5)} for epochs, p in results]
    return EpochChoice(results[chosen][0], checkpoints[chosen], steps_document)
