"""Shared test set-up: no windows, no writes to the user's caches."""
import os

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="session", autouse=True)
def lab_cache_dir(tmp_path_factory):
    """Point lab's disk cache at a fresh folder for the whole session."""
    saved = os.environ.get("LAB_CACHE_DIR")
    path = tmp_path_factory.mktemp("lab-cache")
    os.environ["LAB_CACHE_DIR"] = str(path)
    yield path
    if saved is None:
        del os.environ["LAB_CACHE_DIR"]
    else:
        os.environ["LAB_CACHE_DIR"] = saved
