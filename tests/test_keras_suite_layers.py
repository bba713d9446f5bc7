"""Keras' own tests for the layers lab twins, run against lab.

Each test below mirrors one in Keras' test files for the twin (read in the installed
`keras/src/layers/.../*_test.py`; the Keras test's name is in the docstring), with Keras'
inputs and expectations, and `keras.src.testing.TestCase.run_layer_test` (Keras' own harness:
build, symbolic call, masking, serialization round trip, a training step and the
`mixed_float16` check) applied to the lab class. Equality with Keras itself, to float32
round-off, is checked at the end for what Keras' tests leave to the implementation: masks,
renormalization, synchronized statistics, mixed precision and saving.
"""
import inspect

import keras
import numpy as np
import pytest
from keras.src import testing

from lab import layers

rng = np.random.default_rng(0)
harness = testing.TestCase()  # Keras' assertion helpers and run_layer_test, outside unittest

TWINS = ["LeakyReLU", "ELU", "PReLU", "BatchNormalization", "Dropout", "AlphaDropout"]


@pytest.mark.parametrize("name", TWINS)
def test_every_keras_argument_is_accepted_with_the_same_default(name):
    ours = inspect.signature(getattr(layers, name).__init__).parameters
    for argument, parameter in inspect.signature(getattr(keras.layers, name).__init__).parameters.items():
        assert argument in ours, f"lab.layers.{name} lacks Keras' argument {argument!r}"
        assert ours[argument].default == parameter.default, (name, argument)


# ------------------------------------------------------ batch_normalization_test.py

@pytest.mark.parametrize("init_kwargs,input_shape,losses", [
    ({"center": True, "scale": True}, (2, 3), 0),
    ({"center": False, "scale": False}, (2, 3), 0),
    ({"beta_regularizer": "l2", "gamma_regularizer": "l2"}, (2, 4, 4, 3), 2),
    ({"renorm": True}, (2, 3), 0),
    ({"renorm": True, "renorm_clipping": {"rmax": 3.0, "rmin": 0.3, "dmax": 5.0}},
     (2, 4, 4, 3), 0),
])
def test_bn_basics_and_renorm_basics(init_kwargs, input_shape, losses):
    """test_bn_basics, test_renorm_basics: moving_stddev, renorm_mean and renorm_stddev
    are the three extra non-trainable weights of renormalization."""
    trainable = 2 if init_kwargs.get("scale", True) else 0
    harness.run_layer_test(
        layers.BatchNormalization, init_kwargs=init_kwargs, call_kwargs={"training": True},
        input_shape=input_shape, expected_output_shape=input_shape,
        expected_num_trainable_weights=trainable,
        expected_num_non_trainable_weights=5 if init_kwargs.get("renorm") else 2,
        expected_num_seed_generators=0, expected_num_losses=losses, supports_masking=True)


@pytest.mark.parametrize("axis", [-1, 1])
@pytest.mark.parametrize("input_shape", [(5, 2, 3), (5, 3, 3, 2)])
@pytest.mark.parametrize("moving_mean_initializer", ["zeros", "ones"])
@pytest.mark.parametrize("moving_variance_initializer", ["zeros", "ones"])
def test_correctness(axis, input_shape, moving_mean_initializer, moving_variance_initializer):
    """test_correctness"""
    layer = layers.BatchNormalization(axis=axis, momentum=0,
                                      moving_mean_initializer=moving_mean_initializer,
                                      moving_variance_initializer=moving_variance_initializer)
    x = np.random.default_rng(1).normal(loc=5.0, scale=10.0, size=input_shape)
    out = x
    for _ in range(3):
        out = layer(out, training=True)
    broadcast_shape = [1] * len(input_shape)
    broadcast_shape[axis] = input_shape[axis]
    out = (np.asarray(out) - np.reshape(layer.beta.numpy(), broadcast_shape)) / np.reshape(
        layer.gamma.numpy(), broadcast_shape)
    reduction_axes = tuple(i for i in range(len(input_shape)) if i != axis % len(input_shape))
    harness.assertAllClose(np.mean(out, axis=reduction_axes), 0.0, atol=1e-3)
    harness.assertAllClose(np.std(out, axis=reduction_axes), 1.0, atol=1e-3)
    harness.assertAllClose(layer.moving_mean, 0.0, atol=1e-3)
    harness.assertAllClose(layer.moving_variance, 1.0, atol=1e-3)
    # Inference before training differs; with momentum 0, inference after training matches.
    harness.assertNotAllClose(layer(x, training=False), layer(x, training=True))
    training_out = layer(x, training=True)
    harness.assertAllClose(layer(x, training=False), training_out)
    # A mask changes nothing at inference, and changes the statistics in training.
    x[:, 1, :] = 0.0
    harness.assertAllClose(layer(x, training=False),
                           layer(keras.layers.Masking()(x), training=False))
    unmasked_out = layer(x, training=False)
    harness.assertNotAllClose(unmasked_out, layer(keras.layers.Masking()(x), training=True))


@pytest.mark.parametrize("synchronized", [False, True])
def test_input_fully_masked(synchronized):
    """test_input_fully_masked"""
    norm = layers.BatchNormalization(scale=False, center=False, synchronized=synchronized)
    y = norm(np.zeros((4, 5)), mask=np.zeros((4,), dtype=np.float32), training=True)
    harness.assertAllClose(y, np.zeros((4, 5), dtype=np.float32))


@pytest.mark.parametrize("run_eagerly", [True, False])
@pytest.mark.parametrize("mask_value", [0.0, 0.1, 1])
def test_bachnorm_ignore_masked_values(run_eagerly, mask_value):
    """test_bachnorm_ignore_masked_values"""
    padded = np.array([[[1, 5], [2, 5], [mask_value] * 2, [mask_value] * 2]] * 10, "float32")
    inputs = keras.Input((None, 2))
    masked = keras.layers.Masking(mask_value=mask_value)(inputs)
    model = keras.Model(inputs, layers.BatchNormalization(momentum=0.0)(masked))
    model.compile("rmsprop", loss="mse", run_eagerly=run_eagerly)
    model.fit(padded, padded, batch_size=10, epochs=5, verbose=0)
    harness.assertAllClose(model.layers[2].moving_mean, [1.5, 5.0])
    harness.assertAllClose(model.layers[2].moving_variance, [0.25, 0.0])


def test_trainable_behavior():
    """test_trainable_behavior"""
    layer = layers.BatchNormalization(axis=-1, momentum=0.8, epsilon=1e-7)
    layer.build((1, 4, 4, 3))
    layer.trainable = False
    assert (len(layer.weights), len(layer.trainable_weights)) == (4, 0)
    assert len(layer.non_trainable_weights) == 4
    x = np.random.default_rng(2).normal(loc=5.0, scale=10.0, size=(200, 4, 4, 3))
    harness.assertAllClose(layer(x, training=True), x)
    layer.trainable = True
    assert (len(layer.trainable_weights), len(layer.non_trainable_weights)) == (2, 2)
    for _ in range(10):
        out = layer(x, training=True)
    out = (np.asarray(out) - layer.beta.numpy()) / layer.gamma.numpy()
    harness.assertAllClose(np.mean(out, axis=(0, 1, 2)), 0.0, atol=1e-3)
    harness.assertAllClose(np.std(out, axis=(0, 1, 2)), 1.0, atol=1e-3)


def test_large_value_within_autocast_scope():
    """test_large_value_within_autocast_scope: the statistics stay float32 (70000 overflows
    float16)."""
    layer = layers.BatchNormalization()
    layer.build((1, 4, 4, 3))
    large_value = keras.ops.full(layer.moving_variance.shape, 70000)
    with keras.src.backend.AutocastScope("float16"):
        layer.moving_variance.assign(large_value)
        harness.assertAllClose(layer.moving_variance.value, large_value)


def test_masked_broadcast_normalization():
    """test_masked_broadcast_normalization"""
    layer = layers.BatchNormalization(axis=-1, momentum=0.0, epsilon=1e-3)
    y = layer(keras.ops.ones((1, 2, 3, 4)), training=True, mask=keras.ops.ones((1, 2, 1)))
    harness.assertAllClose(keras.ops.mean(y, axis=[0, 1, 2]), np.zeros(4), atol=1e-6)
    harness.assertAllClose(y, np.zeros((1, 2, 3, 4)), atol=1e-6)
    harness.assertAllClose(layer.moving_mean, np.ones(4), atol=1e-6)
    harness.assertAllClose(layer.moving_variance, np.zeros(4), atol=1e-6)


def test_a_mask_of_the_wrong_rank_is_refused():
    """Keras' check in BatchNormalization.call."""
    with pytest.raises(ValueError, match="one dimension fewer"):
        layers.BatchNormalization()(np.ones((2, 3, 4)), mask=np.ones((2, 3, 4)), training=True)


@pytest.mark.parametrize("clipping,message", [
    ({"random_key": 1.0}, "rmax, rmin and dmax"), ({"rmax": 0.0, "rmin": 1.0}, "rmax >= rmin"),
    ({"rmax": 1.0, "dmax": -1.0}, "dmax >= 0"),
])
def test_renorm_invalid_clipping_keys(clipping, message):
    """test_renorm_invalid_clipping_keys"""
    with pytest.raises(ValueError, match=message):
        layers.BatchNormalization(renorm=True, renorm_clipping=clipping)
    with pytest.raises(ValueError):
        keras.layers.BatchNormalization(renorm=True, renorm_clipping=clipping)


def test_renorm_stddev_initializer():
    """test_renorm_stddev_initializer: σ starts at sqrt of the variance initializer."""
    layer = layers.BatchNormalization(
        renorm=True, moving_variance_initializer=keras.initializers.Constant(4.0))
    layer.build((None, 5))
    harness.assertAllClose(layer.moving_stddev, np.full((5,), 2.0), atol=1e-6)
    harness.assertAllClose(layer.renorm_stddev, np.full((5,), 2.0), atol=1e-6)


def test_renorm_inference():
    """test_renorm_inference: at inference renormalization changes nothing."""
    bn, bn_renorm = layers.BatchNormalization(), layers.BatchNormalization(renorm=True)
    bn.build((None, 10))
    bn_renorm.build((None, 10))
    for attr in ["gamma", "beta", "moving_mean", "moving_variance"]:
        value = rng.normal(size=10).astype("float32")
        getattr(bn, attr).assign(np.abs(value) if attr == "moving_variance" else value)
        getattr(bn_renorm, attr).assign(getattr(bn, attr))
    x = rng.normal(size=(4, 10))
    harness.assertAllClose(bn(x, training=False), bn_renorm(x, training=False),
                           atol=1e-5, rtol=1e-5)


def test_renorm_correctness():
    """test_renorm_correctness: Ioffe's r and d, the output and all five moving statistics."""
    epsilon, momentum, renorm_momentum = 1e-3, 0.9, 0.8
    layer = layers.BatchNormalization(axis=-1, epsilon=epsilon, momentum=momentum,
                                      renorm=True, renorm_momentum=renorm_momentum)
    layer.build((None, 3))
    draw = np.random.default_rng(1337)
    moving_mean, moving_var = draw.normal(0, 1, 3), np.abs(draw.normal(1, 0.5, 3))
    renorm_mean, renorm_stddev = draw.normal(0, 1, 3), np.abs(draw.normal(1, 0.5, 3))
    gamma, beta = draw.normal(1, 0.1, 3), draw.normal(0, 0.1, 3)
    for variable, value in [(layer.moving_mean, moving_mean), (layer.moving_variance, moving_var),
                            (layer.moving_stddev, np.sqrt(moving_var)),
                            (layer.renorm_mean, renorm_mean),
                            (layer.renorm_stddev, renorm_stddev),
                            (layer.gamma, gamma), (layer.beta, beta)]:
        variable.assign(value)
    x = np.array([[4.0, 6.0, 2.0], [8.0, -2.0, 5.0], [6.0, 4.0, 3.0]], "float32")
    batch_mean, batch_stddev = x.mean(0), np.sqrt(x.var(0) + epsilon)
    r, d = batch_stddev / renorm_stddev, (batch_mean - renorm_mean) / renorm_stddev
    expected = ((x - batch_mean) / batch_stddev * r + d) * gamma + beta
    harness.assertAllClose(layer(x, training=True), expected, atol=1e-5)
    harness.assertAllClose(layer.renorm_mean,
                           renorm_mean * renorm_momentum + batch_mean * (1 - renorm_momentum),
                           atol=1e-5)
    harness.assertAllClose(
        layer.renorm_stddev,
        renorm_stddev * renorm_momentum + batch_stddev * (1 - renorm_momentum), atol=1e-5)
    harness.assertAllClose(layer.moving_mean,
                           moving_mean * momentum + batch_mean * (1 - momentum), atol=1e-5)
    stddev = np.sqrt(moving_var) * momentum + batch_stddev * (1 - momentum)
    harness.assertAllClose(layer.moving_stddev, stddev, atol=1e-5)
    harness.assertAllClose(layer.moving_variance, stddev**2 - epsilon, atol=1e-5)


def test_serialization():
    """test_serialization"""
    layer = layers.BatchNormalization(
        renorm=True, renorm_clipping={"rmax": 3.0, "rmin": 0.3, "dmax": 5.0},
        renorm_momentum=0.95)
    config = layer.get_config()
    assert layers.BatchNormalization.from_config(config).get_config() == config


# ----------------------------------------------- dropout_test.py, alpha_dropout_test.py

@pytest.mark.parametrize("cls", [layers.Dropout, layers.AlphaDropout])
def test_dropout_basics(cls):
    """test_dropout_basics, test_alpha_dropout_basics"""
    harness.run_layer_test(
        cls, init_kwargs={"rate": 0.2}, input_shape=(2, 3), call_kwargs={"training": True},
        expected_output_shape=(2, 3), expected_num_trainable_weights=0,
        expected_num_non_trainable_weights=0, expected_num_seed_generators=1,
        expected_num_losses=0, supports_masking=True, assert_built_after_instantiation=True)


def test_dropout_rescaling():
    """test_dropout_rescaling"""
    outputs = np.asarray(layers.Dropout(0.5, seed=1337)(np.ones((20, 500)), training=True))
    harness.assertAllClose(np.mean(outputs), 1.0, atol=0.02)
    harness.assertAllClose(np.max(outputs), 2.0)


def test_alpha_dropout_correctness():
    """test_alpha_dropout_correctness"""
    layer = layers.AlphaDropout(0.3, seed=1337)
    outputs = layer(np.ones((20, 500), "float32"), training=True)
    harness.assertAllClose(np.std(np.asarray(outputs)), 1.0, atol=1e-1)


@pytest.mark.parametrize("cls", [layers.Dropout, layers.AlphaDropout])
@pytest.mark.parametrize("noise_shape", [(None, 1, None), (20, 1, 10)])
def test_dropout_partial_noise_shape(cls, noise_shape):
    """test_dropout_partial_noise_shape_dynamic/_static (and alpha dropout's)"""
    outputs = cls(0.5, noise_shape=noise_shape)(np.ones((20, 5, 10)), training=True)
    harness.assertAllClose(outputs[:, 0, :], outputs[:, 1, :])


@pytest.mark.parametrize("cls", [layers.Dropout, layers.AlphaDropout])
@pytest.mark.parametrize("rate", [-0.5, 1.5])
def test_dropout_rate_outside_0_1(cls, rate):
    """test_dropout_negative_rate, test_dropout_rate_greater_than_one (and alpha's)"""
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1"):
        cls(rate=rate)


def test_dropout_rate_one_drops_everything_as_in_keras():
    x = np.ones((2, 3), "float32")
    harness.assertAllClose(layers.Dropout(1.0)(x, training=True),
                           keras.layers.Dropout(1.0)(x, training=True))
    harness.assertAllClose(layers.Dropout(1.0)(x, training=True), np.zeros((2, 3)))


def test_alpha_dropout_rate_one_is_refused_on_construction():
    """Keras accepts it and fails at the first call (0 to a negative power)."""
    with pytest.raises(ValueError, match="rate"):
        layers.AlphaDropout(1.0)


@pytest.mark.parametrize("noise_shape,stored", [(None, None), ((20, 1, 10), (20, 1, 10)),
                                                ((None, 1, None), (None, 1, None)),
                                                ([20, 1, 10], (20, 1, 10))])
def test_validate_noise_shape(noise_shape, stored):
    """test_validate_noise_shape_none/_integer_tuple/_none_values/_cast_to_a_tuple"""
    assert layers.Dropout(0.5, noise_shape=noise_shape).noise_shape == stored


@pytest.mark.parametrize("noise_shape", ["Invalid", (20, 1.5, 10), (20, -1, 10), (20, 0, 10)])
def test_validate_noise_shape_invalid(noise_shape):
    """test_validate_noise_shape_non_iterable/_invalid_type/_negative_value/_zero_value"""
    with pytest.raises(ValueError, match="noise_shape"):
        layers.Dropout(0.5, noise_shape=noise_shape)


# ------------------------------------------- elu_test.py, leaky_relu_test.py, prelu_test.py

@pytest.mark.parametrize("cls,init_kwargs", [(layers.ELU, {}),
                                             (layers.LeakyReLU, {"negative_slope": 1})])
def test_activation_layer_basics(cls, init_kwargs):
    """test_elu, test_config (ELU), test_leaky_relu"""
    harness.run_layer_test(cls, init_kwargs=init_kwargs, input_shape=(2, 3, 4),
                           supports_masking=True, assert_built_after_instantiation=True)
    harness.run_class_serialization_test(cls(**init_kwargs))


def test_elu_correctness():
    """test_correctness (ELU)"""
    x = np.random.default_rng(3).random((2, 2, 5))
    for alpha in (1.0, 0.7):
        expected = (x > 0) * x + (x <= 0) * alpha * (np.exp(x) - 1)
        harness.assertAllClose(layers.ELU(alpha=alpha)(x), expected)


def test_leaky_relu_correctness():
    """test_leaky_relu_correctness"""
    harness.assertAllClose(layers.LeakyReLU(negative_slope=0.5)(np.array([-10, -5, 0.0, 5, 10])),
                           [-5.0, -2.5, 0.0, 5.0, 10.0])


def test_leaky_relu_invalid_usage():
    """test_invalid_usage: None (and negative slopes) raise ValueError, as in Keras."""
    for slope in (None, -1):
        with pytest.raises(ValueError, match="negative_slope"):
            layers.LeakyReLU(negative_slope=slope)


def test_prelu():
    """test_prelu"""
    harness.run_layer_test(
        layers.PReLU, init_kwargs={"alpha_initializer": "zeros", "alpha_regularizer": "L1",
                                   "alpha_constraint": "MaxNorm", "shared_axes": 1},
        input_shape=(2, 3, 4), supports_masking=True)


def test_prelu_correctness():
    """test_prelu_correctness"""
    inputs = np.random.default_rng(4).normal(size=(2, 10, 5, 3))
    layer = layers.PReLU(alpha_initializer="glorot_uniform", alpha_regularizer="l1",
                         alpha_constraint="non_neg", shared_axes=(1, 2))
    layer.build(inputs.shape)
    weights = np.random.default_rng(5).random((1, 1, 3))
    layer.alpha.assign(weights)
    harness.assertAllClose(layer(inputs), (inputs > 0) * inputs + (inputs <= 0) * weights * inputs)


# ------------------------------------------------------- equal to Keras, step by step

def _train_twice(make_layers, x, y, steps=3, learning_rate=0.1):
    """Train the same model built from keras.layers and from lab.layers; both weight lists."""
    weights = []
    for module in (keras.layers, layers):
        keras.utils.set_random_seed(7)
        model = keras.Sequential(make_layers(module))
        model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
        model.fit(x, y, batch_size=len(x), epochs=steps, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    return weights


def _assert_same_weights(keras_weights, lab_weights, rtol=1e-5, atol=1e-6):
    assert len(keras_weights) == len(lab_weights)
    for theirs, ours in zip(keras_weights, lab_weights):
        assert np.isfinite(theirs).all()  # equal NaNs would prove nothing
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


def test_batch_norm_after_a_masking_embedding_trains_like_keras():
    """Padded steps (token 0) stay out of the batch statistics, in the moving means too."""
    tokens = rng.integers(1, 20, size=(8, 6))
    tokens[:, 4:] = 0
    tokens[:3, 2:] = 0
    y = rng.normal(size=(8, 6, 4)).astype("float32")
    keras_weights, lab_weights = _train_twice(lambda m: [
        keras.Input((6,)), keras.layers.Embedding(20, 4, mask_zero=True),
        m.BatchNormalization(momentum=0.5)], tokens, y)
    _assert_same_weights(keras_weights, lab_weights)
    unmasked = _train_twice(lambda m: [
        keras.Input((6,)), keras.layers.Embedding(20, 4), m.BatchNormalization(momentum=0.5)],
        tokens, y)[1]
    assert not np.allclose(unmasked[-2], lab_weights[-2])  # the mask did change the means


@pytest.mark.parametrize("clipping", [None, {"rmax": 1.5, "rmin": 0.7, "dmax": 0.5}])
def test_batch_renormalization_trains_like_keras(clipping):
    x = rng.normal(loc=2.0, scale=3.0, size=(16, 5)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    keras_weights, lab_weights = _train_twice(lambda m: [
        keras.Input((5,)), keras.layers.Dense(6),
        m.BatchNormalization(renorm=True, renorm_clipping=clipping, renorm_momentum=0.7,
                             momentum=0.8),
        keras.layers.Dense(1)], x, y, steps=5, learning_rate=0.01)
    _assert_same_weights(keras_weights, lab_weights)


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_batch_norm_under_a_mixed_precision_policy_trains_like_keras(policy):
    x = rng.normal(size=(16, 5)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    keras.mixed_precision.set_global_policy(policy)
    try:
        keras_weights, lab_weights = _train_twice(lambda m: [
            keras.Input((5,)), keras.layers.Dense(6), m.BatchNormalization(momentum=0.8),
            keras.layers.Dense(1)], x, y)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    _assert_same_weights(keras_weights, lab_weights, rtol=1e-2, atol=1e-3)


def test_batch_norm_with_renorm_and_a_mask_saves_and_loads(tmp_path):
    model = keras.Sequential([
        keras.Input((6,)), keras.layers.Embedding(20, 4, mask_zero=True),
        layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 3.0}, axis=-1)])
    tokens = rng.integers(0, 20, size=(4, 6))
    model.compile("sgd", "mse")
    model.fit(tokens, rng.normal(size=(4, 6, 4)), epochs=2, verbose=0)
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    assert loaded.layers[-1].get_config() == model.layers[-1].get_config()
    assert loaded.layers[-1].get_config()["axis"] == -1
    _assert_same_weights(model.get_weights(), loaded.get_weights(), rtol=0, atol=0)
    np.testing.assert_allclose(loaded(tokens), model(tokens), rtol=1e-6)


SYNCHRONIZED = """
import json
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
import keras, numpy as np
from lab import layers
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
draw = np.random.default_rng(0)
x = np.concatenate([draw.normal(0, 1, (4, 3)), draw.normal(3, 2, (4, 3))]).astype("float32")

def moving_statistics(module, synchronized):
    with strategy.scope():
        bn = module.BatchNormalization(momentum=0.0, synchronized=synchronized)
        bn.build((None, 3))
    batches = strategy.experimental_distribute_dataset(
        tf.data.Dataset.from_tensor_slices(x).batch(8))
    step = tf.function(lambda b: strategy.run(lambda r: bn(r, training=True), args=(b,)))
    for batch in batches:  # one batch, half on each replica
        step(batch)
    return [bn.moving_mean.numpy().tolist(), bn.moving_variance.numpy().tolist()]

print(json.dumps({"global": [x.mean(0).tolist(), x.var(0).tolist()], **{
    f"{name} {sync}": moving_statistics(module, sync)
    for name, module in (("keras", keras.layers), ("lab", layers)) for sync in (False, True)}}))
"""


def test_synchronized_statistics_span_the_replicas_like_keras():
    """Two replicas (two logical CPUs, MirroredStrategy), one batch split between them:
    synchronized=True normalizes with the whole batch's moments, as Keras' layer does;
    without it each replica uses its half's (the averaged moving variance shows it)."""
    import json
    import os
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", SYNCHRONIZED], capture_output=True, text=True,
                         env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    result = {key: np.array(value) for key, value in json.loads(run.stdout.splitlines()[-1]).items()}
    for sync in (False, True):
        np.testing.assert_allclose(result[f"lab {sync}"], result[f"keras {sync}"], rtol=1e-6)
    np.testing.assert_allclose(result["lab True"], result["global"], rtol=1e-5)
    assert not np.allclose(result["lab False"][1], result["global"][1], rtol=0.1)


def test_leaky_relu_slopes_above_one_as_in_keras():
    """Keras' layer test uses negative_slope=1; any slope >= 0 computes z or αz."""
    x = np.array([-2.0, -0.5, 0.0, 3.0], "float32")
    for slope in (1.0, 1.5):
        harness.assertAllClose(layers.LeakyReLU(slope)(x), keras.layers.LeakyReLU(slope)(x))
