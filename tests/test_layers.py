"""lab.activations and lab.layers against Keras (value by value where deterministic,
statistically where random) and, for RReLU and the MC dropouts, against their definitions."""
import math

import keras
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import reference
from lab import activations, layers

rng = np.random.default_rng(0)
inputs = hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=4, max_side=6),
                    elements=st.floats(-20, 20, width=32))


# ---------------------------------------------------------------------- activations

@settings(max_examples=60, deadline=None)
@given(x=inputs, slope=st.floats(0, 0.99), alpha=st.floats(0.1, 3))
def test_activation_functions_equal_keras(x, slope, alpha):
    np.testing.assert_allclose(activations.leaky_relu(x, slope),
                               keras.activations.leaky_relu(x, slope), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(activations.elu(x, alpha), keras.activations.elu(x, alpha),
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(activations.selu(x), keras.activations.selu(x),
                               rtol=1e-6, atol=1e-6)


def test_defaults_equal_keras():
    x = np.linspace(-3, 3, 61, dtype="float32")
    np.testing.assert_allclose(activations.leaky_relu(x), keras.activations.leaky_relu(x))
    np.testing.assert_allclose(layers.LeakyReLU()(x), keras.layers.LeakyReLU()(x))
    np.testing.assert_allclose(layers.ELU()(x), keras.layers.ELU()(x), rtol=1e-6)
    assert layers.LeakyReLU().negative_slope == 0.3  # the layer's default, not the function's


def test_selu_self_normalizes_one_layer():
    z = np.random.default_rng(1).normal(size=1_000_000).astype("float32")
    y = np.asarray(activations.selu(z), dtype=np.float64)
    assert abs(y.mean()) < 5e-3 and abs(y.var() - 1) < 5e-3


def test_gradients_equal_keras():
    x = keras.ops.convert_to_tensor(np.linspace(-3, 3, 25, dtype="float32"))
    import tensorflow as tf
    for ours, theirs in [(activations.elu, keras.activations.elu),
                         (activations.selu, keras.activations.selu),
                         (lambda v: activations.leaky_relu(v, 0.1),
                          lambda v: keras.activations.leaky_relu(v, 0.1))]:
        grads = []
        for f in (ours, theirs):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = keras.ops.sum(f(x))
            grads.append(tape.gradient(y, x).numpy())
        np.testing.assert_allclose(*grads, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("shared_axes", [None, [1], [1, 2]])
def test_prelu_trains_like_keras(shared_axes):
    x = rng.normal(size=(64, 4, 3)).astype("float32")
    y = rng.normal(size=(64, 4, 3)).astype("float32")
    weights = []
    for module in (layers, keras.layers):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4, 3)), keras.layers.Dense(3),
                                  module.PReLU(keras.initializers.Constant(0.25),
                                               shared_axes=shared_axes)])
        model.compile(keras.optimizers.SGD(0.1), "mse")
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        weights.append([w.numpy() for w in model.weights])
    assert weights[0][-1].shape == weights[1][-1].shape
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert not np.allclose(weights[0][-1], 0.25)  # α was learned


# ---------------------------------------------------------------------------- RReLU

def test_rrelu_slopes_are_uniform_in_training_and_the_mean_at_inference():
    layer = layers.RReLU(lower=0.1, upper=0.4, seed=7)
    x = -np.ones(200_000, "float32")
    slopes = -np.asarray(layer(x, training=True))
    assert slopes.min() >= 0.1 and slopes.max() <= 0.4
    # Kolmogorov-Smirnov against U(0.1, 0.4): D < 1.95/sqrt(n) fails with probability 0.001.
    cdf = (np.sort(slopes) - 0.1) / 0.3
    d = np.max(np.abs(cdf - np.arange(1, len(cdf) + 1) / len(cdf)))
    assert d < 1.95 / math.sqrt(len(cdf))
    np.testing.assert_allclose(layer(np.array([-2.0, 3.0], "float32")), [-0.5, 3.0])
    positive = rng.uniform(0, 5, 100).astype("float32")
    np.testing.assert_array_equal(layer(positive, training=True), positive)


def test_rrelu_matches_its_definition_given_the_slopes():
    x = rng.normal(size=(50, 7)).astype("float32")
    layer = layers.RReLU(seed=3)
    y = np.asarray(layer(x, training=True))
    negative = x < 0
    slopes = np.where(negative, y / np.where(negative, x, 1), 0.2)
    assert np.all((slopes[negative] >= 1 / 8 - 1e-6) & (slopes[negative] <= 1 / 3 + 1e-6))
    np.testing.assert_allclose(y, reference.rrelu(x, slopes), rtol=1e-6)


def test_rrelu_draws_new_slopes_each_call():
    layer = layers.RReLU(seed=3)
    x = -np.ones(100, "float32")
    assert not np.allclose(layer(x, training=True), layer(x, training=True))


def test_rrelu_paper_variant_divides_by_a_uniform_divisor():
    """Xu et al.'s own form: z / a with a ~ U(3, 8) in training, z / 5.5 at inference."""
    layer = layers.RReLU(seed=5, variant="paper")
    assert (layer.lower, layer.upper) == (3.0, 8.0)
    divisors = -1 / np.asarray(layer(-np.ones(200_000, "float32"), training=True), "float64")
    assert divisors.min() >= 3 - 1e-5 and divisors.max() <= 8 + 1e-5
    cdf = (np.sort(divisors) - 3) / 5
    d = np.max(np.abs(cdf - np.arange(1, len(cdf) + 1) / len(cdf)))
    assert d < 1.95 / math.sqrt(len(cdf))
    # The slopes 1/a are not uniform: their mean is ln(8/3)/5 ≈ 0.196, not the test slope 1/5.5.
    np.testing.assert_allclose((1 / divisors).mean(), math.log(8 / 3) / 5, rtol=2e-3)
    np.testing.assert_allclose(layer(np.array([-5.5, 2.0], "float32")), [-1.0, 2.0], rtol=1e-6)
    positive = rng.uniform(0, 5, 100).astype("float32")
    np.testing.assert_array_equal(layer(positive, training=True), positive)


def test_rrelu_defaults_follow_the_variant():
    assert (layers.RReLU().lower, layers.RReLU().upper) == (1 / 8, 1 / 3)
    np.testing.assert_allclose(layers.RReLU()(np.array([-1.0], "float32")), [-(1 / 8 + 1 / 3) / 2])
    paper = layers.RReLU(2.0, 4.0, variant="paper")
    np.testing.assert_allclose(paper(np.array([-3.0], "float32")), [-1.0], rtol=1e-6)
    assert layers.RReLU.from_config(paper.get_config()).variant == "paper"


# ------------------------------------------------------------------- batch normalization

@pytest.mark.parametrize("shape,axis", [((32, 5), -1), ((8, 6, 5), -1), ((4, 3, 3, 5), -1),
                                        ((4, 5, 3, 3), 1), ((16, 3, 4), 1)])
@pytest.mark.parametrize("kwargs", [{}, {"momentum": 0.9, "epsilon": 1e-5},
                                    {"center": False, "scale": False}])
def test_batch_norm_equals_keras_in_both_modes(shape, axis, kwargs):
    x = rng.normal(2, 3, size=shape).astype("float32")
    ours = layers.BatchNormalization(axis=axis, **kwargs)
    theirs = keras.layers.BatchNormalization(axis=axis, **kwargs)
    for _ in range(3):  # three training steps move the moving statistics
        np.testing.assert_allclose(ours(x, training=True), theirs(x, training=True), atol=1e-5)
    np.testing.assert_allclose(ours.moving_mean, theirs.moving_mean, rtol=1e-6)
    np.testing.assert_allclose(ours.moving_variance, theirs.moving_variance, rtol=1e-6)
    np.testing.assert_allclose(ours(x), theirs(x), atol=1e-5)


def test_batch_norm_normalizes_the_batch():
    x = rng.normal(5, 3, size=(256, 4)).astype("float32")
    y = np.asarray(layers.BatchNormalization(epsilon=1e-6)(x, training=True))
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=0), 1, atol=1e-4)


def test_frozen_batch_norm_uses_moving_statistics_even_when_training():
    layer = layers.BatchNormalization()
    x = rng.normal(5, 3, size=(64, 4)).astype("float32")
    layer(x, training=True)
    layer.trainable = False
    before = layer.moving_mean.numpy()
    np.testing.assert_allclose(layer(x, training=True), layer(x, training=False))
    np.testing.assert_array_equal(layer.moving_mean.numpy(), before)


def test_batch_norm_trains_like_keras():
    x = rng.normal(size=(400, 10)).astype("float32")
    y = rng.integers(0, 3, 400)
    weights = []
    for module in (layers, keras.layers):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(16),
                                  module.BatchNormalization(), keras.layers.Activation("relu"),
                                  keras.layers.Dense(3)])
        model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)  # 50 steps
        weights.append([w.numpy() for w in model.weights])
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, atol=1e-5)


# ------------------------------------------------------------------------------ dropout

def keep_fraction(y):
    return float(np.mean(np.asarray(y) != 0))


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_statistics_equal_keras(rate):
    x = np.ones((400, 500), "float32")
    ours = np.asarray(layers.Dropout(rate, seed=1)(x, training=True))
    theirs = np.asarray(keras.layers.Dropout(rate, seed=2)(x, training=True))
    n = x.size
    # Both keep fractions within 4 standard errors of 1 − rate, and kept units scaled alike.
    for y in (ours, theirs):
        assert abs(keep_fraction(y) - (1 - rate)) < 4 * math.sqrt(rate * (1 - rate) / n)
        np.testing.assert_allclose(np.unique(y), [0.0, 1 / (1 - rate)], rtol=1e-6)
    np.testing.assert_array_equal(layers.Dropout(rate)(x), x)  # inference: identity


def test_dropout_noise_shape_drops_whole_features():
    x = np.ones((8, 5, 6), "float32")
    y = np.asarray(layers.Dropout(0.5, noise_shape=(None, 1, 6), seed=0)(x, training=True))
    assert np.all(y == y[:, :1, :])  # the same mask along axis 1


@pytest.mark.parametrize("rate", [0.05, 0.1, 0.3])
def test_alpha_dropout_keeps_mean_and_variance_like_keras(rate):
    x = np.random.default_rng(2).normal(size=(1000, 400)).astype("float32")
    ours = np.asarray(layers.AlphaDropout(rate, seed=1)(x, training=True), np.float64)
    theirs = np.asarray(keras.layers.AlphaDropout(rate, seed=2)(x, training=True), np.float64)
    for y in (ours, theirs):
        assert abs(y.mean()) < 0.01 and abs(y.var() - 1) < 0.01
    assert abs(ours.mean() - theirs.mean()) < 0.01 and abs(ours.var() - theirs.var()) < 0.01
    # Dropped units all take the one value a·α' + b.
    alpha_p = -activations.SELU_ALPHA * activations.SELU_SCALE
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    dropped = np.isclose(ours, a * alpha_p - a * alpha_p * rate, atol=1e-5)
    assert abs(dropped.mean() - rate) < 4 * math.sqrt(rate * (1 - rate) / x.size)


@pytest.mark.parametrize("cls,base", [(layers.MCDropout, layers.Dropout),
                                      (layers.MCAlphaDropout, layers.AlphaDropout)])
def test_mc_dropout_stays_on_at_inference_and_leaves_batch_norm_alone(cls, base):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(30),
                              layers.BatchNormalization(), cls(0.5, seed=4), keras.layers.Dense(1)])
    x = rng.normal(size=(64, 20)).astype("float32")
    model(x, training=True)  # move the moving statistics away from their initial values
    bn = model.layers[1]
    moving = bn.moving_mean.numpy(), bn.moving_variance.numpy()
    first, second = np.asarray(model(x)), np.asarray(model(x))
    assert not np.allclose(first, second)  # dropout is active without training=True
    np.testing.assert_array_equal(bn.moving_mean.numpy(), moving[0])  # BN in inference mode
    np.testing.assert_array_equal(bn.moving_variance.numpy(), moving[1])
    # Given the same mask, the MC layer computes exactly what its base layer computes.
    same_seed = [np.asarray(layer(x, training=True)) for layer in (cls(0.3, seed=9), base(0.3, seed=9))]
    np.testing.assert_array_equal(*same_seed)


def test_mc_dropout_predictions_average_to_the_deterministic_one():
    layer = layers.MCDropout(0.5, seed=0)
    x = np.full((1, 2000), 3.0, "float32")
    samples = np.stack([np.asarray(layer(x)) for _ in range(50)])
    assert abs(samples.mean() - 3.0) < 0.05  # inverted dropout keeps the expectation


# ---------------------------------------------------------------------- argument checks

@pytest.mark.parametrize("make,argument", [
    (lambda: layers.Dropout(1.5), "rate"), (lambda: layers.Dropout(-0.1), "rate"),
    (lambda: layers.AlphaDropout(1.5), "rate"), (lambda: layers.MCDropout(float("nan")), "rate"),
    (lambda: layers.MCAlphaDropout(1.0), "rate"),
    (lambda: layers.RReLU(0.4, 0.2), "lower must be <= upper"),
    (lambda: layers.RReLU(-0.1, 0.2), "lower"),
    (lambda: layers.RReLU(3, 8), "lower"), (lambda: layers.RReLU(variant="pytorch"), "variant"),
    (lambda: layers.RReLU(0.1, 0.3, variant="paper"), "lower"),
    (lambda: layers.RReLU(3, 0.5, variant="paper"), "upper"),
    (lambda: layers.RReLU(8, 3, variant="paper"), "lower must be <= upper"),
    (lambda: layers.LeakyReLU(-0.5), "negative_slope"),
    (lambda: activations.leaky_relu(np.ones(2), -0.5), "negative_slope"),
    (lambda: layers.BatchNormalization(momentum=1.5), "momentum"),
    (lambda: layers.BatchNormalization(renorm_momentum=-0.1), "renorm_momentum"),
    (lambda: layers.BatchNormalization(epsilon=-1e-3), "epsilon"),
])
def test_rejects_bad_arguments(make, argument):
    with pytest.raises(ValueError, match=argument):
        make()


def test_rejects_wrong_types_and_shapes():
    with pytest.raises(TypeError, match="rate"):
        layers.Dropout("half")
    with pytest.raises(TypeError, match="axis"):
        layers.BatchNormalization(axis=1.5)
    with pytest.raises(ValueError, match="axis"):
        layers.BatchNormalization(axis=3)(np.ones((4, 2), "float32"))
    with pytest.raises(ValueError, match="shared_axes"):
        layers.PReLU(shared_axes=[3])(np.ones((4, 2), "float32"))


@pytest.mark.parametrize("layer", [
    layers.LeakyReLU(0.1), layers.ELU(0.5), layers.PReLU(shared_axes=[1]), layers.RReLU(0.1, 0.2),
    layers.RReLU(variant="paper"),
    layers.BatchNormalization(momentum=0.9), layers.Dropout(0.2), layers.AlphaDropout(0.1),
    layers.MCDropout(0.3), layers.MCAlphaDropout(0.1),
])
def test_models_with_lab_layers_save_and_load(layer, tmp_path):
    model = keras.Sequential([keras.Input((4, 3)), layer])
    x = rng.normal(size=(2, 4, 3)).astype("float32")
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded.layers[0]) is type(layer)
    if not getattr(layer, "always_on", False):
        np.testing.assert_allclose(loaded(x), model(x), rtol=1e-6)


# The noise_shape cases of Keras' own dropout_test.py: accepted as a tuple, rejected with
# ValueError (Keras' type) with a message that names the argument.
@pytest.mark.parametrize("noise_shape, stored", [(None, None), ((20, 1, 10), (20, 1, 10)),
                                                 ((None, 1, None), (None, 1, None)),
                                                 ([20, 1, 10], (20, 1, 10))])
@pytest.mark.parametrize("cls", [layers.Dropout, layers.AlphaDropout])
def test_dropout_noise_shape_is_stored_as_a_tuple(cls, noise_shape, stored):
    layer = cls(0.5, noise_shape=noise_shape)
    assert layer.noise_shape == stored and (stored is None or type(layer.noise_shape) is tuple)
    if cls is layers.Dropout:
        assert keras.layers.Dropout(0.5, noise_shape=noise_shape).noise_shape == stored


@pytest.mark.parametrize("noise_shape", ["Invalid", 5, (20, 1.5, 10), (20, -1, 10), (20, 0, 10)])
def test_dropout_rejects_the_noise_shapes_keras_rejects(noise_shape):
    with pytest.raises(ValueError, match="Invalid value received for argument `noise_shape`"):
        keras.layers.Dropout(0.5, noise_shape=noise_shape)
    with pytest.raises(ValueError, match="noise_shape must be a tuple or list of positive ints or None"):
        layers.Dropout(0.5, noise_shape=noise_shape)


@pytest.mark.parametrize("cls, twin", [(layers.Dropout, keras.layers.Dropout),
                                       (layers.AlphaDropout, keras.layers.AlphaDropout),
                                       (layers.MCDropout, keras.layers.Dropout)])
def test_stateless_dropout_layers_are_built_on_construction_like_keras(cls, twin):
    assert twin(0.2).built and cls(0.2).built
    assert cls(0.2).weights == []


def test_the_private_keras_hook_the_dropout_layers_call_still_exists():
    assert hasattr(keras.layers.Layer, "_build_at_init"), (
        "Keras no longer has Layer._build_at_init, which lab.layers' dropout layers call to be "
        "built on construction like Keras' own: find its replacement in keras/src/layers/layer.py")
