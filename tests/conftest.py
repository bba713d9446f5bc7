"""Shared test set-up: no windows, no writes to the user's caches, deterministic hypothesis."""
import os

import keras
import matplotlib
import pytest
from hypothesis import settings
from tensorflow.python.framework import config as tf_config

# The same examples on every run (CI included): a failure is reproducible, never a fluke.
settings.register_profile("lab", derandomize=True, deadline=None)
settings.load_profile("lab")

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


@pytest.fixture
def xla():
    """Let Keras compile with XLA: it silently falls back to no XLA while TensorFlow's op
    determinism is on, which lab.setup() (run by other tests) turns on."""
    was_on = tf_config.is_op_determinism_enabled()
    tf_config.disable_op_determinism()
    yield
    if was_on:
        tf_config.enable_op_determinism()


@pytest.fixture
def mixed_float16():
    """Keras' mixed_float16 policy for one test (float16 compute, float32 variables)."""
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy("float32")
