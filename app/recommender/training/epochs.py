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


def within_one_standard_error(best: np.ndarray, candidate: np.ndarray) -> bool:
    """Whether ``candidate``'s mean is within one standard error of ``best``'s (paired per-user difference)."""
    diff = best - candidate
    se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
    return float(diff.mean()) <= se


def one_standard_error(results: list[tuple[int, np.ndarray]], candidates: list[int] | None = None) -> int:
    """The position of the first (cheapest) result among ``candidates`` (default all) within one SE of the best's."""
    best = max(range(len(results)), key=lambda n: (float(np.mean(results[n][1])), -n))
    for n in candidates if candidates is not None else range(len(results)):
        if n == best or within_one_standard_error(results[best][1], results[n][1]):
            return n
    return best


def choose_epochs(steps: Iterable[tuple[int, object]], precision: Callable[[object], np.ndarray],
                  patience: int = PATIENCE) -> EpochChoice:
    """``steps`` yields ``(epochs so far, checkpoint)`` (fitting lazily); ``precision(checkpoint)`` the per-user precision@k.

    Only checkpoints still within one standard error of the best so far are
    kept (each holds every user's and item's vectors, which at a million
    users is not small); the one chosen is among them.
    """
    results: list[tuple[int, np.ndarray]] = []
    checkpoints: dict[int, object] = {}
    best, since_best = 0, 0
    for epochs, checkpoint in steps:
        results.append((epochs, np.asarray(precision(checkpoint), dtype=np.float64)))
        latest = len(results) - 1
        checkpoints[latest] = checkpoint
        # No users to judge by: nothing to stop on, the configured epochs are fitted.
        if latest == 0 or not len(results[latest][1]) or _mean(results[latest][1]) > _mean(results[best][1]):
            best, since_best = latest, 0
        else:
            since_best += 1
        for n in list(checkpoints):
            if n != best and len(results[n][1]) and not within_one_standard_error(results[best][1], results[n][1]):
                del checkpoints[n]
        if since_best >= patience:
            break
    if not results:
        raise ValueError("no epochs fitted")
    chosen = one_standard_error(results, sorted(checkpoints)) if len(results[best][1]) else best
    steps_document = [{"epochs": epochs, "precision_at_k": round(_mean(p), 5)} for epochs, p in results]
    return EpochChoice(results[chosen][0], checkpoints[chosen], steps_document)


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values)) if len(values) else 0.0
