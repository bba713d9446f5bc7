import ast
import os
import random
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from tensorflow.python.framework import config as tf_config

import lab
from lab import device


def test_describe_on_this_machine():
    description = device.describe()
    assert description == "CPU" or description.startswith("GPU: ")


@pytest.mark.parametrize("details, expected", [
    ({"device_name": "NVIDIA H100 80GB HBM3"}, "GPU: NVIDIA H100 80GB HBM3"),
    ({}, "GPU: /physical_device:GPU:0"),  # no name reported: fall back to TF's device name
])
def test_describe_names_the_first_gpu(monkeypatch, details, expected):
    gpus = [device.tf.config.PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in (0, 1)]
    monkeypatch.setattr(device.tf.config, "list_physical_devices",
                        lambda kind=None: gpus if kind == "GPU" else [])
    monkeypatch.setattr(device.tf.config.experimental, "get_device_details",
                        lambda gpu: details if gpu is gpus[0] else {"device_name": "wrong"})
    assert device.describe() == expected


def test_set_seed_repeats_every_generator():
    def draw():
        return (random.random(), np.random.rand(), float(keras.random.normal(())),
                np.asarray(keras.initializers.GlorotUniform()((3, 3))))

    device.set_seed(7)
    first = draw()
    device.set_seed(7)
    second = draw()
    assert first[:3] == second[:3]
    np.testing.assert_array_equal(first[3], second[3])
    device.set_seed(8)
    assert draw()[:3] != first[:3]


def test_set_seed_enables_op_determinism_and_may_repeat():
    device.set_seed(1)
    device.set_seed(1)
    assert tf_config.is_op_determinism_enabled()


@pytest.mark.parametrize("seed, error", [(True, TypeError), (1.0, TypeError), ("1", TypeError),
                                         (-1, ValueError), (2**32, ValueError)])
def test_set_seed_rejects_bad_seeds(seed, error):
    with pytest.raises(error, match="seed"):
        device.set_seed(seed)


@pytest.mark.parametrize("language, start, tail", [
    ("en", "Device: ", "· seed 42 (deterministic ops)"),
    ("fa", "دستگاه: ", "· seed 42 (عملگرهای قطعی)"),
])
def test_setup_prints_one_line(capsys, language, start, tail):
    try:
        lab.setup(language=language)
        assert lab.plots.language() == language
    finally:
        lab.plots.use_language("en")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(start + device.describe())
    assert f"TensorFlow {device.tf.__version__} · Keras {keras.__version__}" in lines[0]
    assert lines[0].endswith(tail)


def test_setup_rejects_unknown_language():
    with pytest.raises(ValueError, match="language must be one of"):
        lab.setup(language="de")


def test_import_is_silent():
    """Importing lab and running a first layer prints nothing, even with warnings as errors."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")}
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c",
         "import lab, keras; keras.layers.Dense(2)(keras.ops.ones((1, 3)))"],
        capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == ""


ALGORITHMS = ("activations", "callbacks", "clipping", "constraints", "initializers", "layers",
              "optimizers", "regularizers")


@pytest.mark.parametrize("module", ALGORITHMS)
def test_an_algorithm_module_imports_nothing_beyond_keras(module):
    """`import lab.<algorithm>` loads lab's algorithm modules and nothing Keras and NumPy have
    not loaded already: no plotting (no font registered), no IPython display, no data."""
    code = ("import sys, keras, numpy; before = set(sys.modules); "
            f"import lab.{module}; "
            "print(sorted(m for m in set(sys.modules) - before))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr
    loaded = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    helpers = {f"lab.{name}" for name in lab.HELPERS}
    assert all(name.startswith("lab") for name in loaded), [n for n in loaded if not n.startswith("lab")]
    assert not helpers & set(loaded), sorted(helpers & set(loaded))


def test_the_notebook_helpers_load_when_first_used():
    assert set(lab.HELPERS) <= {"data", "diagnostics", "exercises", "experiments", "plots",
                                "report", "trajectories", "widgets"}
    assert lab.report.persian_digits("0.5") == "۰٫۵"  # reached through lab., loaded on use
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        lab.nonexistent
