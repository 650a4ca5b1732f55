"""Reading what orders say beyond taste (products bought together) from a model artifact."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

TOGETHER_FILE = "bought_together.npz"


@dataclass
class BoughtTogether:
    """For each item (by index into ``item_ids``), its partners by lift, best first (CSR rows)."""

    item_ids: list
    matrix: sp.csr_matrix

    def partners(self, item_id, index: dict) -> list[tuple[object, float]]:
        row = index.get(item_id)
        if row is None:
            return []
        start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        columns, lifts = self.matrix.indices[start:end], self.matrix.data[start:end]
        order = np.argsort(-lifts, kind="stable")
        return [(self.item_ids[columns[i]], float(lifts[i])) for i in order]


def load(directory: Path, item_ids: list) -> BoughtTogether:
    with np.load(directory / TOGETHER_FILE, allow_pickle=False) as arrays:
        matrix = sp.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=tuple(arrays["shape"]))
    return BoughtTogether(list(item_ids), matrix)
