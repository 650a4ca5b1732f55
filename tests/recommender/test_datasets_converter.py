"""The converters of the shared data sets (offline/datasets.py)."""
from pathlib import Path

from app.recommender.offline import datasets

PROJECT = Path(__file__).resolve().parents[2]


def test_the_default_source_is_the_shared_datasets_folder_next_to_the_project():
    # `python -m app.recommender.offline.datasets OUT` without --source must find ../shared/datasets.
    assert datasets.DEFAULT_SOURCE == PROJECT.parent / "shared" / "datasets"
