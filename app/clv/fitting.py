"""What the two maximum-likelihood fits share."""
from __future__ import annotations

import numpy as np

# Parameters are fitted as logs; a fit that runs to exp(+-20) has not found an
# interior optimum (the data cannot tell the parameter apart from 0 or infinity).
LOG_BOUNDS = (-20.0, 20.0)


class FitError(ValueError):
    """The data cannot identify the model (too few or degenerate customers); the message says why."""


def require_finite(**arrays: np.ndarray) -> None:
    for name, values in arrays.items():
        if not np.all(np.isfinite(values)):
            raise FitError(f"{name} has missing or infinite values")


def compress(*columns: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Unique rows and how often each occurs: the likelihood only depends on the row."""
    stacked = np.column_stack(columns)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return tuple(unique[:, i] for i in range(unique.shape[1])), counts.astype(float)


def at_bound(log_params: np.ndarray) -> bool:
    return bool(np.any(np.abs(log_params - LOG_BOUNDS[0]) < 1e-6) or np.any(np.abs(log_params - LOG_BOUNDS[1]) < 1e-6))
