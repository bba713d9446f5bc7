import math
import random

import keras
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from keras.src.initializers.random_initializers import compute_fans as keras_compute_fans

from lab import initializers

NAMES = ["GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform"]
SHAPE = (400, 600)  # fan_in 400, fan_out 600, fan_avg 500; 240 000 draws
N = math.prod(SHAPE)
THEORETICAL_VARIANCE = {"GlorotNormal": 2 / 1000, "GlorotUniform": 2 / 1000,
                        "HeNormal": 2 / 400, "HeUniform": 2 / 400,
                        "LecunNormal": 1 / 400, "LecunUniform": 1 / 400,
                        "StandardUniform": 1 / (3 * 400)}


def draw(initializer, shape=SHAPE, dtype=None):
    return np.asarray(initializer(shape, dtype=dtype), dtype=np.float64).ravel()


def ks_statistic(a, b):
    """Two-sample Kolmogorov-Smirnov D = max |F_a(t) - F_b(t)| over the pooled sample."""
    a, b = np.sort(a), np.sort(b)
    pooled = np.concatenate([a, b])
    return np.max(np.abs(np.searchsorted(a, pooled, side="right") / len(a)
                         - np.searchsorted(b, pooled, side="right") / len(b)))


# D exceeds 1.95 * sqrt(2 / N) with probability 0.001 when both samples share a distribution.
KS_CRITICAL = 1.95 * math.sqrt(2 / N)


# ---------------------------------------------------------------- fans

@pytest.mark.parametrize("shape", [
    (), (7,), (0,), (1, 1), (3, 5), (784, 100), (0, 5),
    (3, 16, 32),            # Conv1D kernel
    (3, 3, 16, 32),         # Conv2D kernel
    (3, 3, 3, 8, 16),       # Conv3D kernel
    (1, 1, 64, 128),        # 1x1 convolution
])
def test_compute_fans_matches_keras(shape):
    assert initializers.compute_fans(shape) == keras_compute_fans(shape)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 64), max_size=6))
def test_compute_fans_matches_keras_on_random_shapes(shape):
    ours = initializers.compute_fans(shape)
    assert ours == keras_compute_fans(shape)
    assert all(isinstance(fan, int) for fan in ours)


@pytest.mark.parametrize("shape, input_axes, output_axes", [
    ((512, 8, 64), [0], [1, 2]),        # EinsumDense query projection (Keras' own test)
    ((512, 8, 64), [0, 1], [2]),        # output projection
    ((32, 4, 16), (0,), (1, 2)),
    ((3, 5), [0], None),                # only one given: the default rule, as Keras
])
def test_compute_fans_with_axes_matches_keras(shape, input_axes, output_axes):
    assert (initializers.compute_fans(shape, input_axes, output_axes)
            == keras_compute_fans(shape, input_axes, output_axes))


@pytest.mark.parametrize("name", NAMES)
def test_fan_axes_give_exactly_keras_values(name):
    axes = {"input_axes": [0], "output_axes": [1, 2]}
    ours = getattr(initializers, name)(seed=2, **axes)
    theirs = getattr(keras.initializers, name)(seed=2, **axes)
    np.testing.assert_array_equal(draw(ours, (32, 4, 16)), draw(theirs, (32, 4, 16)))
    assert ours.get_config() == theirs.get_config()


def test_numpy_numbers_are_accepted():
    assert initializers.compute_fans(np.array([3, 3, 16, 32])) == (144, 288)
    config = initializers.VarianceScaling(scale=np.float32(2.0)).get_config()
    assert type(config["scale"]) is float


@pytest.mark.parametrize("shape, error", [
    ((3, -1), ValueError), ((2.5, 3), TypeError), ((None, 3), TypeError),
    ((True, 3), TypeError), (5, TypeError),
])
def test_compute_fans_rejects_bad_shapes(shape, error):
    with pytest.raises(error, match="shape"):
        initializers.compute_fans(shape)


def test_truncation_constant_is_the_std_of_a_normal_cut_at_two_sigma():
    phi_2 = math.exp(-2) / math.sqrt(2 * math.pi)
    mass = math.erf(2 / math.sqrt(2))
    assert initializers.TRUNCATED_NORMAL_STD == pytest.approx(
        math.sqrt(1 - 4 * phi_2 / mass), rel=1e-15)


# ---------------------------------------------------------------- distributions

@pytest.mark.parametrize("name", NAMES)
def test_same_distribution_as_keras(name):
    ours = draw(getattr(initializers, name)(seed=1))
    theirs = draw(getattr(keras.initializers, name)(seed=2))  # an independent draw
    variance = THEORETICAL_VARIANCE[name]
    # Relative standard error of a sample variance: sqrt((kurtosis - 1) / N) <= 0.3 % here;
    # 1.5 % is 5 standard errors (2 % for the difference of two samples).
    assert ours.var() == pytest.approx(variance, rel=0.015)
    assert ours.var() == pytest.approx(theirs.var(), rel=0.02)
    assert abs(ours.mean()) < 5 * math.sqrt(variance / N)
    assert ks_statistic(ours, theirs) < KS_CRITICAL
    if name.endswith("Uniform"):
        limit = math.sqrt(3 * variance)
        assert np.abs(ours).max() <= limit * (1 + 1e-6)
        assert np.abs(ours).max() > 0.999 * limit
    else:
        bound = 2 * math.sqrt(variance) / initializers.TRUNCATED_NORMAL_STD
        assert np.abs(ours).max() <= bound * (1 + 1e-6)
        assert np.abs(ours).max() > 0.99 * bound


def test_ks_statistic_tells_uniform_from_truncated_normal():
    """The KS check above has teeth: same variance, different shape is detected."""
    uniform = draw(initializers.GlorotUniform(seed=1))
    normal = draw(keras.initializers.GlorotNormal(seed=2))
    assert ks_statistic(uniform, normal) > 5 * KS_CRITICAL


@pytest.mark.parametrize("name", NAMES)
def test_equal_seeds_give_exactly_keras_values(name):
    """Same formulas and the same keras.random primitive: bit-identical tensors."""
    for seed in (0, 7):
        for shape in ((30, 20), (3, 3, 4, 8), (5,)):
            np.testing.assert_array_equal(draw(getattr(initializers, name)(seed=seed), shape),
                                          draw(getattr(keras.initializers, name)(seed=seed), shape))


@pytest.mark.parametrize("dtype", [None, "float32", "float64", "float16"])
def test_dtype_matches_keras(dtype):  # None means keras.config.floatx(), float32
    ours = initializers.HeNormal(seed=1)((4, 5), dtype=dtype)
    theirs = keras.initializers.HeNormal(seed=1)((4, 5), dtype=dtype)
    assert keras.backend.standardize_dtype(ours.dtype) == keras.backend.standardize_dtype(theirs.dtype)


def test_standard_uniform_is_the_old_heuristic():
    weights = draw(initializers.StandardUniform(seed=3))
    limit = 1 / math.sqrt(400)
    assert np.abs(weights).max() <= limit * (1 + 1e-6)
    assert np.abs(weights).max() > 0.999 * limit
    assert weights.var() == pytest.approx(THEORETICAL_VARIANCE["StandardUniform"], rel=0.015)


@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
def test_variance_scaling_matches_keras(mode, distribution):
    shape = (3, 3, 8, 16)  # conv kernel: fan_in 72, fan_out 144
    ours = initializers.VarianceScaling(0.5, mode, distribution, seed=4)(shape)
    theirs = keras.initializers.VarianceScaling(0.5, mode, distribution, seed=4)(shape)
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def test_untruncated_normal_has_tails():
    weights = draw(initializers.VarianceScaling(2.0, "fan_in", "untruncated_normal", seed=5))
    sigma = math.sqrt(2 / 400)
    assert weights.var() == pytest.approx(sigma**2, rel=0.015)
    assert np.abs(weights).max() > 3 * sigma  # a truncated normal never goes past 2.27 sigma


def test_normal_is_an_alias_of_truncated_normal():
    initializer = initializers.VarianceScaling(distribution="Normal")
    assert initializer.distribution == "truncated_normal"
    assert initializer.get_config()["distribution"] == "truncated_normal"


# ---------------------------------------------------------------- seeds

def test_seeds_behave_like_keras():
    unseeded = initializers.GlorotUniform()
    np.testing.assert_array_equal(draw(unseeded, (5, 5)), draw(unseeded, (5, 5)))
    assert not np.array_equal(draw(initializers.GlorotUniform(), (5, 5)), draw(unseeded, (5, 5)))

    generator = initializers.GlorotUniform(seed=keras.random.SeedGenerator(1))
    assert not np.array_equal(draw(generator, (5, 5)), draw(generator, (5, 5)))

    # An unseeded instance takes its seed from Python's random at construction, like Keras.
    random.seed(99)
    ours = initializers.HeNormal()
    random.seed(99)
    theirs = keras.initializers.HeNormal()
    np.testing.assert_array_equal(draw(ours, (6, 4)), draw(theirs, (6, 4)))


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("kwargs, error, match", [
    ({"scale": 0.0}, ValueError, "scale"), ({"scale": -1.0}, ValueError, "scale"),
    ({"scale": float("nan")}, ValueError, "scale"), ({"scale": float("inf")}, ValueError, "scale"),
    ({"scale": "1"}, TypeError, "scale"), ({"scale": True}, TypeError, "scale"),
    ({"mode": "fan_sum"}, ValueError, "mode must be one of"),
    ({"distribution": "gaussian"}, ValueError, "distribution must be one of"),
    ({"distribution": 3}, TypeError, "distribution"),
    ({"seed": "1"}, ValueError, "seed"), ({"seed": 1.5}, ValueError, "seed"),  # as Keras
    ({"seed": True}, ValueError, "seed"),
    ({"input_axes": [0.5], "output_axes": [1]}, TypeError, "input_axes"),
    ({"input_axes": [0], "output_axes": 1}, TypeError, "output_axes"),
])
def test_variance_scaling_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        initializers.VarianceScaling(**kwargs)


def test_presets_reject_bad_seeds():
    with pytest.raises(ValueError, match="seed"):
        initializers.HeNormal(seed=2.0)


# ---------------------------------------------------------------- serialization

@pytest.mark.parametrize("name", NAMES + ["StandardUniform"])
def test_config_round_trip(name):
    cls = getattr(initializers, name)
    seeded = cls(seed=3)
    assert seeded.get_config() == {"seed": 3, "input_axes": None, "output_axes": None}
    copy = cls.from_config(seeded.get_config())
    np.testing.assert_array_equal(draw(copy, (4, 4)), draw(seeded, (4, 4)))
    restored = keras.initializers.deserialize(keras.initializers.serialize(seeded))
    assert type(restored) is cls
    assert cls().get_config()["seed"] is None  # a copy of an unseeded one draws anew


def test_variance_scaling_config_round_trip():
    original = initializers.VarianceScaling(0.5, "fan_avg", "uniform",
                                            seed=keras.random.SeedGenerator(8))
    config = original.get_config()
    assert {k: config[k] for k in ("scale", "mode", "distribution")} == {
        "scale": 0.5, "mode": "fan_avg", "distribution": "uniform"}
    copy = initializers.VarianceScaling.from_config(config)
    assert isinstance(copy.seed, keras.random.SeedGenerator)
    np.testing.assert_array_equal(draw(copy, (4, 4)), draw(
        initializers.VarianceScaling.from_config(config), (4, 4)))


# Keras' own saving code trips NumPy 2's __array__(copy=...) deprecation; not ours to fix.
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")
def test_model_with_lab_initializers_saves_and_loads(tmp_path):
    model = keras.Sequential([keras.Input((3,)),
                              keras.layers.Dense(4, kernel_initializer=initializers.HeNormal(seed=1)),
                              keras.layers.Dense(2, kernel_initializer=initializers.StandardUniform())])
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    first, second = (layer.kernel_initializer for layer in loaded.layers)
    assert type(first) is initializers.HeNormal and first.get_config()["seed"] == 1
    assert type(second) is initializers.StandardUniform
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- training

def make_problem():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 20)).astype("float32")
    teacher = rng.normal(size=(20, 3))
    y = np.argmax(np.tanh(x @ teacher) + 0.3 * rng.normal(size=(512, 3)), axis=1)
    return x, y


def loss_history(make_initializer, first_seed):
    """Losses of a 2-hidden-layer ReLU MLP; only the kernel initializer and its seeds vary."""
    x, y = make_problem()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((20,)),
        keras.layers.Dense(32, "relu", kernel_initializer=make_initializer(first_seed)),
        keras.layers.Dense(32, "relu", kernel_initializer=make_initializer(first_seed + 1)),
        keras.layers.Dense(3, kernel_initializer=make_initializer(first_seed + 2)),
    ])
    model.compile(keras.optimizers.SGD(0.1),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, batch_size=128, epochs=10, shuffle=False, verbose=0)
    return np.array(history.history["loss"])


# Tolerance, measured: over 10 seeds of Keras' own initializers the final loss of this set-up
# has a relative standard deviation of 2.3-3.6 % (depending on the initializer), so the gap
# between two independent draws has about 5 %. 15 % is 3 of those standard deviations: wide
# enough for any honest draw, narrow enough to catch a wrong scale (see the control below).
TRAINING_RTOL = 0.15


@pytest.mark.parametrize("name", NAMES)
def test_trains_like_keras(name):
    ours = loss_history(lambda seed: getattr(initializers, name)(seed=seed), 1)
    theirs = loss_history(lambda seed: getattr(keras.initializers, name)(seed=seed), 101)
    np.testing.assert_allclose(ours[-1], theirs[-1], rtol=TRAINING_RTOL)
    assert ours[-1] < 0.85 * ours[0]  # it did learn


def test_training_check_catches_a_wrong_scale():
    wrong = loss_history(lambda seed: initializers.VarianceScaling(50.0, seed=seed), 1)
    keras_he = loss_history(lambda seed: keras.initializers.HeNormal(seed=seed), 101)
    assert abs(wrong[-1] - keras_he[-1]) > TRAINING_RTOL * keras_he[-1]
